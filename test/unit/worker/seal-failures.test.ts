import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInboundCallsInterceptor } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSealKey, openValue, sealKeySource, sealValue } from '../../../plan/seal';
import { sealFailureInterceptors } from '../../../worker/seal-failures';

// The interceptor as a worker runs it, around an activity body.
async function runStep(keySource: string, body: () => unknown): Promise<unknown> {
  const inbound = sealFailureInterceptors('alice@build-1:42', keySource)[0]!({} as never).inbound as ActivityInboundCallsInterceptor;
  return inbound.execute!({ args: [], headers: {} }, async () => body());
}

describe('worker/seal-failures (a worker without the team key)', function () {
  const sealed = sealValue(Buffer.from('ab'.repeat(32), 'hex'), 'hunter2');

  it('fails the step, not retryable, naming the secret, the worker and its key source', async function () {
    const home = mkdtempSync(join(tmpdir(), 'sextant-worker-'));
    const source = sealKeySource(home, {});
    await assert.rejects(
      runStep(source, () => openValue(loadSealKey(home, {}), sealed, 'REGISTRY_PASSWORD')),
      (err: unknown) => {
        assert.ok(err instanceof ApplicationFailure);
        assert.equal(err.nonRetryable, true);
        assert.equal(err.type, 'SealKey');
        assert.match(err.message, /REGISTRY_PASSWORD/);
        assert.match(err.message, /alice@build-1:42/);
        assert.match(err.message, /SEXTANT_SECRET_KEY is not set/);
        assert.ok(!err.message.includes('hunter2'));
        return true;
      },
    );
  });

  it('a malformed key is not retryable either', async function () {
    await assert.rejects(runStep('SEXTANT_SECRET_KEY', () => loadSealKey('/nonexistent', { SEXTANT_SECRET_KEY: 'nope' })), (err: unknown) => {
      assert.ok(err instanceof ApplicationFailure && err.nonRetryable);
      return true;
    });
  });

  it('leaves every other failure (and success) alone', async function () {
    const other = new Error('ssh: connection refused');
    await assert.rejects(runStep('SEXTANT_SECRET_KEY', () => Promise.reject(other)), (err: unknown) => err === other);
    assert.equal(await runStep('SEXTANT_SECRET_KEY', () => 'ok'), 'ok');
  });
});
