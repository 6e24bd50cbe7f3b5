// `sextant accessory ...  NAME|all`, with Kamal's meaning. Commands that change hosts are
// operations (one workflow each, locked and audited); details, logs and exec read or run
// straight over SSH. An accessory's hosts are its own (host/hosts/roles/tags); -h cuts them.
import * as accessory from '../../commands/accessory';
import { containerLogs } from '../../commands/logs';
import { accessorySecretNames, resolveSecrets, secretNames } from '../../config';
import { didYouMean } from '../../config/suggest';
import { buildAccessoryPlan, runParamsOf, type AccessoryPlan } from '../../plan/accessory';
import { loadSealKey } from '../../plan/seal';
import { patterns } from '../../plan/select';
import { sextantHome } from '../../worker/home';
import type { OperationPhase } from '../../workflows/operation';
import { UsageError } from '../args';
import { positiveInt, readHosts, type HostReader } from '../host-reads';
import { runOperation, withoutSelection } from '../operation';
import { loadService, type Service } from '../project';
import type { CommandContext } from '../registry';

/** The accessories' plans (secrets opened and sealed, `files:` read), on all their hosts. */
function plansOf(ctx: CommandContext, service: Service, names: string[]): AccessoryPlan[] {
  const { config } = service;
  const secrets = resolveSecrets({
    cwd: ctx.cwd,
    env: ctx.env,
    destination: service.destination ?? undefined,
    secretsPath: config.secrets_path,
    // The app's too: an accessory whose image is in the app's registry logs in with its credentials.
    names: [...secretNames(config), ...names.flatMap((n) => accessorySecretNames(config, n))],
  });
  const sealKey = loadSealKey(sextantHome(ctx.env), ctx.env);
  return names.map((n) => buildAccessoryPlan({ config, name: n, secrets, sealKey, cwd: ctx.cwd }));
}

/** Each plan with its hosts cut by -h; those left without a host dropped. */
function onSelectedHosts(ctx: CommandContext, plans: AccessoryPlan[]): AccessoryPlan[] {
  const only = typeof ctx.flags.hosts === 'string' ? patterns(ctx.flags.hosts.split(',').map((h) => h.trim()).filter(Boolean)) : null;
  return plans.map((a) => (only ? { ...a, hosts: a.hosts.filter((h) => only.some((re) => re.test(h))) } : a)).filter((a) => a.hosts.length > 0);
}

/** NAME or `all` → the accessories' plans, each with its hosts cut by -h (those left without a host dropped). */
async function pick(ctx: CommandContext, name: string | undefined): Promise<{ service: Service; accessories: AccessoryPlan[] }> {
  // -h/-r/-p cut the app's roles; accessories apply -h to their own hosts instead.
  const service = await loadService(withoutSelection(ctx));
  const known = Object.keys(service.config.accessories);
  if (!name) throw new UsageError(`name an accessory, or all: ${known.join(', ') || '(none configured under accessories:)'}`);
  if (name !== 'all' && !known.includes(name)) {
    const near = didYouMean(name, known);
    throw new UsageError(`no accessory ${name} in accessories:${near ? `; did you mean ${near}?` : ''} The accessories are: ${known.join(', ') || '(none)'}`);
  }
  const names = name === 'all' ? known : [name];
  if (names.length === 0) throw new UsageError('there are no accessories under accessories: in the configuration');
  const plans = plansOf(ctx, service, names);
  const kept = onSelectedHosts(ctx, plans);
  if (kept.length === 0) {
    const all = [...new Set(plans.flatMap((a) => a.hosts))];
    throw new UsageError(`no host of ${name === 'all' ? 'any accessory' : `accessory ${name}`} matches --hosts ${String(ctx.flags.hosts)}; its hosts are ${all.join(', ')}`);
  }
  return { service, accessories: kept };
}

/** Every configured accessory (none is fine), hosts cut by -h: what `setup` boots and `remove` removes. */
export async function everyAccessory(ctx: CommandContext): Promise<AccessoryPlan[]> {
  const service = await loadService(withoutSelection(ctx));
  return onSelectedHosts(ctx, plansOf(ctx, service, Object.keys(service.config.accessories)));
}

function accessoryOperation(
  ctx: CommandContext,
  sub: string,
  phases: (a: AccessoryPlan) => OperationPhase[],
  success: (names: string) => string,
  confirm?: (names: string) => string,
): Promise<number> {
  return (async () => {
    if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument ${ctx.positionals[1]}`);
    const { accessories } = await pick(ctx, ctx.positionals[0]);
    const names = accessories.map((a) => a.name).join(', ');
    return runOperation(ctx, {
      command: `accessory ${sub}`,
      ownHosts: true,
      phases: () => accessories.flatMap(phases),
      success: success(names),
      confirm: confirm?.(names),
    });
  })();
}

const phase = (step: OperationPhase['step'], a: AccessoryPlan, audit?: string): OperationPhase => ({ step, hosts: a.hosts, args: [a], ...(audit ? { audit } : {}) });

/** The phases `setup`, `remove` and `upgrade` share with `accessory boot|remove`. */
export const bootPhase = (a: AccessoryPlan) => phase('accessoryBoot', a, `Booted ${a.name} accessory`);
export const removePhase = (a: AccessoryPlan) => phase('accessoryRemove', a, `Removed ${a.name} accessory`);
export const upgradePhase = (a: AccessoryPlan) => phase('upgradeAccessory', a, `Joined ${a.name} accessory to the kamal network`);

export const accessoryBootCommand = (ctx: CommandContext) => accessoryOperation(ctx, 'boot', (a) => [bootPhase(a)], (n) => `Booted ${n} (where it had no container)`);

export const accessoryUploadCommand = (ctx: CommandContext) =>
  accessoryOperation(ctx, 'upload', (a) => [phase('accessoryUpload', a)], (n) => `Uploaded the files of ${n}`);

export const accessoryDirectoriesCommand = (ctx: CommandContext) =>
  accessoryOperation(ctx, 'directories', (a) => [phase('accessoryDirectories', a)], (n) => `Created the directories of ${n}`);

export const accessoryRebootCommand = (ctx: CommandContext) =>
  accessoryOperation(ctx, 'reboot', (a) => [phase('accessoryReboot', a, `Rebooted ${a.name} accessory`)], (n) => `Rebooted ${n}`);

export const accessoryStartCommand = (ctx: CommandContext) =>
  accessoryOperation(ctx, 'start', (a) => [phase('accessoryStart', a, `Started ${a.name} accessory`)], (n) => `Started ${n}`);

export const accessoryStopCommand = (ctx: CommandContext) =>
  accessoryOperation(ctx, 'stop', (a) => [phase('accessoryStop', a, `Stopped ${a.name} accessory`)], (n) => `Stopped ${n}`);

export const accessoryRestartCommand = (ctx: CommandContext) =>
  accessoryOperation(
    ctx,
    'restart',
    (a) => [phase('accessoryStop', a, `Stopped ${a.name} accessory`), phase('accessoryStart', a, `Started ${a.name} accessory`)],
    (n) => `Restarted ${n}`,
  );

export const accessoryRemoveCommand = (ctx: CommandContext) =>
  accessoryOperation(
    ctx,
    'remove',
    (a) => [removePhase(a)],
    (n) => `Removed ${n} (named volumes stay)`,
    (n) => `This removes the containers, images, uploaded files, directories and env files of ${n} from their hosts.`,
  );

/** Read-only or interactive: over SSH on each selected accessory host, output prefixed with the host. */
async function readAccessories(ctx: CommandContext, each: (a: AccessoryPlan, host: string, r: HostReader) => Promise<void>, hostsOf?: (hosts: string[]) => string[]): Promise<number> {
  const { accessories } = await pick(ctx, ctx.positionals[0]);
  const pickHosts = (a: AccessoryPlan) => (hostsOf ? hostsOf(a.hosts) : a.hosts);
  const hosts = [...new Set(accessories.flatMap(pickHosts))];
  return readHosts(
    withoutSelection(ctx),
    async (host, r) => {
      for (const a of accessories) if (pickHosts(a).includes(host)) await each(a, host, r);
    },
    () => hosts,
  );
}

export function accessoryDetailsCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument ${ctx.positionals[1]}`);
  return readAccessories(ctx, async (a, host, r) => r.print(host, await r.run(host, accessory.info(a.container))));
}

/** Kamal's `accessory logs`: the last 100 lines (10 with -f, which follows the first host only). */
export function accessoryLogsCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 1) throw new UsageError(`unexpected argument ${ctx.positionals[1]}`);
  const grep = typeof ctx.flags.grep === 'string' ? ctx.flags.grep : undefined;
  const since = typeof ctx.flags.since === 'string' ? ctx.flags.since : undefined;
  const follow = ctx.flags.follow === true;
  const options = {
    since,
    lines: positiveInt(ctx.flags.lines, '--lines') ?? (since || grep ? undefined : follow ? 10 : 100),
    follow,
    timestamps: ctx.flags['skip-timestamps'] !== true,
    grep,
    grepOptions: typeof ctx.flags['grep-options'] === 'string' ? ctx.flags['grep-options'] : undefined,
  };
  return readAccessories(ctx, (a, host, r) => r.stream(host, containerLogs(a.container, options)), follow ? (hosts) => hosts.slice(0, 1) : undefined);
}

/**
 * `accessory exec NAME CMD...`: in a new container of the accessory's image (with its env and
 * mounts), or with --reuse inside the running one; with -i in a PTY on its first host only.
 * With one host the output's bytes pass through untouched.
 */
export async function accessoryExecCommand(ctx: CommandContext): Promise<number> {
  const [name, ...cmd] = ctx.positionals;
  if (!name || name === 'all') throw new UsageError('accessory exec needs one accessory and a command, e.g. `sextant accessory exec db -- mysql -e "select 1"`');
  if (cmd.length === 0) throw new UsageError(`accessory exec ${name} needs a command, e.g. \`sextant accessory exec ${name} -- ls -la\``);
  const reuse = ctx.flags.reuse === true;
  const interactive = ctx.flags.interactive === true;
  let single = false;
  return readAccessories(
    { ...ctx, positionals: [name] },
    async (a, host, r) => {
      const scope = { service: r.service.config.service, destination: r.service.destination ?? undefined };
      const argv = reuse
        ? accessory.execInExisting(a.container, cmd, interactive)
        : accessory.execInNew(runParamsOf(a, scope, (await r.run(host, accessory.homeDirectory())).trim()), cmd, interactive);
      if (interactive) await r.interactive(host, argv);
      else if (single && !r.out.options.json) await r.run(host, argv, (stream, chunk) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk));
      else await r.stream(host, argv);
    },
    // Interactive: one terminal, so the accessory's first (selected) host.
    (hosts) => {
      single = hosts.length === 1;
      return interactive ? hosts.slice(0, 1) : hosts;
    },
  );
}
