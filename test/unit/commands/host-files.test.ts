// Lock, audit and file writes, checked as argv and by running them through a real /bin/sh in a
// scratch "home", the way SSH would run them on a host.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as audit from '../../../commands/audit';
import * as files from '../../../commands/files';
import * as lock from '../../../commands/lock';
import { CommandWithInput } from '../../../commands/remote';
import { shellJoin } from '../../../commands/shell';

describe('commands: lock, audit, files on a host', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'sextant-commands-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const sh = (cmd: string[] | CommandWithInput): { code: number; stdout: string } => {
    const argv = Array.isArray(cmd) ? cmd : cmd.argv;
    const r = spawnSync('/bin/sh', ['-c', shellJoin(argv)], { cwd: home, input: Array.isArray(cmd) ? '' : cmd.stdin });
    return { code: r.status ?? -1, stdout: r.stdout.toString() };
  };

  describe('files', () => {
    it('writeFile replaces content from stdin, creates the directory, sets the mode', () => {
      const content = "line 1\n'quoted' $(not run) `nor this`\n\ttab é\n";
      const cmd = files.writeFile('.kamal/apps/app/env/roles/web.env', content, '600');
      assert.deepEqual(cmd.argv.slice(0, 2), ['sh', '-c']);
      assert.deepEqual(cmd.argv.slice(3), ['sh', '.kamal/apps/app/env/roles/web.env', '600']);
      assert.equal(sh(cmd).code, 0);
      const path = join(home, '.kamal/apps/app/env/roles/web.env');
      assert.equal(readFileSync(path, 'utf8'), content);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(sh(files.writeFile('.kamal/apps/app/env/roles/web.env', 'B=2\n', '600')).code, 0);
      assert.equal(readFileSync(path, 'utf8'), 'B=2\n');
      assert.equal(existsSync(`${path}.tmp`), false);
    });

    it('writeFileThen runs its command (argv as given, never as shell text) only once the file is written', () => {
      const write = files.writeFile('.kamal/env/web.env', 'SECRET=s3cr3t\n', '600');
      const cmd = files.writeFileThen(write, ['sh', '-c', 'cat .kamal/env/web.env; printf "%s|" "$@"', 'x', "a 'b' $(no)", '-c']);
      assert.deepEqual(cmd.argv.slice(3), ['sh', '.kamal/env/web.env', '600', 'sh', '-c', 'cat .kamal/env/web.env; printf "%s|" "$@"', 'x', "a 'b' $(no)", '-c']);
      assert.equal(cmd.stdin, 'SECRET=s3cr3t\n');
      assert.ok(!cmd.argv.join(' ').includes('s3cr3t'), 'the file content stays on stdin');
      assert.deepEqual(sh(cmd), { code: 0, stdout: "SECRET=s3cr3t\na 'b' $(no)|-c|" });
      const failing = files.writeFileThen(files.writeFile('no-dir/f', 'x'), ['touch', 'ran']);
      spawnSync('/bin/sh', ['-c', 'touch no-dir'], { cwd: home }); // a file where the directory should be
      assert.notEqual(sh(failing).code, 0);
      assert.equal(existsSync(join(home, 'ran')), false, 'the command does not run when the write failed');
      assert.throws(() => files.writeFileThen({ argv: ['rm', '-rf', 'x'], stdin: '' }, ['true']), /must come from writeFile/);
    });

    it('appendLineOnce (a repeated line is written once), readFile, removeFile', () => {
      for (const line of ['a', "b 'q' $(no) -x", 'a', "b 'q' $(no) -x", 'c']) assert.equal(sh(files.appendLineOnce('.kamal/x.log', line)).code, 0);
      assert.equal(sh(files.readFile('.kamal/x.log')).stdout, "a\nb 'q' $(no) -x\nc\n");
      assert.throws(() => files.appendLineOnce('.kamal/x.log', 'two\nlines'), /line break/);
      assert.deepEqual(files.removeFile('.kamal/x.log'), ['rm', '-f', '--', '.kamal/x.log']);
      assert.equal(sh(files.removeFile('.kamal/x.log')).code, 0);
      assert.equal(sh(files.removeFile('.kamal/x.log')).code, 0, 'removing twice is fine');
      assert.throws(() => files.writeFile('-x', ''), /invalid file path/);
      assert.throws(() => files.writeFile('a', '', '999'), /invalid file mode/);
    });
  });

  describe('lock', () => {
    const scope = { service: 'app', destination: 'staging' };
    const details: lock.LockDetailsParams = {
      lockedBy: 'Ada Lovelace',
      at: new Date('2024-05-01T12:00:00.123Z'),
      version: 'abc123',
      message: 'deploy abc123\n(from laptop)',
      deployId: 'app-staging-deploy-7f3a',
    };

    it('details text: Kamal lines plus the deploy ID, base64 in 60 columns', () => {
      const text = lock.lockDetails(details);
      assert.equal(
        text,
        'Locked by: Ada Lovelace at 2024-05-01T12:00:00Z\nVersion: abc123\nMessage: deploy abc123 (from laptop)\nDeploy ID: app-staging-deploy-7f3a',
      );
      const encoded = lock.encodeLockDetails(text);
      const lines = encoded.split('\n');
      assert.equal(lines.pop(), '');
      assert.ok(lines.slice(0, -1).every((l) => l.length === 60));
      assert.equal(Buffer.from(encoded, 'base64').toString('utf8'), text);
    });

    it('acquire is atomic, a second acquire fails, status decodes, release is idempotent', () => {
      const acquire = lock.acquireLock(scope, details);
      assert.deepEqual(acquire.argv.slice(3), ['sh', '.kamal/lock-app-staging']);
      assert.equal(sh(acquire).code, 0);
      assert.notEqual(sh(acquire).code, 0, 'the lock is held');

      assert.deepEqual(lock.readLockDetails(scope), ['cat', '--', '.kamal/lock-app-staging/details']);
      const raw = sh(lock.readLockDetails(scope));
      assert.equal(raw.code, 0);
      assert.deepEqual(lock.decodeLockDetails(raw.stdout), {
        lockedBy: 'Ada Lovelace',
        at: '2024-05-01T12:00:00Z',
        version: 'abc123',
        message: 'deploy abc123 (from laptop)',
        deployId: 'app-staging-deploy-7f3a',
        text: lock.lockDetails(details),
      });
      // Kamal's `lock status` reads it with `base64 -d`
      const kamalView = spawnSync('/bin/sh', ['-c', 'base64 -d .kamal/lock-app-staging/details'], { cwd: home });
      assert.equal(kamalView.stdout.toString(), lock.lockDetails(details));

      assert.deepEqual(lock.releaseLock(scope), ['rm', '-rf', '--', '.kamal/lock-app-staging']);
      assert.equal(sh(lock.releaseLock(scope)).code, 0);
      assert.equal(sh(lock.releaseLock(scope)).code, 0);
      assert.equal(sh(acquire).code, 0, 'free again');
    });

    it('releaseOwnLock removes the lock only when its details name this deploy', () => {
      assert.deepEqual(lock.releaseOwnLock(scope, 'app-staging-deploy-7f3a').slice(3), ['sh', '.kamal/lock-app-staging', 'app-staging-deploy-7f3a']);
      assert.equal(sh(lock.releaseOwnLock(scope, 'app-staging-deploy-7f3a')).code, 0, 'no lock: nothing to do');
      assert.equal(sh(lock.acquireLock(scope, details)).code, 0);
      for (const other of ['app-staging-deploy-7f3', 'another', '.*', '']) {
        assert.equal(sh(lock.releaseOwnLock(scope, other)).code, 0);
        assert.ok(existsSync(join(home, '.kamal/lock-app-staging/details')), `a release by ${JSON.stringify(other)} leaves the lock`);
      }
      assert.equal(sh(lock.releaseOwnLock(scope, 'app-staging-deploy-7f3a')).code, 0);
      assert.equal(existsSync(join(home, '.kamal/lock-app-staging')), false);
      const manual = lock.acquireLock(scope, { ...details, deployId: undefined });
      assert.equal(sh(manual).code, 0);
      assert.equal(sh(lock.releaseOwnLock(scope, 'app-staging-deploy-7f3a')).code, 0);
      assert.ok(existsSync(join(home, '.kamal/lock-app-staging/details')), 'a manual lock stays');
    });

    it('decodes a lock Kamal wrote (echo of Ruby Base64.encode64, no deploy ID)', () => {
      const text = 'Locked by: DHH at 2024-05-01T12:00:00Z\nVersion: 1234567\nMessage: Manual lock';
      const b64 = Buffer.from(text).toString('base64');
      const kamalFile = `${b64.slice(0, 60)}\n${b64.slice(60)}\n\n`;
      const d = lock.decodeLockDetails(kamalFile);
      assert.equal(d.lockedBy, 'DHH');
      assert.equal(d.version, '1234567');
      assert.equal(d.message, 'Manual lock');
      assert.equal(d.deployId, undefined);
    });
  });

  describe('audit', () => {
    const at = new Date('2024-05-01T12:00:00Z');

    it('Kamal 2 line format', () => {
      assert.equal(audit.auditLine({ at, performer: 'ada@example.com', message: 'Deployed app@abc123' }), '[2024-05-01T12:00:00Z] [ada@example.com] Deployed app@abc123');
      assert.equal(
        audit.auditLine({ at, performer: 'ada', destination: 'staging', role: 'web', message: 'Booted app version abc' }),
        '[2024-05-01T12:00:00Z] [ada] [staging] [web] Booted app version abc',
      );
      assert.equal(audit.auditLine({ at, performer: 'ada', role: 'web', tags: ['10.0.0.1'], message: 'a\nb' }), '[2024-05-01T12:00:00Z] [ada] [web] [10.0.0.1] a b');
    });

    it('appends over stdin, once per entry, and reads the last lines', () => {
      const scope = { service: 'app' };
      const cmd = audit.appendAudit(scope, { at, performer: 'ada', message: "it's $(fine)" });
      assert.deepEqual(cmd.argv.slice(3), ['sh', '.kamal/app-audit.log']);
      assert.equal(cmd.stdin, "[2024-05-01T12:00:00Z] [ada] it's $(fine)");
      assert.equal(sh(cmd).code, 0);
      assert.equal(sh(cmd).code, 0, 'a retried append');
      assert.equal(sh(audit.appendAudit(scope, { at, performer: 'bob', message: 'second' })).code, 0);
      assert.deepEqual(audit.readAudit(scope), ['tail', '-n', '50', '--', '.kamal/app-audit.log']);
      assert.equal(sh(audit.readAudit(scope, 1)).stdout, '[2024-05-01T12:00:00Z] [bob] second\n');
      assert.equal(readFileSync(join(home, '.kamal/app-audit.log'), 'utf8').split('\n').length, 3);
    });
  });
});
