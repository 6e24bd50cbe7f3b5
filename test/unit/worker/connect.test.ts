// Temporal connection options over TLS: without a CA of its own, a connection trusts Node's roots
// and NODE_EXTRA_CA_CERTS, checked by a real TLS handshake with a server whose certificate only
// the test's CA signed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, createServer, rootCertificates, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { connectionOptions } from '../../../worker/connect';
import type { TemporalSettings } from '../../../worker/temporal-settings';
import { makeTestCa, type TestCa } from '../../support/tls';

const settings = (tls: TemporalSettings['tls']): TemporalSettings => ({ address: '127.0.0.1:7233', namespace: 'default', ui: null, apiKey: null, tls, devServer: null });
const rootsOf = (o: ReturnType<typeof connectionOptions>) => (typeof o.tls === 'object' ? o.tls.serverRootCACertificate : undefined);

describe('Temporal connection options (worker/connect.ts)', function () {
  let ca: TestCa;
  let server: Server;
  let port: number;
  before(async function () {
    ca = makeTestCa();
    server = createServer({ key: ca.serverKey, cert: ca.serverCert }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
    ca.remove();
  });
  /** Whether a client trusting `roots` (or Node's default store: undefined) accepts the server. */
  const handshake = (roots: Buffer | undefined) =>
    new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port, ca: roots }, () => resolve(s.authorized ? 'trusted' : String(s.authorizationError)));
      s.on('error', (err) => resolve(err.message));
    });

  it('TLS without a CA of its own: Node roots and NODE_EXTRA_CA_CERTS, so a server only that file vouches for is trusted', async function () {
    const roots = rootsOf(connectionOptions(settings({}), { NODE_EXTRA_CA_CERTS: ca.caFile }));
    assert.ok(roots);
    const pem = roots.toString();
    assert.ok(pem.includes(readFileSync(ca.caFile, 'utf8').trim()));
    assert.ok(rootCertificates.every((c) => pem.includes(c)), "every one of Node's roots is kept");
    assert.equal(await handshake(roots), 'trusted');
    // The control: this process's own default store does not know the test's CA.
    assert.notEqual(await handshake(undefined), 'trusted');
  });

  it('a CA of its own is the only one; no NODE_EXTRA_CA_CERTS, or one that does not read, adds nothing (the latter with a warning)', async function () {
    assert.deepEqual(rootsOf(connectionOptions(settings({ ca: ca.caFile }), { NODE_EXTRA_CA_CERTS: '/nonexistent.pem' })), readFileSync(ca.caFile));
    assert.equal(rootsOf(connectionOptions(settings({}), {})), undefined);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      assert.equal(rootsOf(connectionOptions(settings({}), { NODE_EXTRA_CA_CERTS: '/nonexistent.pem' })), undefined);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^Ignoring extra certs from `\/nonexistent\.pem` \(NODE_EXTRA_CA_CERTS\), load failed: ENOENT/);
    assert.equal(connectionOptions(settings(null), { NODE_EXTRA_CA_CERTS: ca.caFile }).tls, undefined, 'no TLS, no roots');
  });
});
