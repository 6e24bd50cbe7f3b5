// The warm CLI process generates the message coders of the calls its commands make
// (worker/warm-coders.ts). Checked in a fresh Node process: this one may have generated some
// already, in other tests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { messageTypesOf, WARM_RPCS } from '../../../worker/warm-coders';
import { repoRoot } from '../../support/lab';

/** Whether protobufjs generated each named message type's decoder (it sets it on the type), before and after `warmCoders` with `takenAfter` calls to taken(). */
function generated(names: string[], takenAfter: number): { before: boolean[]; after: boolean[] } {
  const script = `
    const { temporal } = require('@temporalio/proto');
    const { warmCoders } = require(${JSON.stringify(join(repoRoot, 'dist', 'worker', 'warm-coders.js'))});
    const names = ${JSON.stringify(names)};
    const has = () => names.map((n) => Object.prototype.hasOwnProperty.call(n.split('.').reduce((o, k) => o[k], temporal), 'decode'));
    const before = has();
    let calls = 0;
    warmCoders(() => ++calls > ${takenAfter}).then(() => console.log(JSON.stringify({ before, after: has() })));
  `;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8' })) as { before: boolean[]; after: boolean[] };
}

const START = 'api.workflowservice.v1.StartWorkflowExecutionRequest';
const HISTORY_EVENT = 'api.history.v1.HistoryEvent';
const ACTIVITY_SCHEDULED = 'api.history.v1.ActivityTaskScheduledEventAttributes';

describe('warm CLI message coders', function () {
  this.timeout(20000);

  it('knows every call it names, and reaches the types nested in their messages', function () {
    const names = messageTypesOf(WARM_RPCS).map((t) => (t as unknown as { fullName: string }).fullName);
    for (const n of [START, HISTORY_EVENT, ACTIVITY_SCHEDULED, 'api.common.v1.Payload']) assert.ok(names.includes(`.temporal.${n}`), n);
    assert.throws(() => messageTypesOf(['NoSuchCall']), /WorkflowService has no method NoSuchCall/);
  });

  it('generates the coders of a deploy\'s start and history ahead of its first call', function () {
    const { before, after } = generated([START, HISTORY_EVENT, ACTIVITY_SCHEDULED], Infinity);
    assert.deepEqual(before, [false, false, false]);
    assert.deepEqual(after, [true, true, true]);
  });

  it('stops once the process has a command to run', function () {
    // taken() is asked before each call's types: true from the second on, so only GetSystemInfo's are made.
    const { after } = generated([START, HISTORY_EVENT], 1);
    assert.deepEqual(after, [false, false]);
  });
});
