// A finished (or running) workflow's steps, read from its history: which host, when, how long,
// how many attempts, and what a failed step said (a health check's log lines, a hook's output).
import { temporal } from '@temporalio/proto';
import { failureMessage, safeDecode } from './follow';
import { chattySteps, describeStep, skippedStep } from './steps';

const T = temporal.api.enums.v1.EventType;

export interface TimelineStep {
  host: string | null;
  step: string;
  /** Activity type, e.g. bootContainer. */
  type: string;
  start: string;
  seconds: number | null;
  state: 'running' | 'done' | 'failed' | 'timed out' | 'canceled';
  attempts: number;
  /** A failed step's message and output. */
  output?: string;
}

const millis = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);

/** Every activity of the history in the order scheduled; audit lines and health probes only when `all`. */
export function timelineOf(history: temporal.api.history.v1.IHistory, all: boolean): TimelineStep[] {
  const steps = new Map<string, TimelineStep & { at: number }>();
  for (const e of history.events ?? []) {
    const at = millis(e.eventTime);
    if (e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const a = e.activityTaskScheduledEventAttributes!;
      const type = a.activityType?.name ?? '?';
      if (chattySteps.has(type) && !all) continue;
      const args = (a.input?.payloads ?? []).map((p) => safeDecode(p));
      steps.set(String(e.eventId), { ...describeStep(type, args), type, at, start: new Date(at).toISOString(), seconds: null, state: 'running', attempts: 0 });
      continue;
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const s = steps.get(String(started.scheduledEventId));
      if (s) s.attempts = started.attempt ?? 1;
      continue;
    }
    const end =
      e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
    const s = end ? steps.get(String(end.scheduledEventId)) : undefined;
    if (!s) continue;
    const result = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
    if (result && skippedStep(s.type, safeDecode(result))) {
      steps.delete(String(end!.scheduledEventId));
      continue;
    }
    s.seconds = (at - s.at) / 1000;
    s.state = e.activityTaskCompletedEventAttributes ? 'done' : e.activityTaskFailedEventAttributes ? 'failed' : e.activityTaskTimedOutEventAttributes ? 'timed out' : 'canceled';
    const failure = e.activityTaskFailedEventAttributes?.failure ?? e.activityTaskTimedOutEventAttributes?.failure;
    if (failure) s.output = failureMessage(failure);
  }
  return [...steps.values()].map(({ at: _at, ...s }) => s);
}
