// `sextant prune all|images|containers [--retain N]`: the prune workflow (in history with its
// arguments, under the on-host lock, audited); `sextant prune schedule`: one Temporal Schedule
// per service and destination running it (overlap: skip).
import { ScheduleAlreadyRunning, ScheduleNotFoundError, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { PruneWhat } from '../../activities/prune';
import type { Plan } from '../../plan/types';
import { HOST_QUEUE } from '../../worker/queues';
import { serviceWorkflowId } from '../../workflows/batches';
import type { PruneOptions, PruneResult } from '../../workflows/prune';
import { UsageError } from '../args';
import { CliError, EXIT } from '../exit-codes';
import { followWorkflow } from '../follow';
import { missingSearchAttributes, operationAttributes, type OperationMemo } from '../visibility';
import { outputOptionsFromEnv, Output } from '../output';
import { loadProject, type Project } from '../project';
import type { CommandContext } from '../registry';
import { openSession, type Session } from '../temporal';

const WHAT: readonly PruneWhat[] = ['all', 'images', 'containers'];
/** Shorter intervals would mostly find the previous prune still running. */
export const MIN_INTERVAL_SECONDS = 10;

function retainFlag(ctx: CommandContext, project: Project): number {
  const value = ctx.flags.retain;
  if (value === undefined) return project.config.retain_containers;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--retain expects a whole number of containers, at least 1, got "${String(value)}"`);
  return n;
}

/** `10s`, `15m`, `6h`, `1d` → seconds. */
export function intervalSeconds(value: unknown): number {
  const m = typeof value === 'string' ? /^(\d+)([smhd])$/.exec(value) : null;
  if (!m) throw new UsageError(`--every expects a number and a unit (s, m, h or d), e.g. 1d or 10s, got "${String(value ?? '')}"`);
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (seconds < MIN_INTERVAL_SECONDS) throw new UsageError(`--every must be at least ${MIN_INTERVAL_SECONDS}s, got ${value as string}`);
  return seconds;
}

async function withPrune(ctx: CommandContext, act: (session: Session, project: Project, out: Output, plan: Plan) => Promise<number>): Promise<number> {
  const project = await loadProject(ctx, { kind: 'prune' });
  const out = new Output(outputOptionsFromEnv(ctx.flags), project.hosts);
  const session = await openSession(ctx.env, out, { startAgent: true });
  try {
    return await act(session, project, out, project.plan(session.home));
  } finally {
    await session.close();
  }
}

/** How a prune workflow starts, by hand or from its schedule (which adds a timestamp to the ID). */
function pruneWorkflow(plan: Plan, options: PruneOptions) {
  const memo: Omit<OperationMemo, 'deployId' | 'startedAt'> = { kind: 'prune', version: '', performer: plan.source.performer };
  return {
    taskQueue: HOST_QUEUE,
    workflowId: serviceWorkflowId(plan.service, plan.destination),
    args: [plan, options] as [Plan, PruneOptions],
    memo: { ...memo },
    typedSearchAttributes: operationAttributes({ ...plan, version: '' }),
  };
}

export async function pruneCommand(ctx: CommandContext): Promise<number> {
  const what = ctx.positionals[0] as PruneWhat | undefined;
  if (!what || !WHAT.includes(what) || ctx.positionals.length > 1) throw new UsageError(`prune needs one of ${WHAT.join(', ')}${what ? `, got ${ctx.positionals.join(' ')}` : ''}`);
  return withPrune(ctx, async (session, project, out, plan) => {
    const start = pruneWorkflow(plan, { what, retain: retainFlag(ctx, project) });
    let handle;
    try {
      handle = await session.client.workflow.start('prune', {
        ...start,
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw missingSearchAttributes(err, session.settings.namespace) ?? err;
      throw new CliError(`another operation of ${project.config.service} is running (workflow ${start.workflowId}). Fix: wait for it (\`sextant deploy status\`), then prune`, EXIT.locked);
    }
    const link = session.link(start.workflowId, handle.firstExecutionRunId);
    out.emit({ event: 'workflow', workflowId: start.workflowId, runId: handle.firstExecutionRunId, url: link, state: 'started' });
    const result = await followWorkflow(session.client, start.workflowId, handle.firstExecutionRunId, out);
    if (result.state !== 'completed') {
      out.emit({ event: 'result', ok: false, message: `prune ${result.state}: ${result.failure ?? ''}${link ? `\n${link}` : ''}` });
      return EXIT.failed;
    }
    const pruned = result.result as PruneResult;
    if (pruned.skipped) {
      out.emit({ event: 'result', ok: false, message: `prune ${pruned.skipped}`, data: pruned });
      return EXIT.locked;
    }
    out.emit({ event: 'result', ok: true, message: `pruned ${what} on ${pruned.hosts.length} host(s)${link ? `  ${link}` : ''}`, data: pruned });
    return EXIT.ok;
  });
}

const scheduleId = (workflowId: string) => workflowId.replace(/^sextant\//, 'sextant-prune/');

export async function pruneScheduleCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  const modes = (['list', 'delete', 'trigger'] as const).filter((m) => ctx.flags[m]);
  if (modes.length > 1 || (modes.length === 1 && ctx.flags.every !== undefined)) throw new UsageError('give one of --every, --list, --delete, --trigger');
  if (modes.length === 0 && ctx.flags.every === undefined) throw new UsageError('prune schedule needs --every INTERVAL (or --list, --delete, --trigger)');
  return withPrune(ctx, async (session, project, out, plan) => {
    const id = scheduleId(serviceWorkflowId(plan.service, plan.destination));
    const handle = session.client.schedule.getHandle(id);
    const notFound = (err: unknown): never => {
      if (err instanceof ScheduleNotFoundError) throw new CliError(`${project.config.service} has no prune schedule (${id}). Fix: \`sextant prune schedule --every 1d\``, EXIT.failed);
      throw err;
    };
    if (ctx.flags.list) {
      const d = await handle.describe().catch(notFound);
      const every = d.spec.intervals?.map((i) => `${Number(i.every) / 1000}s`).join(', ') ?? '?';
      const args = d.action.type === 'startWorkflow' ? (d.action.args as unknown[] | undefined) : undefined;
      const options = args?.[1] as PruneOptions | undefined;
      const data = { scheduleId: id, every, retain: options?.retain, next: d.info.nextActionTimes.map((t) => t.toISOString()), taken: d.info.numActionsTaken, skippedOverlap: d.info.numActionsSkippedOverlap };
      out.emit({ event: 'result', ok: true, message: `${id}: prune all every ${every}, keeping ${options?.retain ?? '?'} containers per role; next ${data.next[0] ?? 'never'}; ran ${data.taken} time(s)`, data });
      return EXIT.ok;
    }
    if (ctx.flags.delete) {
      await handle.delete().catch(notFound);
      out.emit({ event: 'result', ok: true, message: `deleted the prune schedule ${id}` });
      return EXIT.ok;
    }
    if (ctx.flags.trigger) {
      await handle.trigger().catch(notFound);
      out.emit({ event: 'result', ok: true, message: `triggered the prune schedule ${id}: \`sextant history\` shows the run` });
      return EXIT.ok;
    }
    const seconds = intervalSeconds(ctx.flags.every);
    const options: PruneOptions = { what: 'all', retain: retainFlag(ctx, project) };
    const action = { type: 'startWorkflow' as const, workflowType: 'prune', ...pruneWorkflow(plan, options) };
    const spec = { intervals: [{ every: seconds * 1000 }] };
    const summary = `prune all every ${seconds}s, keeping ${options.retain} containers per role`;
    try {
      await session.client.schedule.create({ scheduleId: id, spec, action, policies: { overlap: 'SKIP' } });
      out.emit({ event: 'result', ok: true, message: `created the schedule ${id}: ${summary}` });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await handle.update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, overlap: 'SKIP' } }));
      out.emit({ event: 'result', ok: true, message: `updated the existing schedule ${id}: ${summary}` });
    }
    return EXIT.ok;
  });
}
