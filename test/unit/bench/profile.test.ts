// The bench's profile: a deploy's critical path from its workflow history, each step on it with
// its host, the workflow tasks between them, and the CLI's own start and exit: the whole wall time.
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { profileFromHistory } from '../../../bench/profile';

const T = temporal.api.enums.v1.EventType;
const time = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const payload = (v: unknown) => ({ data: Buffer.from(JSON.stringify(v)) });

// Plain numbers where the protobuf types say Long: the profile reads them with Number().
function history(): temporal.api.history.v1.IHistoryEvent[] {
  const events: Record<string, unknown>[] = [];
  const add = (ms: number, e: Record<string, unknown>) => (events.push({ eventId: events.length + 1, eventTime: time(ms), ...e }), events.length);
  /** A workflow task from `ms`: scheduled, started, completed; returns the completed event's ID. */
  const task = (ms: number) => {
    add(ms, { eventType: T.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED });
    add(ms + 2, { eventType: T.EVENT_TYPE_WORKFLOW_TASK_STARTED });
    return add(ms + 10, { eventType: T.EVENT_TYPE_WORKFLOW_TASK_COMPLETED });
  };
  const schedule = (ms: number, by: number, name: string, args: unknown[]) =>
    add(ms, { activityTaskScheduledEventAttributes: { activityType: { name }, workflowTaskCompletedEventId: by, input: { payloads: args.map(payload) } } });
  const complete = (ms: number, scheduledEventId: number) => add(ms, { activityTaskCompletedEventAttributes: { scheduledEventId } });

  add(1000, { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED });
  const first = task(1000);
  const pull1 = schedule(1010, first, 'pullImage', [{}, '10.0.0.1']);
  const pull2 = schedule(1010, first, 'pullImage', [{}, '10.0.0.2']);
  const lock = schedule(1010, first, 'acquireLock', [{}]);
  complete(1100, lock); // beside the pulls: not on the path
  task(1100);
  complete(1300, pull2);
  task(1300);
  complete(1350, pull1); // the last pull: the boot waited for it
  const boot = schedule(1370, task(1350), 'bootContainer', [{}, '10.0.0.1', 'web']);
  complete(1770, boot);
  const hook = schedule(1790, task(1770), 'runHook', [{}, 'post-deploy', []]);
  complete(1800, hook);
  add(1810, { eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, workflowExecutionCompletedEventAttributes: { workflowTaskCompletedEventId: task(1800) } });
  return events as temporal.api.history.v1.IHistoryEvent[];
}

describe('bench/profile (where a deploy spends its time)', () => {
  it('follows the critical path back from the completion, naming hosts and hooks, adding up to the whole', () => {
    const lines = profileFromHistory(history(), 600, 1850);
    assert.deepEqual(lines, [
      { what: 'CLI: process start, config, plan, connect, start workflow', ms: 400 },
      { what: 'step pullImage 10.0.0.1', ms: 340 },
      { what: 'step bootContainer 10.0.0.1', ms: 400 },
      { what: 'hook post-deploy', ms: 10 },
      { what: 'workflow tasks on the path (between the steps)', ms: 60 },
      { what: 'CLI: notice completion, print, exit', ms: 40 },
    ]);
    assert.equal(lines.reduce((s, l) => s + l.ms, 0), 1850 - 600);
  });
});
