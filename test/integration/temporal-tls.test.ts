// Temporal over TLS with a CA that only NODE_EXTRA_CA_CERTS names (a company's own CA): the lab's
// Temporal behind a TLS terminator whose certificate the test's CA signed. bin/sextant starts
// Node without that variable (bin/sextant), so the CLI's own connection must be given the file;
// the workers' native connection never read it. An API key turns TLS on (the dev server ignores
// the key).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { randomBytes } from 'node:crypto';
import { runCli } from '../support/cli';
import { readLab } from '../support/lab';
import { makeTestCa, type TestCa } from '../support/tls';

describe('Temporal over TLS trusted through NODE_EXTRA_CA_CERTS', function () {
  this.timeout(120_000);
  let ca: TestCa;
  let terminator: Server;
  let address: string;
  const dir = mkdtempSync(join(tmpdir(), 'sextant-tls-'));
  const home = join(dir, 'home');
  const app = join(dir, 'app');

  before(async function () {
    ca = makeTestCa();
    const [host, port] = readLab().temporal.address.split(':');
    terminator = createServer({ key: ca.serverKey, cert: ca.serverCert, ALPNProtocols: ['h2'] }, (s) => {
      const upstream = tcpConnect(Number(port), host);
      s.pipe(upstream).pipe(s);
      s.on('error', () => upstream.destroy());
      upstream.on('error', () => s.destroy());
    });
    await new Promise<void>((r) => terminator.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(terminator.address() as AddressInfo).port}`;
    mkdirSync(join(app, 'config'), { recursive: true });
    writeFileSync(join(app, 'config', 'deploy.yml'), 'service: tlsapp\nimage: demo/app\nservers:\n  - 10.99.0.1\n');
    // "The agent's worker runs": the CLI starts none.
    mkdirSync(join(home, 'agent'), { recursive: true });
    writeFileSync(join(home, 'agent', 'worker.pid'), `${process.pid}\n`);
  });
  after(() => {
    terminator?.close();
    ca?.remove();
    rmSync(dir, { recursive: true, force: true });
  });
  const env = (extra: NodeJS.ProcessEnv) => ({
    ...process.env,
    SEXTANT_HOME: home,
    SEXTANT_TEMPORAL_ADDRESS: address,
    SEXTANT_TEMPORAL_API_KEY: 'unused-by-the-dev-server',
    SEXTANT_NO_WARM: '1',
    NO_COLOR: '1',
    NODE_OPTIONS: '--no-deprecation', // Node warns that the TLS server name is an IP address
    ...extra,
  });

  it('the CLI, started from bin/sextant without the variable, connects and reads the history', async function () {
    const r = await runCli(['history'], { cwd: app, env: env({ NODE_EXTRA_CA_CERTS: ca.caFile }) });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no operations of tlsapp are recorded/);
  });

  it('a worker connects too: the server answers it (about a namespace that does not exist), and refuses it without the CA', async function () {
    const worker = (extra: NodeJS.ProcessEnv) =>
      runCli(['worker'], { cwd: dir, env: env({ SEXTANT_TEMPORAL_NAMESPACE: 'sextant-tls-absent', SEXTANT_SECRET_KEY: randomBytes(32).toString('hex'), ...extra }) });
    const trusted = await worker({ NODE_EXTRA_CA_CERTS: ca.caFile });
    assert.notEqual(trusted.code, 0);
    assert.match(trusted.stderr, /Namespace sextant-tls-absent is not found/);
    const untrusted = await worker({ NODE_EXTRA_CA_CERTS: '' });
    assert.notEqual(untrusted.code, 0);
    assert.match(untrusted.stderr, /InvalidCertificate|certificate/i);
    assert.doesNotMatch(untrusted.stderr, /is not found/);
  });
});
