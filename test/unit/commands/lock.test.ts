// `lock status|acquire|release` builders: showing a lock (Kamal's, a deploy's, a manual one),
// run through a real /bin/sh in a scratch "home" the way SSH runs them on a host.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lock from '../../../commands/lock';
import type { CommandWithInput } from '../../../commands/remote';
import { shellJoin } from '../../../commands/shell';

describe('commands: lock status and manual locks', () => {
  const scope = { service: 'app', destination: 'staging' };
  const at = new Date('2024-05-01T12:00:00Z');
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'sextant-lock-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const sh = (cmd: string[] | CommandWithInput) => {
    const argv = Array.isArray(cmd) ? cmd : cmd.argv;
    const r = spawnSync('/bin/sh', ['-c', shellJoin(argv)], { cwd: home, input: Array.isArray(cmd) ? '' : cmd.stdin });
    return { code: r.status ?? -1, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
  };
  const shown = () => lock.parseShownLock(sh(lock.showLock(scope)));

  it('shows no lock, then a manual lock with its line, then none after release', () => {
    assert.equal(shown(), null);
    assert.equal(sh(lock.acquireLock(scope, { lockedBy: 'Ada', at, version: 'v1', message: 'migrating' })).code, 0);
    const held = shown();
    assert.equal(held?.text, 'Locked by: Ada at 2024-05-01T12:00:00Z\nVersion: v1\nMessage: migrating\nLocked with: sextant lock acquire');
    assert.equal(held?.deployId, undefined);
    assert.equal(lock.lockHolder(held!), 'manual');
    assert.equal(sh(lock.releaseLock(scope)).code, 0);
    assert.equal(shown(), null);
  });

  it("tells a deploy's lock and Kamal's apart", () => {
    assert.equal(sh(lock.acquireLock(scope, { lockedBy: 'Ada', at, version: 'v1', message: 'deploy v1', deployId: 'd-1' })).code, 0);
    assert.equal(lock.lockHolder(shown()!), 'deploy');
    assert.equal(shown()?.deployId, 'd-1');
    sh(lock.releaseLock(scope));
    // Kamal 2: `mkdir` then `echo "<Base64.encode64>" > details`
    const b64 = Buffer.from('Locked by: DHH at 2024-05-01T12:00:00Z\nVersion: 123\nMessage: Manual lock').toString('base64');
    spawnSync('/bin/sh', ['-c', `mkdir -p .kamal/lock-app-staging && echo "${b64}\n" > .kamal/lock-app-staging/details`], { cwd: home });
    const kamal = shown()!;
    assert.equal(lock.lockHolder(kamal), 'kamal');
    assert.equal(kamal.lockedBy, 'DHH');
    assert.equal(kamal.message, 'Manual lock');
  });

  it('a lock directory without details is still a lock; other failures are errors', () => {
    spawnSync('/bin/sh', ['-c', 'mkdir -p .kamal/lock-app-staging'], { cwd: home });
    assert.deepEqual(shown(), { lockedBy: '', at: '', version: '', message: '', text: '' });
    assert.throws(() => lock.parseShownLock({ code: 255, stdout: '', stderr: 'boom\n' }), /reading the lock failed \(exit 255\): boom/);
  });
});
