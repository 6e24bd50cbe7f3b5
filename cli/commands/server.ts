// `sextant server ...` and `sextant registry ...`: bootstrap and registry sessions on hosts are
// operations (workflows); `server exec` runs a command on each host straight over SSH.
import { planHosts } from '../../plan/types';
import { UsageError } from '../args';
import { readHosts } from '../host-reads';
import { runOperation } from '../operation';
import type { CommandContext } from '../registry';

const noArguments = (ctx: CommandContext) => {
  if (ctx.positionals.length) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
};

export function serverBootstrapCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  return runOperation(ctx, {
    command: 'server bootstrap',
    phases: (plan) => [{ step: 'bootstrapDocker', hosts: planHosts(plan), audit: 'Bootstrapped server (Docker present)' }],
    success: 'Docker is on every host',
  });
}

/** Runs CMD with each host's shell (as Kamal does), output prefixed with the host. */
export function serverExecCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length === 0) throw new UsageError('server exec needs a command, e.g. `sextant server exec -- df -h`');
  if (ctx.flags.interactive) throw new UsageError('server exec -i (an interactive PTY) is not available yet; run the command without -i');
  const script = ctx.positionals.join(' ');
  return readHosts(ctx, (host, r) => r.stream(host, ['sh', '-c', script]));
}

export function registryLoginCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  if (ctx.flags['skip-remote']) return Promise.resolve(0);
  return runOperation(ctx, {
    command: 'registry login',
    phases: (plan) => [{ step: 'registryLogin', hosts: planHosts(plan), audit: 'Logged in to the registry' }],
    success: 'Logged in to the registry on every host',
  });
}

export function registryLogoutCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  if (ctx.flags['skip-remote']) return Promise.resolve(0);
  return runOperation(ctx, {
    command: 'registry logout',
    phases: (plan) => [{ step: 'registryLogout', hosts: planHosts(plan), audit: 'Logged out of the registry' }],
    success: 'Logged out of the registry on every host',
  });
}
