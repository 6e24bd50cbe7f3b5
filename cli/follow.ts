// Follows a workflow by long-polling its history (not by asking the worker), so it works from
// any terminal, whether or not the CLI that started the deploy still runs.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { Output } from './output';
import { chattySteps, describeStep, skippedStep } from './steps';

const T = temporal.api.enums.v1.EventType;

export interface FollowResult {
  state: 'completed' | 'failed' | 'canceled' | 'terminated' | 'timed out' | 'continued';
  result?: unknown;
  failure?: string;
}

interface Scheduled {
  type: string;
  host: string | null;
  step: string;
  at: number;
}

export async function followWorkflow(client: Client, workflowId: string, runId: string, out: Output): Promise<FollowResult> {
  const scheduled = new Map<string, Scheduled>();
  const running = new Set<string>();
  let nextPageToken: Uint8Array | undefined;
  const verbose = out.options.level === 'verbose';
  const progress = () =>
    out.setProgress(
      running.size === 0 ? '' : [...running].map((id) => scheduled.get(id)).map((s) => `${s!.host ?? ''} ${s!.step}`.trim()).join(' · '),
    );
  for (;;) {
    const page = await outlastRestarts(out, () =>
      client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId, runId },
        waitNewEvent: true,
        nextPageToken,
      }),
    );
    for (const e of page.history?.events ?? []) {
      const at = Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
      const id = String(e.eventId);
      switch (e.eventType) {
        case T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
          const a = e.activityTaskScheduledEventAttributes!;
          const args = (a.input?.payloads ?? []).map((p) => safeDecode(p));
          const type = a.activityType?.name ?? '?';
          const s = { type, at, ...describeStep(type, args) };
          scheduled.set(id, s);
          if (!chattySteps.has(type) || verbose) {
            running.add(id);
            out.emit({ event: 'step', host: s.host, step: s.step, state: 'started' });
          }
          break;
        }
        case T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        case T.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        case T.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        case T.EVENT_TYPE_ACTIVITY_TASK_CANCELED: {
          const attrs =
            e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
          const key = String(attrs?.scheduledEventId);
          const s = scheduled.get(key);
          running.delete(key);
          if (!s || (chattySteps.has(s.type) && !verbose)) break;
          const ok = e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_COMPLETED;
          const result = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
          if (ok && result && skippedStep(s.type, safeDecode(result))) break;
          const failure = e.activityTaskFailedEventAttributes?.failure ?? e.activityTaskTimedOutEventAttributes?.failure;
          out.emit({
            event: 'step',
            host: s.host,
            step: s.step,
            state: ok ? 'done' : 'failed',
            seconds: (at - s.at) / 1000,
            detail: ok ? undefined : failureMessage(failure),
          });
          break;
        }
        case T.EVENT_TYPE_TIMER_STARTED: {
          const seconds = Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0);
          if (seconds >= 2 || verbose) out.emit({ event: 'info', message: `waiting ${seconds}s` });
          break;
        }
        case T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: {
          const payload = e.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
          out.done();
          return { state: 'completed', result: payload ? safeDecode(payload) : undefined };
        }
        case T.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
          out.done();
          return { state: 'failed', failure: failureMessage(e.workflowExecutionFailedEventAttributes?.failure) };
        case T.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
          out.done();
          return { state: 'canceled' };
        case T.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
          out.done();
          return { state: 'terminated', failure: e.workflowExecutionTerminatedEventAttributes?.reason ?? undefined };
        case T.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
          out.done();
          return { state: 'timed out' };
        case T.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
          out.done();
          return { state: 'continued' };
      }
    }
    progress();
    nextPageToken = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
  }
}

/** gRPC UNAVAILABLE: the Temporal server restarts (the deploy itself goes on). */
const UNAVAILABLE = 14;
const OUTLAST_MS = 5 * 60 * 1000;

/** Retries a history poll while the server is unreachable, for up to 5 minutes. */
async function outlastRestarts<T>(out: Output, poll: () => Promise<T>): Promise<T> {
  const since = Date.now();
  for (;;) {
    try {
      return await poll();
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code !== UNAVAILABLE || Date.now() - since > OUTLAST_MS) throw err;
      out.setProgress('Temporal is unreachable; the deploy continues on its own. Retrying...');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export function safeDecode(payload: temporal.api.common.v1.IPayload): unknown {
  try {
    return defaultPayloadConverter.fromPayload(payload as never);
  } catch {
    return undefined;
  }
}

/** Temporal's own wrapping messages, which say nothing a user can act on. */
const wrappers = new Set(['Activity task failed', 'Activity task timed out', 'Workflow execution failed']);

/** The failure and its causes, one per line, outermost first, without repeats. */
export function failureMessage(failure: temporal.api.failure.v1.IFailure | null | undefined): string {
  const parts: string[] = [];
  for (let f = failure; f; f = f.cause) {
    const m = (f.message ?? '').trim();
    if (m && !wrappers.has(m) && !parts.some((p) => p.includes(m))) parts.push(m);
  }
  return parts.join('\n') || 'failed';
}
