// `npm run demo`, exactly as the README's quick start runs it: set-up, build, a lab of (at least)
// 2 hosts, and the example app deployed and answering on each, with the URLs printed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { runCli } from '../support/cli';
import { labHost, removeService } from '../support/hosts';
import { get } from '../support/http';
import { readLab, repoRoot } from '../support/lab';

function npmRunDemo(): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SEXTANT_')) delete env[k];
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'demo'], { cwd: repoRoot, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('npm run demo', function () {
  let home: string | undefined;
  let dir: string | undefined;

  it('deploys the example app to 2 hosts and prints the app and Temporal UI URLs', async function () {
    const { code, output } = await npmRunDemo();
    assert.equal(code, 0, output);
    const lab = readLab();
    assert.ok(lab.hosts.length >= 2, 'the lab kept (at least) 2 hosts');
    home = /SEXTANT_HOME=(\S+)/.exec(output)?.[1];
    dir = /cd (\S+) &&/.exec(output)?.[1];
    const urls = [...output.matchAll(/^\s+(http:\/\/[\d.]+\/version)$/gm)].map((m) => m[1]!);
    assert.deepEqual(urls, lab.hosts.slice(0, 2).map((h) => `http://${h.address}/version`));
    assert.ok(output.includes(`${lab.temporal.ui}/namespaces/default/workflows`), 'prints the Temporal UI URL');
    const versions = await Promise.all(urls.map(async (u) => (await get(u)).body.trim()));
    assert.match(versions[0]!, /^[0-9a-f]{40}$/, 'the version deployed is the example checkout’s git commit');
    assert.equal(versions[1], versions[0]);
  });

  after(async function () {
    const lab = readLab();
    if (home && dir) await runCli(['agent', 'stop'], { cwd: dir, env: { ...process.env, SEXTANT_HOME: home, SEXTANT_TEMPORAL_ADDRESS: lab.temporal.address } });
    for (const h of lab.hosts.slice(0, 2)) removeService(labHost(lab, h.address), 'demo');
  });
});
