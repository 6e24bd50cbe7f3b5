// `sextant app ...`: the commands that change hosts are operations (cli/operation.ts, one
// workflow each); the ones that read or run something interactively go straight over SSH.
import * as app from '../../commands/app';
import { containerLogs } from '../../commands/logs';
import { versionFromName, versionedImage } from '../../commands/naming';
import * as prune from '../../commands/prune';
import type { Role } from '../../config';
import { planHosts, type Plan } from '../../plan/types';
import { UsageError } from '../args';
import { deployCommand } from './deploy';
import { positiveInt, readHosts, type HostReader } from '../host-reads';
import { noArguments, proxyHosts, runOperation } from '../operation';
import type { CommandContext } from '../registry';

const everyHost = (plan: Plan) => planHosts(plan);

export function appStartCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  const version = typeof ctx.flags.version === 'string' ? ctx.flags.version : null;
  return runOperation(ctx, {
    command: 'app start',
    phases: (plan) => [{ step: 'appStart', hosts: everyHost(plan), args: [{ version }], audit: `Started app${version ? ` version ${version}` : ''}` }],
    success: 'Started the app',
  });
}

export function appStopCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  return runOperation(ctx, { command: 'app stop', phases: (plan) => [{ step: 'appStop', hosts: everyHost(plan), audit: 'Stopped app' }], success: 'Stopped the app' });
}

export function appRemoveCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  return runOperation(ctx, {
    command: 'app remove',
    phases: (plan) => [{ step: 'appRemove', hosts: everyHost(plan), audit: 'Removed app containers, images and env files' }],
    success: 'Removed the app',
    confirm: 'This removes the app containers, images and env files from the hosts.',
  });
}

export function appMaintenanceCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  const drain = ctx.flags['drain-timeout'];
  const drainTimeoutSeconds = drain === undefined ? undefined : Number(drain);
  if (drainTimeoutSeconds !== undefined && !(Number.isInteger(drainTimeoutSeconds) && drainTimeoutSeconds >= 0)) {
    throw new UsageError(`--drain-timeout expects whole seconds, got "${String(drain)}"`);
  }
  const message = typeof ctx.flags.message === 'string' ? ctx.flags.message : undefined;
  return runOperation(ctx, {
    command: 'app maintenance',
    phases: (plan) => [{ step: 'appMaintenance', hosts: proxyHosts(plan), args: [{ drainTimeoutSeconds, message }], audit: 'Set app to maintenance mode' }],
    success: 'The app is in maintenance mode (`sextant app live` ends it)',
  });
}

export function appLiveCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  return runOperation(ctx, { command: 'app live', phases: (plan) => [{ step: 'appLive', hosts: proxyHosts(plan), audit: 'Set app to live' }], success: 'The app is live' });
}

/** Running containers of a role on a host, newest first. */
async function running(r: HostReader, host: string, role: Role): Promise<app.ContainerSummary[]> {
  const scope = { service: r.service.config.service, destination: r.service.destination ?? undefined, role: role.name };
  return app.parseContainerList(await r.run(host, app.listContainers({ ...scope, statuses: ['running'] })));
}

const rolesOn = (r: HostReader, host: string) => r.service.roles.filter((x) => x.hosts.includes(host));

export function appStaleContainersCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  if (ctx.flags.stop) {
    return runOperation(ctx, {
      command: 'app stale_containers',
      phases: (plan) => [{ step: 'stopStaleContainers', hosts: everyHost(plan), audit: 'Stopped stale containers' }],
      success: 'Stopped the stale containers',
    });
  }
  return readHosts(ctx, async (host, r) => {
    for (const role of rolesOn(r, host)) {
      const [, ...stale] = await running(r, host, role);
      for (const c of stale) r.print(host, `${c.name}  stale (${role.name}; \`--stop\` stops it)`);
    }
  });
}

export function appVersionCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  return readHosts(ctx, async (host, r) => {
    for (const role of rolesOn(r, host)) {
      const [current] = await running(r, host, role);
      const scope = { service: r.service.config.service, destination: r.service.destination ?? undefined, role: role.name };
      r.print(host, `${role.name}  ${current ? versionFromName(scope, current.name) : '(not running)'}`);
    }
  });
}

export function appImagesCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  return readHosts(ctx, async (host, r) => {
    const list = prune.parseImageList(await r.run(host, prune.listServiceImages({ service: r.service.config.service })));
    if (list.length === 0) r.print(host, '(no images of the app)');
    for (const i of list) r.print(host, `${i.repository}:${i.tag}  ${i.id}`);
  });
}

export function appLogsCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  const grep = typeof ctx.flags.grep === 'string' ? ctx.flags.grep : undefined;
  const options = {
    since: typeof ctx.flags.since === 'string' ? ctx.flags.since : undefined,
    // Kamal shows the last 100 lines of each container unless asked for more, a time range or a grep.
    lines: positiveInt(ctx.flags.lines, '--lines') ?? (ctx.flags.since || grep ? undefined : 100),
    follow: ctx.flags.follow === true,
    timestamps: ctx.flags['skip-timestamps'] !== true,
    grep,
    grepOptions: typeof ctx.flags['grep-options'] === 'string' ? ctx.flags['grep-options'] : undefined,
  };
  return readHosts(ctx, async (host, r) => {
    for (const role of rolesOn(r, host)) {
      const [current] = await running(r, host, role);
      if (!current) {
        r.print(host, `${role.name}: no running container`, 'stderr');
        continue;
      }
      await r.stream(host, containerLogs(current.name, options));
    }
  });
}

/** `-e K=V` flags → env. */
function envFlags(value: unknown): Record<string, string> {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [String(value)];
  return Object.fromEntries(
    list.map((kv: string) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new UsageError(`--env expects KEY=VALUE, got "${kv}"`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}

/**
 * `app exec CMD`: in a new container of the role's running version (or --version), or with
 * --reuse inside the running container. With one host the output's bytes pass through untouched;
 * with several, each line gets its host in front. -i gives the command a PTY on the first host.
 */
export function appExecCommand(ctx: CommandContext): Promise<number> {
  const cmd = ctx.positionals;
  if (cmd.length === 0) throw new UsageError('app exec needs a command, e.g. `sextant app exec -- ls -la`');
  const env = envFlags(ctx.flags.env);
  const reuse = ctx.flags.reuse === true;
  const interactive = ctx.flags.interactive === true;
  let single = false;
  return readHosts(
    ctx,
    async (host, r) => {
      const role = rolesOn(r, host)[0]!;
      const scope = { service: r.service.config.service, destination: r.service.destination ?? undefined, role: role.name };
      const [current] = await running(r, host, role);
      let argv: string[];
      if (reuse) {
        if (!current) throw new Error(`no running ${role.name} container to reuse on ${host}. Fix: drop --reuse, or \`sextant app boot\``);
        argv = app.execIn(current.name, { cmd, env, interactive });
      } else {
        const version = typeof ctx.flags.version === 'string' ? ctx.flags.version : current ? versionFromName(scope, current.name) : undefined;
        if (!version) throw new Error(`no running ${role.name} container on ${host} to take the version from. Fix: pass --version`);
        const image = versionedImage({ image: r.service.config.image, registryServer: r.service.config.registry?.server }, version);
        argv = app.runOnce({ ...scope, image, clearEnv: role.env.clear, env, cmd, interactive, detach: ctx.flags.detach === true });
      }
      if (interactive) {
        await r.interactive(host, argv);
      } else if (single && !r.out.options.json) {
        await r.run(host, argv, (stream, chunk) => (stream === 'stdout' ? process.stdout : process.stderr).write(chunk));
      } else {
        await r.stream(host, argv);
      }
    },
    // Interactive: one terminal, so one host, the first selected (the primary's, unless -h).
    (s) => {
      single = s.hosts.length === 1;
      return interactive ? s.hosts.slice(0, 1) : s.hosts;
    },
  );
}

/** `app boot`: the deploy workflow for a version already in the registry, without its hooks. */
export const appBootCommand = (ctx: CommandContext) => deployCommand({ ...ctx, flags: { ...ctx.flags, 'skip-push': true, 'skip-hooks': true } });

/** `redeploy`: deploy (with its hooks) of the version already in the registry. */
export const redeployCommand = (ctx: CommandContext) => deployCommand({ ...ctx, flags: { ...ctx.flags, 'skip-push': true } });
