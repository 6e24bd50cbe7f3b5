// `sextant deploy` and `sextant rollback VERSION`: build the plan, start the workflow (or
// attach to the same one), follow its history, exit with what happened.
import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import type { Plan } from '../../plan/types';
import { HOST_QUEUE } from '../../worker/queues';
import { serviceWorkflowId } from '../../workflows/batches';
import type { DeployStatus } from '../../workflows/status';
import { UsageError } from '../args';
import { CliError, EXIT } from '../exit-codes';
import { followWorkflow } from '../follow';
import { missingSearchAttributes, operationAttributes, type OperationMemo } from '../visibility';
import { outputOptionsFromEnv, Output } from '../output';
import { loadProject } from '../project';
import type { CommandContext } from '../registry';
import { openSession, type Session } from '../temporal';


export const deployCommand = (ctx: CommandContext) => runDeploy(ctx, 'deploy');
export const rollbackCommand = (ctx: CommandContext) => runDeploy(ctx, 'rollback');

async function runDeploy(ctx: CommandContext, kind: 'deploy' | 'rollback'): Promise<number> {
  if (kind === 'rollback' && ctx.positionals.length !== 1) throw new UsageError('rollback needs exactly one VERSION');
  if (kind === 'deploy' && ctx.positionals.length > 0) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  const project = await loadProject(ctx, { kind, version: kind === 'rollback' ? ctx.positionals[0] : undefined });
  const out = new Output(outputOptionsFromEnv(ctx.flags), project.hosts);
  const session = await openSession(ctx.env, out, { startAgent: !ctx.flags['no-worker'] });
  try {
    const plan = project.plan(session.home);
    // The build runs on this machine's queue: refuse settings its docker client cannot honour before anything runs.
    if (plan.build) await (await import('./build')).checkBuilderUpFront({ ...plan, build: plan.build }, ctx);
    const workflowId = serviceWorkflowId(plan.service, plan.destination);
    const run = await startOrAttach(session, plan, workflowId, ctx, out);
    const noWorker = ctx.flags['no-worker'] === true;
    if (ctx.flags.detach) {
      if (noWorker) out.emit({ event: 'info', message: `build, push and hooks run on this machine's queue ${plan.source.queue}: they wait for \`sextant worker\` or \`sextant deploy attach\` here` });
      return EXIT.ok;
    }
    const success = `${kind === 'rollback' ? 'Rolled back' : 'Deployed'} ${plan.service} ${plan.version}`;
    if (!noWorker) return await follow(session, run, out, success);
    // No agent here: this CLI serves its own local queue while it follows (worker/serve-local.ts).
    const { whileServingLocalQueue } = await import('../../worker/serve-local');
    const local = { settings: session.settings, home: session.home, queue: plan.source.queue };
    return await whileServingLocalQueue(local, follow(session, run, out, success), (message) => out.emit({ event: 'warning', message }));
  } finally {
    await session.close();
  }
}

/** Starts the deploy, or finds the one running: the same deploy is attached to, another waited for (--lock-wait) or refused. */
async function startOrAttach(session: Session, plan: Plan, workflowId: string, ctx: CommandContext, out: Output): Promise<Run> {
  const lockWaitSeconds = lockWaitFlag(ctx.flags['lock-wait']);
  const waitUntil = Date.now() + lockWaitSeconds * 1000;
  const memo: OperationMemo = { deployId: plan.deployId, kind: plan.kind, version: plan.version, performer: plan.source.performer, startedAt: plan.startedAt };
  for (;;) {
    // Starting first (most deploys find nothing running) saves a look at the service's workflow.
    try {
      const handle = await session.client.workflow.start('deploy', {
        taskQueue: HOST_QUEUE,
        workflowId,
        args: [plan, { rollbackOnFailure: ctx.flags['rollback-on-failure'] !== false, lockWaitSeconds }],
        memo: { ...memo },
        typedSearchAttributes: operationAttributes(plan),
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
      out.emit({ event: 'workflow', workflowId, runId: handle.firstExecutionRunId, url: session.link(workflowId, handle.firstExecutionRunId), state: 'started' });
      return { workflowId, runId: handle.firstExecutionRunId };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw missingSearchAttributes(err, session.settings.namespace) ?? err;
    }
    const running = await runningDeploy(session, workflowId);
    if (!running) continue; // it finished between the start and the look: start again
    if (running.memo.version === plan.version && running.memo.kind === plan.kind) {
      out.emit({ event: 'info', message: `attaching to the running ${plan.kind} of ${plan.version} started by ${running.memo.performer} at ${running.memo.startedAt}` });
      return running;
    }
    if (Date.now() >= waitUntil) throw busyError(session, plan.service, running, 'wait for it (`sextant deploy attach`, or --lock-wait), or stop it with `sextant deploy abort`.');
    out.setProgress(`waiting for ${running.memo.kind} of ${running.memo.version} by ${running.memo.performer} to finish`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** `--lock-wait` alone waits 10 minutes; `--lock-wait=S` S seconds; absent: no wait. */
function lockWaitFlag(value: unknown): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return 600;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0) throw new UsageError(`--lock-wait expects a number of seconds, got "${String(value)}"`);
  return seconds;
}

/** One run of the service's workflow, as followed from its history. */
export interface Run {
  workflowId: string;
  runId: string;
}

export interface DeployRun extends Run {
  handle: WorkflowHandle;
  memo: OperationMemo;
  running: boolean;
}

/** The latest deploy (or rollback) of the service and destination, running or not. */
export async function latestDeploy(session: Session, workflowId: string): Promise<DeployRun | null> {
  const handle = session.client.workflow.getHandle(workflowId);
  try {
    const d = await handle.describe();
    return { workflowId, runId: d.runId, handle: session.client.workflow.getHandle(workflowId, d.runId), memo: (d.memo ?? {}) as unknown as OperationMemo, running: d.status.name === 'RUNNING' };
  } catch (err) {
    if (err instanceof Error && err.name === 'WorkflowNotFoundError') return null;
    throw err;
  }
}

/** Refuses to start beside the running workflow of the service: who runs what, since when, where. */
export function busyError(session: Session, service: string, running: DeployRun, fix: string): CliError {
  const { workflowId } = running.handle;
  const link = session.link(workflowId);
  return new CliError(
    `another ${running.memo.kind} of ${service} is running: version ${running.memo.version}, started by ${running.memo.performer} at ${running.memo.startedAt} ` +
      `(workflow ${workflowId}${link ? `, ${link}` : ''}). Fix: ${fix}`,
    EXIT.locked,
  );
}

export async function runningDeploy(session: Session, workflowId: string): Promise<DeployRun | null> {
  const latest = await latestDeploy(session, workflowId);
  return latest?.running ? latest : null;
}

export async function follow(session: Session, { workflowId, runId }: Run, out: Output, success: string): Promise<number> {
  const result = await followWorkflow(session.client, workflowId, runId, out);
  const link = session.link(workflowId, runId);
  switch (result.state) {
    case 'completed': {
      const status = result.result as DeployStatus | undefined;
      out.emit({ event: 'result', ok: true, message: `${success}${link ? `  ${link}` : ''}`, data: status });
      return EXIT.ok;
    }
    case 'canceled':
    case 'terminated':
      out.emit({ event: 'result', ok: false, message: `${result.state}${result.failure ? `: ${result.failure}` : ''}${link ? `  ${link}` : ''}` });
      return EXIT.aborted;
    default:
      out.emit({ event: 'result', ok: false, message: `${result.state}: ${result.failure ?? ''}${link ? `\n${link}` : ''}` });
      return result.failure?.includes('aborted') ? EXIT.aborted : EXIT.failed;
  }
}
