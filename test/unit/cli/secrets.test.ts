// `sextant secrets fetch|extract|print` as a user runs them, with a recorded `op` first on PATH;
// and an unchanged Kamal .kamal/secrets (`$(kamal secrets fetch ...)`) read with no Kamal installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sextantBin } from '../../support/cli';
import { FakeClis } from '../../support/fake-cli';

const OP_GET = ['item', 'get', 'Web', '--vault', 'Prod', '--fields', 'label=password,label=db.DB_PASSWORD', '--format', 'json', '--account', 'acme'];

describe('sextant secrets', function () {
  const fakes = new FakeClis().serve('op', [{ argv: OP_GET, stdout: 'op/item-get-fields.json' }]);
  const dir = mkdtempSync(join(tmpdir(), 'sextant-secrets-'));
  after(() => {
    fakes.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  // No real kamal or op may be found: only the fakes, node and the basic tools.
  const env = fakes.env({ PATH: `/usr/bin:/bin`, NO_COLOR: '1', HOME: dir });
  const run = (...args: string[]) => spawnSync(sextantBin, args, { cwd: dir, encoding: 'utf8', env });

  it('fetch prints the secrets as shell-quoted JSON (bare with --json)', function () {
    const r = run('secrets', 'fetch', '--adapter', '1password', '--account', 'acme', '--from', 'Prod/Web', 'password', 'db/DB_PASSWORD');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `'{"Prod/Web":"kj3-Registry-88qz","Prod/Web/db/DB_PASSWORD":"pg-7f1e2d9c"}'\n`);
    const j = run('secrets', 'fetch', '-a', '1password', '--account=acme', '--from', 'Prod/Web', 'password', 'db/DB_PASSWORD', '--json');
    assert.deepEqual(JSON.parse(j.stdout), { 'Prod/Web': 'kj3-Registry-88qz', 'Prod/Web/db/DB_PASSWORD': 'pg-7f1e2d9c' });
  });

  it('extract prints one value', function () {
    const r = run('secrets', 'extract', 'DB_PASSWORD', '{"Prod/Web/db/DB_PASSWORD":"pg-7f1e2d9c"}');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'pg-7f1e2d9c\n');
  });

  it('fails with the adapter named and the right exit code', function () {
    const noAccount = run('secrets', 'fetch', '--adapter', '1password', 'Prod/Web');
    assert.equal(noAccount.status, 2);
    assert.match(noAccount.stderr, /1Password: --account is required/);
    const unknown = run('secrets', 'fetch', '--adapter', 'keychain', 'X');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown secrets adapter "keychain"; expected one of 1password, bitwarden/);
    const missing = run('secrets', 'fetch', '--adapter', 'lastpass', '--account', 'a@b', 'X');
    assert.equal(missing.status, 3);
    assert.match(missing.stderr, /^sextant: LastPass: the LastPass CLI `lpass` is not installed/);
  });

  describe('an unchanged Kamal secrets file', function () {
    before(function () {
      mkdirSync(join(dir, 'config'), { recursive: true });
      mkdirSync(join(dir, '.kamal'), { recursive: true });
      writeFileSync(
        join(dir, 'config', 'deploy.yml'),
        ['service: shop', 'image: acme/shop', 'servers: [10.0.0.1]', 'registry:', '  username: deploy', '  password: [KAMAL_REGISTRY_PASSWORD]', 'env:', '  secret: [DB_PASSWORD]', ''].join('\n'),
      );
      writeFileSync(
        join(dir, '.kamal', 'secrets'),
        [
          'SECRETS=$(kamal secrets fetch --adapter 1password --account acme --from Prod/Web password db/DB_PASSWORD)',
          'KAMAL_REGISTRY_PASSWORD=$(kamal secrets extract Prod/Web $SECRETS)',
          'DB_PASSWORD=$(kamal secrets extract DB_PASSWORD ${SECRETS})',
          '',
        ].join('\n'),
      );
    });

    it('resolves through `kamal secrets` run by Sextant (print --reveal)', function () {
      const r = run('secrets', 'print', '--reveal', '--json');
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { KAMAL_REGISTRY_PASSWORD: 'kj3-Registry-88qz', DB_PASSWORD: 'pg-7f1e2d9c' });
      assert.deepEqual(fakes.calls('op').pop(), OP_GET);
    });

    it('print redacts without --reveal', function () {
      const r = run('secrets', 'print');
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, 'KAMAL_REGISTRY_PASSWORD=[REDACTED]\nDB_PASSWORD=[REDACTED]\n');
    });

    it('a failing `kamal secrets` line names the file, the line and the adapter, and no secret', function () {
      writeFileSync(join(dir, '.kamal', 'secrets'), 'SECRETS=$(kamal secrets fetch --adapter 1password --account acme --from Prod/Web password db/DB_PASSWORD)\nDB_PASSWORD=$(kamal secrets extract NOPE $SECRETS)\n');
      const r = run('secrets', 'print');
      assert.equal(r.status, 3);
      assert.match(r.stderr, /^\.kamal\/secrets:2: the command `kamal secrets extract NOPE \$SECRETS` failed \(exit 3: sextant: no secret NOPE in the fetched secrets/);
      assert.ok(!r.stderr.includes('pg-7f1e2d9c'), r.stderr);
    });
  });
});
