// `sextant init` in an empty directory and in one that already has some of the files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sextantBin } from '../../support/cli';

const HOOKS = ['docker-setup', 'post-app-boot', 'post-deploy', 'post-proxy-reboot', 'pre-app-boot', 'pre-build', 'pre-connect', 'pre-deploy', 'pre-proxy-reboot'];

describe('sextant init', function () {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'sextant-init-'));
    dirs.push(d);
    return d;
  };
  const run = (cwd: string, ...args: string[]) =>
    spawnSync(sextantBin, args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH, NO_COLOR: '1', HOME: cwd } });

  it('creates a config that `sextant config` accepts, the secrets file and every sample hook', function () {
    const dir = fresh();
    const r = run(dir, 'init');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^created config\/deploy\.yml\ncreated \.kamal\/secrets\ncreated \.kamal\/hooks\/docker-setup\.sample\n/);
    assert.deepEqual(readdirSync(join(dir, '.kamal', 'hooks')).sort(), HOOKS.map((h) => `${h}.sample`));
    assert.equal(statSync(join(dir, '.kamal', 'secrets')).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, '.kamal', 'hooks', 'pre-deploy.sample')).mode & 0o777, 0o755);
    assert.match(readFileSync(join(dir, '.kamal', 'hooks', 'pre-deploy.sample'), 'utf8'), /^#!\/bin\/sh\n# pre-deploy: runs once the image is on every host/);
    const config = run(dir, 'config', '--json', '--version', 'v1');
    assert.equal(config.status, 0, config.stderr);
    const c = JSON.parse(config.stdout) as { image: string; roles: unknown };
    assert.equal(c.image, 'my-user/my-app:v1');
    assert.deepEqual(c.roles, { web: ['192.0.2.10'] });
  });

  it('keeps every file that exists and says so', function () {
    const dir = fresh();
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'deploy.yml'), 'service: mine\n');
    const r = run(dir, 'init', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { created: string[]; kept: string[] };
    assert.deepEqual(out.kept, ['config/deploy.yml']);
    assert.equal(out.created.length, 1 + HOOKS.length);
    assert.equal(readFileSync(join(dir, 'config', 'deploy.yml'), 'utf8'), 'service: mine\n');
    const again = run(dir, 'init');
    assert.equal(again.status, 0);
    assert.doesNotMatch(again.stdout, /created/);
    assert.match(again.stdout, /^kept    config\/deploy\.yml \(exists; not overwritten\)\n/);
  });
});
