// `sextant history` and `sextant show`: past operations of a service and destination, from
// Temporal's visibility (search attributes set at start), and one operation's step timeline.
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { UsageError } from '../args';
import { CliError, EXIT } from '../exit-codes';
import { operationsQuery, type OperationMemo } from '../visibility';
import { outputOptionsFromEnv, Output } from '../output';
import { loadService } from '../project';
import type { CommandContext } from '../registry';
import { openSession, type Session } from '../temporal';
import { timelineOf } from '../timeline';

export interface Operation {
  workflowId: string;
  runId: string;
  kind: string;
  version: string;
  performer: string;
  /** The deploy's ID (a prune's run ID), for `sextant show`. */
  id: string;
  start: string;
  seconds: number | null;
  /** Temporal's status (completed, failed, running, canceled, terminated, timed_out), and a prune's skip. */
  result: string;
  url: string | null;
}

function operationOf(session: Session, run: WorkflowExecutionInfo): Operation {
  const memo = (run.memo ?? {}) as Partial<OperationMemo>;
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    kind: memo.kind ?? run.type,
    version: memo.version ?? '',
    performer: memo.performer ?? '?',
    id: memo.deployId ?? run.runId,
    start: run.startTime.toISOString(),
    seconds: run.closeTime ? (run.closeTime.getTime() - run.startTime.getTime()) / 1000 : null,
    result: [run.status.name.toLowerCase(), memo.result].filter(Boolean).join(': '),
    url: session.link(run.workflowId, run.runId),
  };
}

async function withOperations<T>(ctx: CommandContext, act: (s: Session, runs: AsyncIterable<WorkflowExecutionInfo>, name: string, out: Output) => Promise<T>): Promise<T> {
  const { config, destination, hosts } = await loadService(ctx);
  const out = new Output(outputOptionsFromEnv(ctx.flags), hosts);
  // --json prints only its own events: no agent chatter.
  const session = await openSession(ctx.env, ctx.flags.json ? null : out, { startAgent: true });
  try {
    const runs = session.client.workflow.list({ query: operationsQuery(config.service, destination) });
    return await act(session, runs, `${config.service}${destination ? ` (${destination})` : ''}`, out);
  } finally {
    await session.close();
  }
}

function countFlag(value: unknown): number {
  if (value === undefined) return 20;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`-n expects a positive whole number, got "${String(value)}"`);
  return n;
}

/** `deploy v3`; a prune has no version. */
const what = (o: Operation) => (o.version ? `${o.kind} ${o.version}` : o.kind);
const duration = (seconds: number | null) => (seconds === null ? 'running' : `${seconds.toFixed(1)}s`);

export async function historyCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  const limit = countFlag(ctx.flags.number);
  return withOperations(ctx, async (session, runs, name, out) => {
    // Visibility lists running operations first, then closed ones by close time: read some more
    // than asked for, and order them by start.
    const read: Operation[] = [];
    for await (const run of runs) {
      read.push(operationOf(session, run));
      if (read.length >= limit + 50) break;
    }
    const operations = read.sort((a, b) => b.start.localeCompare(a.start)).slice(0, limit);
    if (!ctx.flags.json && operations.length === 0) out.emit({ event: 'info', message: `no operations of ${name} are recorded in this Temporal namespace` });
    for (const o of ctx.flags.json ? [] : operations) {
      out.emit({ event: 'info', message: `${o.start}  ${what(o)} by ${o.performer}: ${o.result}, ${duration(o.seconds)}  id ${o.id}${o.url ? `  ${o.url}` : ''}` });
    }
    if (ctx.flags.json) out.emit({ event: 'result', ok: true, message: `${operations.length} operations of ${name}`, data: { operations } });
    return EXIT.ok;
  });
}

export async function showCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 1) throw new UsageError(`show takes one ID, got ${ctx.positionals.join(' ')}`);
  const wanted = ctx.positionals[0];
  return withOperations(ctx, async (session, runs, name, out) => {
    let found: Operation | null = null;
    for await (const run of runs) {
      const o = operationOf(session, run);
      if (!wanted || [o.id, o.workflowId, o.runId].includes(wanted)) {
        found = o;
        break;
      }
    }
    if (!found) {
      throw new CliError(
        wanted ? `no operation of ${name} has the ID ${wanted}. Fix: pick one from \`sextant history\`` : `${name} has no recorded operations yet`,
        EXIT.failed,
      );
    }
    const handle = session.client.workflow.getHandle(found.workflowId, found.runId);
    const steps = timelineOf(await handle.fetchHistory(), out.options.level === 'verbose');
    const failure = found.result === 'failed' ? await handle.result().then(() => null, (err: Error) => (err.cause instanceof Error ? err.cause.message : err.message)) : null;
    if (ctx.flags.json) {
      out.emit({ event: 'result', ok: true, message: `${found.kind} ${found.version}: ${found.result}`, data: { ...found, failure, steps } });
      return EXIT.ok;
    }
    out.emit({ event: 'info', message: `${found.kind} of ${name}${found.version ? ` ${found.version}` : ''} by ${found.performer}, ${found.start}: ${found.result}, ${duration(found.seconds)}` });
    out.emit({ event: 'info', message: `id ${found.id}  workflow ${found.workflowId}${found.url ? `  ${found.url}` : ''}` });
    // Steps of the deploying machine (hooks, build) first, then each host's, each in order.
    const hosts = [null, ...new Set(steps.map((s) => s.host).filter((h): h is string => h !== null))];
    for (const h of hosts) {
      for (const s of steps.filter((x) => x.host === h)) {
        const retried = s.attempts > 1 ? ` (${s.attempts} attempts)` : '';
        out.emit({
          event: 'step',
          host: h,
          step: `${s.start.slice(11, 19)} ${s.step}${retried}`,
          state: s.state === 'done' ? 'done' : s.state === 'running' ? 'retrying' : 'failed',
          seconds: s.seconds ?? undefined,
          detail: s.state === 'running' ? 'running' : s.output,
        });
      }
    }
    if (failure) out.emit({ event: 'info', message: `failed: ${failure}` });
    return EXIT.ok;
  });
}
