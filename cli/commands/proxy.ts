// `sextant proxy ...`: kamal-proxy on the hosts of the proxied roles. Changes are operations
// (one workflow each); details and logs are read straight over SSH.
import { containerLogs } from '../../commands/logs';
import { PROXY_CONTAINER } from '../../commands/naming';
import * as proxy from '../../commands/proxy';
import type { OperationPhase } from '../../workflows/operation';
import type { Plan } from '../../plan/types';
import { positiveInt, readHosts } from '../host-reads';
import { noArguments, proxyHosts, runOperation } from '../operation';
import type { CommandContext } from '../registry';

function proxyOperation(ctx: CommandContext, command: string, phases: (hosts: string[]) => OperationPhase[], success: string, confirm?: string): Promise<number> {
  noArguments(ctx);
  return runOperation(ctx, { command, phases: (plan: Plan) => phases(proxyHosts(plan)), success, confirm });
}

export const proxyBootCommand = (ctx: CommandContext) =>
  proxyOperation(ctx, 'proxy boot', (hosts) => [{ step: 'ensureProxy', hosts, audit: 'Booted proxy' }], 'kamal-proxy runs');

export const proxyRebootCommand = (ctx: CommandContext) =>
  proxyOperation(
    ctx,
    'proxy reboot',
    (hosts) => [{ step: 'rebootProxy', hosts, rolling: ctx.flags.rolling === true, audit: 'Rebooted proxy', hooks: { pre: 'pre-proxy-reboot', post: 'post-proxy-reboot' } }],
    'kamal-proxy rebooted',
    `This replaces the kamal-proxy container${ctx.flags.rolling ? ' on one host at a time' : ' on every host at once'}: requests fail while it restarts.`,
  );

export const proxyStartCommand = (ctx: CommandContext) =>
  proxyOperation(ctx, 'proxy start', (hosts) => [{ step: 'startProxy', hosts, audit: 'Started proxy' }], 'kamal-proxy started');

export const proxyStopCommand = (ctx: CommandContext) =>
  proxyOperation(ctx, 'proxy stop', (hosts) => [{ step: 'stopProxy', hosts, audit: 'Stopped proxy' }], 'kamal-proxy stopped');

export const proxyRestartCommand = (ctx: CommandContext) =>
  proxyOperation(
    ctx,
    'proxy restart',
    (hosts) => [{ step: 'stopProxy', hosts }, { step: 'startProxy', hosts, audit: 'Restarted proxy' }],
    'kamal-proxy restarted',
  );

export const proxyRemoveCommand = (ctx: CommandContext) =>
  proxyOperation(
    ctx,
    'proxy remove',
    (hosts) => [{ step: 'removeProxy', hosts, audit: 'Removed proxy' }],
    'kamal-proxy removed',
    'This removes kamal-proxy, its image and .kamal/proxy from the hosts: every app on them stops answering.',
  );

export function proxyDetailsCommand(ctx: CommandContext): Promise<number> {
  return readHosts(ctx, async (host, r) => r.print(host, await r.run(host, proxy.details())), proxyHosts);
}

export function proxyLogsCommand(ctx: CommandContext): Promise<number> {
  const lines = positiveInt(ctx.flags.lines, '--lines') ?? 100;
  const argv = containerLogs(PROXY_CONTAINER, {
    since: typeof ctx.flags.since === 'string' ? ctx.flags.since : undefined,
    lines,
    timestamps: ctx.flags['skip-timestamps'] !== true,
    grep: typeof ctx.flags.grep === 'string' ? ctx.flags.grep : undefined,
  });
  return readHosts(ctx, (host, r) => r.stream(host, argv), proxyHosts);
}
