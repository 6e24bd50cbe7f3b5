// The bench's profile: a deploy's wall time split among its steps from the workflow history,
// overlapping steps sharing the time, so the parts add up to the whole.
import assert from 'node:assert/strict';
import { temporal } from '@temporalio/proto';
import { profileFromHistory } from '../../../bench/profile';

const T = temporal.api.enums.v1.EventType;
const time = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const payload = (v: unknown) => ({ data: Buffer.from(JSON.stringify(v)) });

// Plain numbers where the protobuf types say Long: the profile reads them with Number().
function history(): temporal.api.history.v1.IHistoryEvent[] {
  let id = 0;
  const events: Record<string, unknown>[] = [{ eventId: ++id, eventTime: time(1000), eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED }];
  const step = (name: string, from: number, to: number, args: unknown[] = []) => {
    const scheduledEventId = ++id;
    events.push({ eventId: scheduledEventId, eventTime: time(from), activityTaskScheduledEventAttributes: { activityType: { name }, input: { payloads: args.map(payload) } } });
    events.push({ eventId: ++id, eventTime: time(to), activityTaskCompletedEventAttributes: { scheduledEventId } });
  };
  step('runHook', 1010, 1030, [{}, 'pre-connect']);
  step('pullImage', 1050, 1350);
  step('acquireLock', 1050, 1150); // beside the pulls: they share 1050-1150
  step('bootContainer', 1400, 1800);
  step('runHook', 1800, 1810, [{}, 'post-deploy']);
  events.push({ eventId: ++id, eventTime: time(1900), eventType: T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED });
  return events as temporal.api.history.v1.IHistoryEvent[];
}

describe('bench/profile (where a deploy spends its time)', () => {
  it('shares overlapping steps, names hooks apart, and adds up to the whole', () => {
    const lines = profileFromHistory(history(), 600, 1950);
    assert.deepEqual(lines, [
      { what: 'CLI: process start, config, plan, connect, start workflow', ms: 400 },
      { what: 'hook pre-connect', ms: 20 },
      { what: 'step pullImage', ms: 250 },
      { what: 'step acquireLock', ms: 50 },
      { what: 'step bootContainer', ms: 400 },
      { what: 'hook post-deploy', ms: 10 },
      { what: 'workflow tasks between steps', ms: 170 },
      { what: 'CLI: notice completion, print, exit', ms: 50 },
    ]);
    assert.equal(lines.reduce((s, l) => s + l.ms, 0), 1950 - 600);
  });
});
