// The app's checkout as the CLI sees it: config (with destination), secrets, version → plan.
import { DEFAULT_CONFIG_FILE, loadConfig, resolveConfigSecrets, roles, type Config, type Role } from '../config';
import { checkAliases } from './aliases';
import { SelectionError, selectRoles, type Selection } from '../plan/select';
import type { Plan } from '../plan/types';
import type { SshTarget } from '../ssh/target';
import { appVersion } from './app-version';
import { UsageError } from './args';
import type { CommandContext } from './registry';

export interface Service {
  config: Config;
  destination: string | null;
  /** The roles and hosts the command touches (after -h/-r/-p). */
  roles: Role[];
  hosts: string[];
  selection: Selection;
  sshTarget(host: string): SshTarget;
}

export async function loadService(ctx: CommandContext): Promise<Service> {
  const configFile = typeof ctx.flags['config-file'] === 'string' ? ctx.flags['config-file'] : undefined;
  const loaded = loadConfig({
    cwd: ctx.cwd,
    configFile,
    destination: typeof ctx.flags.destination === 'string' ? ctx.flags.destination : undefined,
    env: ctx.env,
  });
  const { config } = loaded;
  checkAliases(config.aliases, configFile ?? DEFAULT_CONFIG_FILE);
  const selection = selectionFlags(ctx);
  let selected;
  try {
    selected = selectRoles(roles(config), selection);
  } catch (err) {
    throw err instanceof SelectionError ? new UsageError(err.message) : err;
  }
  return {
    config,
    destination: loaded.destination ?? null,
    roles: selected,
    hosts: [...new Set(selected.flatMap((r) => r.hosts))],
    selection,
    sshTarget: (host) => ({ host, user: config.ssh.user, port: config.ssh.port, keys: config.ssh.keys }),
  };
}

function selectionFlags(ctx: CommandContext): Selection {
  const list = (v: unknown) => (typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : undefined);
  return { hosts: list(ctx.flags.hosts), roles: list(ctx.flags.roles), primary: ctx.flags.primary === true };
}

export interface Project extends Service {
  plan(home: string): Plan;
}

export async function loadProject(ctx: CommandContext, options: { kind: Plan['kind']; version?: string; command?: string }): Promise<Project> {
  const service = await loadService(ctx);
  const secrets = resolveConfigSecrets(
    { config: service.config, files: [], destination: service.destination ?? undefined },
    { cwd: ctx.cwd, env: ctx.env },
  );
  const version = appVersion(ctx.cwd, options.version ?? (typeof ctx.flags.version === 'string' ? ctx.flags.version : undefined));
  const [{ buildPlan }, { loadSealKey }, { machineId }, { localQueue }] = await Promise.all([
    import('../plan/build'),
    import('../plan/seal'),
    import('../worker/home'),
    import('../worker/queues'),
  ]);
  return {
    ...service,
    plan: (home) =>
      buildPlan({
        config: service.config,
        secrets,
        destination: service.destination,
        kind: options.kind,
        version,
        sealKey: loadSealKey(home, ctx.env),
        cwd: ctx.cwd,
        localQueue: localQueue(machineId(home)),
        skipPush: Boolean(ctx.flags['skip-push']),
        skipHooks: Boolean(ctx.flags['skip-hooks']),
        command: options.command ?? options.kind,
        selection: service.selection,
      }),
  };
}
