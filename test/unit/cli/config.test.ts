// `sextant config` as a user runs it: the real binary in a checkout, no hosts needed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sextantBin } from '../../support/cli';

const SECRET = 'hunter2-sentinel-value';

function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-config-'));
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, '.kamal'));
  writeFileSync(
    join(dir, 'config', 'deploy.yml'),
    ['service: shop', 'image: acme/shop', 'servers:', '  web: [10.0.0.1, 10.0.0.2]', '  jobs:', '    hosts: [10.0.0.3]', '    cmd: bin/jobs',
      'registry:', '  username: acme', '  password: [REGISTRY_PASSWORD]', 'env:', '  clear:', `    NOTE: "uses ${SECRET} inline"`, '  secret: [DB_PASSWORD]', ''].join('\n'),
  );
  writeFileSync(join(dir, '.kamal', 'secrets'), `REGISTRY_PASSWORD=${SECRET}\nDB_PASSWORD=other-secret-value\n`);
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

const run = (dir: string, ...args: string[]) =>
  spawnSync(sextantBin, ['config', '--version', 'v1', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('sextant config', function () {
  const dir = checkout();

  it('prints the resolved config with what it derives, secrets redacted', function () {
    const r = run(dir, '--json');
    assert.equal(r.status, 0, r.stderr);
    const c = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(c.image, 'acme/shop:v1');
    assert.equal(c.primary_host, '10.0.0.1');
    assert.deepEqual(c.roles, { web: ['10.0.0.1', '10.0.0.2'], jobs: ['10.0.0.3'] });
    assert.ok(!r.stdout.includes(SECRET) && !r.stdout.includes('other-secret-value'), 'no secret value in the output');
    assert.match(r.stdout, /uses \[REDACTED\] inline/);
  });

  it('applies -r and -h', function () {
    const c = JSON.parse(run(dir, '--json', '-r', 'web', '-h', '*.2').stdout) as { roles: unknown; hosts: unknown };
    assert.deepEqual(c.roles, { web: ['10.0.0.2'] });
    assert.deepEqual(c.hosts, ['10.0.0.2']);
  });

  it('says which hosts exist when -h matches none (usage error)', function () {
    const r = run(dir, '-h', '10.9.9.9');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no host matches --hosts 10\.9\.9\.9; the hosts are 10\.0\.0\.1, 10\.0\.0\.2, 10\.0\.0\.3/);
  });

  it('prints long values with emoji unchanged (YAML lines are not folded)', function () {
    // a control character makes YAML double-quote it; folding such a line split emoji in two
    const long = `\u001b ${'a😀'.repeat(100)}`;
    const other = checkout();
    writeFileSync(join(other, 'config', 'deploy.yml'), ['service: shop', 'image: acme/shop', 'servers: [10.0.0.1]', 'registry:', '  username: acme', '  password: [REGISTRY_PASSWORD]', 'env:', '  clear:', `    LONG: ${JSON.stringify(long)}`, ''].join('\n'));
    const r = run(other);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((parse(r.stdout) as { config: { env: { clear: { LONG: string } } } }).config.env.clear.LONG, long);
  });
});
