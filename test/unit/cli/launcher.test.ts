// bin/sextant run as a file (its first line is sh): Node starts without NODE_EXTRA_CA_CERTS, and
// the command's environment has it back. A file Node cannot read makes Node warn at start-up,
// which is how the test sees whether Node loaded it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sextantBin } from '../../support/cli';

const MISSING = '/nonexistent/sextant-test-extra-ca.pem';
const NODE_LOADED_IT = /Ignoring extra certs from/;
const seenCa = (json: string) => (JSON.parse(json) as { config: { env: { clear: Record<string, string> } } }).config.env.clear.SEEN_CA;

describe('bin/sextant as a file: Node starts without NODE_EXTRA_CA_CERTS', function () {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-launcher-'));
  before(function () {
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'deploy.yml'), ['service: shop', 'image: acme/shop', 'servers: [10.0.0.1]', 'env:', '  clear:', '    SEEN_CA: "[<%= ENV.fetch("NODE_EXTRA_CA_CERTS") %>]"', ''].join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: MISSING, SEXTANT_NO_WARM: '1', NO_COLOR: '1' };

  it('so `sextant version` never reads the file, where `node bin/sextant` does', function () {
    const direct = spawnSync(sextantBin, ['version'], { encoding: 'utf8', env });
    assert.equal(direct.status, 0, direct.stderr);
    assert.match(direct.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.doesNotMatch(direct.stderr, NODE_LOADED_IT);
    const viaNode = spawnSync(process.execPath, [sextantBin, 'version'], { encoding: 'utf8', env });
    assert.equal(viaNode.status, 0, viaNode.stderr);
    assert.match(viaNode.stderr, NODE_LOADED_IT);
  });

  it('and the command sees the variable as it was set (so does what it starts)', function () {
    const r = spawnSync(sextantBin, ['config', '--version', 'v1', '--json'], { cwd: dir, encoding: 'utf8', env });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, NODE_LOADED_IT);
    assert.equal(seenCa(r.stdout), `[${MISSING}]`);
    assert.ok(!r.stdout.includes('SEXTANT_EXTRA_CA_CERTS'));
  });

  it('an empty NODE_EXTRA_CA_CERTS stays as it was', function () {
    const r = spawnSync(sextantBin, ['config', '--version', 'v1', '--json'], { cwd: dir, encoding: 'utf8', env: { ...env, NODE_EXTRA_CA_CERTS: '' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(seenCa(r.stdout), '[]');
  });
});
