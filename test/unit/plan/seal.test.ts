import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSealKey, openValue, sealKeySource, SealKeyError, sealValue } from '../../../plan/seal';

const teamKey = 'ab'.repeat(32);
const home = () => mkdtempSync(join(tmpdir(), 'sextant-seal-'));

describe('plan/seal (secrets across machines)', function () {
  it('opens with the shared SEXTANT_SECRET_KEY on another machine (another home)', function () {
    const sealed = sealValue(loadSealKey(home(), { SEXTANT_SECRET_KEY: teamKey }), 'hunter2');
    assert.equal(openValue(loadSealKey(home(), { SEXTANT_SECRET_KEY: teamKey.toUpperCase() }), sealed, 'APP_SECRET'), 'hunter2');
  });

  it('a wrong key fails naming the secret and the fix, never its value', function () {
    const sealed = sealValue(loadSealKey(home(), { SEXTANT_SECRET_KEY: teamKey }), 'hunter2');
    const wrong = loadSealKey(home(), { SEXTANT_SECRET_KEY: 'cd'.repeat(32) });
    assert.throws(
      () => openValue(wrong, sealed, 'APP_SECRET'),
      (err: Error) => err instanceof SealKeyError && /APP_SECRET/.test(err.message) && /SEXTANT_SECRET_KEY/.test(err.message) && !err.message.includes('hunter2'),
    );
  });

  it('a missing key means this machine\'s own key file (mode 0600), which cannot open a team deploy', function () {
    const dir = home();
    const own = loadSealKey(dir, {});
    assert.deepEqual(loadSealKey(dir, {}), own, 'the file key is made once');
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
    const sealed = sealValue(loadSealKey(home(), { SEXTANT_SECRET_KEY: teamKey }), 'hunter2');
    assert.throws(() => openValue(own, sealed, 'REGISTRY_PASSWORD'), SealKeyError);
    assert.equal(sealKeySource(dir, {}), `${join(dir, 'secret.key')} (SEXTANT_SECRET_KEY is not set)`);
    assert.equal(sealKeySource(dir, { SEXTANT_SECRET_KEY: teamKey }), 'SEXTANT_SECRET_KEY');
  });

  it('a malformed SEXTANT_SECRET_KEY is refused without echoing it', function () {
    for (const bad of ['abc', 'zz'.repeat(32), 'ab'.repeat(31)]) {
      assert.throws(
        () => loadSealKey(home(), { SEXTANT_SECRET_KEY: bad }),
        (err: Error) => err instanceof SealKeyError && /64 hex characters/.test(err.message) && !err.message.includes(bad),
      );
    }
  });
});
