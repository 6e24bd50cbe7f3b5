// `sextant docs [KEY]`: the reference from the schema (the model of docs/configuration.md).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { referenceSections } from '../../../config/docs';
import { sextantBin } from '../../support/cli';
import { repoRoot } from '../../support/lab';

const run = (...args: string[]) => spawnSync(sextantBin, ['docs', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('sextant docs', function () {
  const sections = referenceSections();
  const section = (path: string) => sections.find((s) => s.path === path)!;

  it('lists every top-level key and every section', function () {
    const r = run();
    assert.equal(r.status, 0, r.stderr);
    for (const row of sections[0]!.rows) assert.match(r.stdout, new RegExp(`^  ${row.key} `, 'm'));
    for (const s of sections.slice(1)) assert.ok(r.stdout.includes(`\n  ${s.path}`), s.path);
  });

  it('shows a section with the descriptions of its keys', function () {
    const r = run('proxy.healthcheck');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^proxy\.healthcheck: How the proxy checks a new container before switching to it\.\n/);
    for (const row of section('proxy.healthcheck').rows) assert.ok(r.stdout.includes(`${row.path}: `) && r.stdout.includes(row.description), row.path);
    const builder = JSON.parse(run('builder', '--json').stdout) as { rows: unknown[] };
    assert.deepEqual(builder.rows, section('builder').rows);
  });

  it('shows one key, filling in role and accessory names, and the keys of a map documented elsewhere', function () {
    const hosts = run('servers.web.hosts');
    assert.equal(hosts.status, 0, hosts.stderr);
    assert.match(hosts.stdout, /^servers\.<role>\.hosts: list of hosts\n {4}Hosts of this role/);
    const ssl = run('proxy.ssl');
    assert.match(ssl.stdout, /^proxy\.ssl: boolean or map, default false\n/);
    assert.match(ssl.stdout, /\nservers\.<role>\.proxy\.ssl\.certificate_pem: string, required\n/);
  });

  it('suggests the key meant for an unknown one (usage error)', function () {
    const r = run('proxy.helthcheck');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no configuration key "proxy\.helthcheck" \(did you mean "proxy\.healthcheck"\?\); `sextant docs` lists them/);
    assert.match(run('accessories.db.imag').stderr, /did you mean "accessories\.db\.image"/);
  });

  it('loads no Temporal module', function () {
    const script = `require(${JSON.stringify(join(repoRoot, 'dist', 'cli', 'main.js'))}).main(['docs', 'builder']).then((code) => {
      const loaded = Object.keys(require.cache).filter((f) => f.includes('@temporalio'));
      process.stderr.write(JSON.stringify(loaded));
      process.exit(code);
    });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stderr), []);
  });
});
