// `sextant deploy status|attach|pause|resume|abort`: act on the running deploy of this
// service and destination from any terminal (signals and queries; history for following).
import { abortSignal, pauseSignal, resumeSignal, statusQuery } from '../../workflows/signals';
import { serviceWorkflowId } from '../../workflows/batches';
import type { DeployStatus } from '../../workflows/status';
import { CliError, EXIT } from '../exit-codes';
import { outputOptionsFromEnv, Output } from '../output';
import { loadService } from '../project';
import type { CommandContext } from '../registry';
import { openSession, type Session } from '../temporal';
import { follow, latestDeploy, type DeployRun } from './deploy';

type Act<T> = (s: Session, run: DeployRun, out: Output, workflowId: string) => Promise<T>;

/** Runs `act` on the latest deploy of this service and destination (only a running one unless `finished`). */
async function withDeploy<T>(ctx: CommandContext, what: string, finished: boolean, act: Act<T>): Promise<T> {
  const { config, destination, hosts } = await loadService(ctx);
  const service = config.service;
  const out = new Output(outputOptionsFromEnv(ctx.flags), hosts);
  const session = await openSession(ctx.env, out, { startAgent: true });
  try {
    const workflowId = serviceWorkflowId(service, destination);
    const run = await latestDeploy(session, workflowId);
    const name = `${service}${destination ? ` (${destination})` : ''}`;
    if (!run) throw new CliError(`${name} has never been deployed with Sextant, so there is nothing to ${what}`, EXIT.failed);
    if (!run.running && !finished) throw new CliError(`no deploy of ${name} is running, so there is nothing to ${what}`, EXIT.failed);
    return await act(session, run, out, workflowId);
  } finally {
    await session.close();
  }
}

const withRunning = <T>(ctx: CommandContext, what: string, act: Act<T>) => withDeploy(ctx, what, false, act);

export async function statusCommand(ctx: CommandContext): Promise<number> {
  return withDeploy(ctx, 'show', true, async (session, running, out, workflowId) => {
    const status = await running.handle.query(statusQuery);
    if (ctx.flags.json) {
      process.stdout.write(JSON.stringify({ workflowId, url: session.link(workflowId), ...status }) + '\n');
      return EXIT.ok;
    }
    printStatus(out, status, running.memo.performer);
    out.emit({ event: 'info', message: session.link(workflowId) ?? workflowId });
    return EXIT.ok;
  });
}

function printStatus(out: Output, status: DeployStatus, performer: string): void {
  const state = status.paused ? 'paused' : status.aborting ? 'aborting' : status.phase;
  out.emit({
    event: 'info',
    message: `${status.kind} of ${status.version} by ${performer}: ${state}, batch ${status.batch.index}/${status.batch.total}${status.error ? ` (${status.error.split('\n')[0]})` : ''}`,
  });
  for (const [host, h] of Object.entries(status.hosts)) {
    out.emit({ event: 'step', host, step: h.step, state: h.step === 'failed' ? 'failed' : 'done', detail: h.version ?? 'no version yet' });
  }
}

export async function attachCommand(ctx: CommandContext): Promise<number> {
  return withDeploy(ctx, 'attach to', true, (session, running, out) => follow(session, running, out, `${running.memo.kind} of ${running.memo.version} finished`));
}

export async function pauseCommand(ctx: CommandContext): Promise<number> {
  return withRunning(ctx, 'pause', async (_s, running, out) => {
    await running.handle.signal(pauseSignal);
    out.emit({ event: 'info', message: `pausing the ${running.memo.kind} of ${running.memo.version} after the current batch; \`sextant deploy resume\` continues it` });
    return EXIT.ok;
  });
}

export async function resumeCommand(ctx: CommandContext): Promise<number> {
  return withRunning(ctx, 'resume', async (_s, running, out) => {
    await running.handle.signal(resumeSignal);
    out.emit({ event: 'info', message: `resumed the ${running.memo.kind} of ${running.memo.version}` });
    return EXIT.ok;
  });
}

export async function abortCommand(ctx: CommandContext): Promise<number> {
  return withRunning(ctx, 'abort', async (session, running, out) => {
    const reason = typeof ctx.flags.message === 'string' ? ctx.flags.message : `aborted by ${process.env.USER ?? 'a user'}`;
    await running.handle.signal(abortSignal, reason);
    out.emit({ event: 'info', message: `aborting the ${running.memo.kind} of ${running.memo.version}: switched hosts roll back, locks are released` });
    const code = await follow(session, running, out, 'finished before the abort took effect');
    return code === EXIT.failed ? EXIT.aborted : code;
  });
}
