// Every recorded history replays against the current workflow code (the prebuilt bundle),
// and a deliberately altered workflow fails to replay them: the guard works.
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { recordedHistories } from '../../support/histories';
import { workflowBundlePath } from '../../../worker/bundle-path';

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

describe('replay of recorded histories', function () {
  this.timeout(120000);
  const histories = recordedHistories();

  it('has recorded histories to replay', function () {
    assert.ok(histories.length >= 1, 'test/histories/ holds no history: record them with SEXTANT_RECORD_HISTORIES=1 npm test');
  });

  it('replays every recorded history with the current workflow code', async function () {
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: workflowBundlePath() } }, histories)) {
      assert.equal(result.error, undefined, `${result.workflowId}: ${result.error?.message}`);
    }
  });

  it('fails replay for a workflow with one more activity', async function () {
    const altered = await bundleWorkflowCode({
      workflowsPath: require.resolve('../../../workflows/index'),
      workflowInterceptorModules: [join(__dirname, '..', '..', 'fixtures', 'altered-workflow', 'interceptor.js')],
      logger: quiet,
    });
    let failures = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: altered }, histories)) if (result.error) failures++;
    assert.equal(failures, histories.length);
  });
});
