// `sextant server ...` and `sextant registry ...`: bootstrap and registry sessions on hosts are
// operations (workflows); `server exec` runs a command on each host straight over SSH.
import { lastLines, runLocal } from '../../activities/local-exec';
import * as registry from '../../commands/registry';
import { loadSealKey, openValue } from '../../plan/seal';
import { planHosts, type Plan } from '../../plan/types';
import { sextantHome } from '../../worker/home';
import type { OperationPhase } from '../../workflows/operation';
import { everyAccessory, removePhase } from './accessory';
import { appDetailsCommand } from './app-details';
import { proxyDetailsCommand } from './proxy';
import { UsageError } from '../args';
import { CliError, EXIT } from '../exit-codes';
import { readHosts } from '../host-reads';
import { noArguments, proxyHosts, runOperation } from '../operation';
import { outputOptionsFromEnv, Output } from '../output';
import { loadProject } from '../project';
import type { CommandContext } from '../registry';

/** Docker where it is missing, then (as Kamal) the docker-setup hook on this machine. */
export const bootstrapPhase = (hosts: string[]): OperationPhase => ({ step: 'bootstrapDocker', hosts, audit: 'Bootstrapped server (Docker present)', hooks: { post: 'docker-setup' } });

/** The app's hosts and those of the accessories given. */
export const serviceHosts = (plan: Plan, accessories: { hosts: string[] }[]): string[] => [...new Set([...planHosts(plan), ...accessories.flatMap((a) => a.hosts)])];

export function serverBootstrapCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  return runOperation(ctx, {
    command: 'server bootstrap',
    phases: (plan) => [bootstrapPhase(planHosts(plan))],
    success: 'Docker is on every host',
  });
}

/** Runs CMD with each host's shell (as Kamal does), output prefixed with the host; -i: in a PTY on the first host. */
export function serverExecCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length === 0) throw new UsageError('server exec needs a command, e.g. `sextant server exec -- df -h`');
  const script = ctx.positionals.join(' ');
  if (ctx.flags.interactive) return readHosts(ctx, (host, r) => r.interactive(host, ['sh', '-c', script]), (s) => s.hosts.slice(0, 1));
  return readHosts(ctx, (host, r) => r.stream(host, ['sh', '-c', script]));
}

/** This machine's `docker login` (password over stdin) or `docker logout`: no host changes, so no workflow. */
async function onThisMachine(ctx: CommandContext, action: 'login' | 'logout'): Promise<void> {
  const home = sextantHome(ctx.env);
  const { registry: r } = (await loadProject(ctx, { kind: 'operation', command: `registry ${action}` })).plan(home);
  if (action === 'login' && !r) throw new UsageError('the configuration has no registry: to log in to. Fix: add registry.server, username and password');
  const cmd = r && action === 'login' ? registry.login({ ...r, password: openValue(loadSealKey(home, ctx.env), r.password, 'registry password') }) : { argv: registry.logout(r?.server), stdin: undefined };
  const res = await runLocal(cmd.argv, { cwd: ctx.cwd, env: ctx.env, stdin: cmd.stdin });
  const where = r?.server ?? 'Docker Hub';
  if (res.code !== 0) throw new CliError(`docker ${action} ${where} on this machine failed (exit ${res.code ?? res.signal}): ${lastLines(res.output, 10)}`, EXIT.failed);
  new Output(outputOptionsFromEnv(ctx.flags), []).emit({ event: 'info', message: `${action === 'login' ? 'Logged in to' : 'Logged out of'} ${where} on this machine` });
}

/** Kamal's: this machine first (-L skips it), then the hosts (-R skips them). */
async function registryCommand(ctx: CommandContext, action: 'login' | 'logout'): Promise<number> {
  noArguments(ctx);
  if (!ctx.flags['skip-local']) await onThisMachine(ctx, action);
  if (ctx.flags['skip-remote']) return EXIT.ok;
  const [step, said] = action === 'login' ? (['registryLogin', 'Logged in to'] as const) : (['registryLogout', 'Logged out of'] as const);
  return runOperation(ctx, {
    command: `registry ${action}`,
    phases: (plan) => [{ step, hosts: planHosts(plan), audit: `${said} the registry` }],
    success: `${said} the registry on every host`,
  });
}

export const registryLoginCommand = (ctx: CommandContext) => registryCommand(ctx, 'login');
export const registryLogoutCommand = (ctx: CommandContext) => registryCommand(ctx, 'logout');

/** `remove`: everything of the service and its accessories on their hosts; kamal-proxy too where no other app uses it. */
export async function removeCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  const accessories = await everyAccessory(ctx);
  return runOperation(ctx, {
    command: 'remove',
    phases: (plan) => [
      { step: 'appRemove', hosts: planHosts(plan) },
      { step: 'removeProxyIfUnused', hosts: proxyHosts(plan) },
      ...accessories.map(removePhase),
      ...(plan.registry ? [{ step: 'registryLogout' as const, hosts: planHosts(plan) }] : []),
      // Last, and without an audit line: the audit log is one of the files it removes.
      { step: 'removeServiceFiles', hosts: serviceHosts(plan, accessories) },
    ],
    success: 'Removed the service from its hosts',
    confirm: "This removes the app's and the accessories' containers, images, uploaded files, proxy routes, registry session and .kamal files from the hosts (named volumes stay).",
  });
}

/** `details`: kamal-proxy and the app's containers on each host. */
export async function detailsCommand(ctx: CommandContext): Promise<number> {
  const proxy = await proxyDetailsCommand(ctx);
  return Math.max(proxy, await appDetailsCommand(ctx));
}
