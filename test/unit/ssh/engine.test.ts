// SshPool.engine: Docker Engine API requests over a real OpenSSH sshd to the unix socket the host's
// docker CLI names (DOCKER_HOST here), where an HTTP server of the test stands in for the engine's
// socket: this tests the transport (SSH forwarding, HTTP, the choice of socket, the fall-backs),
// and test/integration/engine.test.ts holds the answers to a real engine's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { SshError, SshPool, isRetryable, type SshTarget } from '../../../ssh';
import { startSshd, type Sshd } from '../../support/sshd';

interface Seen {
  method: string;
  url: string;
  host: string;
  length: string | undefined;
}

/** An HTTP server on a unix socket, answering with `reply` (or not at all). */
async function socketServer(socket: string, reply: (req: IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<{ server: Server; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host ?? '', length: req.headers['content-length'] });
    reply(req, res);
  });
  fs.rmSync(socket, { force: true });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return { server, seen };
}

const closeServer = (s: Server) => new Promise<void>((resolve) => (s.closeAllConnections(), s.close(() => resolve())));

describe('ssh/SshPool.engine (real sshd)', function () {
  this.timeout(20_000);
  let dir: string;
  let docker: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sextant-engine-test-'));
    // A docker on the sessions' PATH that notes each run, then runs the real one: it counts the
    // endpoint lookups.
    const real = execFileSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).trim();
    fs.mkdirSync(path.join(dir, 'bin'));
    docker = path.join(dir, 'docker-runs');
    fs.writeFileSync(path.join(dir, 'bin', 'docker'), `#!/bin/sh\necho "$*" >> ${docker}\nexec ${real} "$@"\n`, { mode: 0o755 });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const runs = () => (fs.existsSync(docker) ? fs.readFileSync(docker, 'utf8').trim().split('\n') : []);

  async function withHost(setEnv: string, extra: string[], body: (pool: SshPool, target: SshTarget, sshd: Sshd) => Promise<void>): Promise<void> {
    fs.rmSync(docker, { force: true });
    const sshd = await startSshd([`SetEnv PATH=${path.join(dir, 'bin')}:/usr/bin:/bin ${setEnv}`, ...extra]);
    const pool = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
    try {
      await body(pool, { host: sshd.host, port: sshd.port, user: 'root', keys: [sshd.clientKey] }, sshd);
    } finally {
      await pool.close();
      await sshd.stop();
    }
  }

  it('sends the request to the socket of the docker CLI\'s endpoint, asking for it once per connection', async () => {
    const socket = path.join(dir, 'engine.sock');
    const big = 'x'.repeat(300_000);
    const { server, seen } = await socketServer(socket, (req, res) => {
      if (req.url === '/big') {
        // Chunked, in pieces: the reply is read to its end.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        for (let i = 0; i < big.length; i += 50_000) res.write(big.slice(i, i + 50_000));
        res.end();
        return;
      }
      res.writeHead(req.method === 'POST' ? 204 : 404, { 'Content-Type': 'application/json' });
      res.end(req.method === 'POST' ? '' : '{"message":"No such container: x"}');
    });
    try {
      await withHost(`DOCKER_HOST=unix://${socket}`, [], async (pool, target, sshd) => {
        const replies = await Promise.all([
          pool.engine(target, { method: 'GET', path: '/containers/x/json' }, 5000),
          pool.engine(target, { method: 'POST', path: '/containers/x/stop?t=10' }, 5000),
          pool.engine(target, { method: 'GET', path: '/big' }, 5000),
        ]);
        assert.deepEqual(replies.slice(0, 2), [{ status: 404, body: '{"message":"No such container: x"}' }, { status: 204, body: '' }]);
        assert.equal(replies[2]?.body, big);
        assert.deepEqual(
          seen.map((s) => [s.method, s.url, s.host, s.length]).sort(),
          [['GET', '/big', 'docker', undefined], ['GET', '/containers/x/json', 'docker', undefined], ['POST', '/containers/x/stop?t=10', 'docker', '0']],
        );
        assert.deepEqual(runs(), ['context inspect --format {{.Endpoints.docker.Host}}'], 'one lookup for the three requests');
        // The channels are closed after each exchange: sessions are free for commands.
        assert.equal(pool.stats().activeSessions, 0);
        // A new connection asks again (its environment may differ).
        sshd.killConnections();
        await new Promise((r) => setTimeout(r, 200));
        assert.equal((await pool.engine(target, { method: 'GET', path: '/containers/x/json' }, 5000))?.status, 404);
        assert.equal(runs().length, 2);
      });
    } finally {
      await closeServer(server);
    }
  });

  it('leaves an engine that is not a unix socket to the CLI (null), asking once', async () => {
    await withHost('DOCKER_HOST=tcp://127.0.0.1:1', [], async (pool, target) => {
      assert.equal(await pool.engine(target, { method: 'GET', path: '/_ping' }, 5000), null);
      assert.equal(await pool.engine(target, { method: 'GET', path: '/_ping' }, 5000), null);
      assert.equal(runs().length, 1);
    });
  });

  it('falls back to the CLI for the rest of the connection where sshd forwards no unix sockets, or the socket is missing', async () => {
    const socket = path.join(dir, 'later.sock');
    fs.rmSync(socket, { force: true });
    await withHost(`DOCKER_HOST=unix://${socket}`, ['AllowStreamLocalForwarding no'], async (pool, target, sshd) => {
      const { server, seen } = await socketServer(socket, (_req, res) => res.end('OK'));
      try {
        for (let i = 0; i < 3; i++) assert.equal(await pool.engine(target, { method: 'GET', path: '/_ping' }, 5000), null);
        assert.equal(seen.length, 0);
        // sshd was asked once: the other calls went straight to the CLI.
        assert.equal(fs.readFileSync(sshd.logFile, 'utf8').match(/refused streamlocal port forward/g)?.length, 1);
      } finally {
        await closeServer(server);
      }
    });
    await withHost(`DOCKER_HOST=unix://${socket}`, [], async (pool, target, sshd) => {
      // dockerd restarting: no socket, so the CLI does the work (and reports the engine down)...
      assert.equal(await pool.engine(target, { method: 'GET', path: '/_ping' }, 5000), null);
      const { server } = await socketServer(socket, (_req, res) => res.end('OK'));
      try {
        // ...for the rest of this connection; a new one asks again and finds the engine.
        assert.equal(await pool.engine(target, { method: 'GET', path: '/_ping' }, 5000), null);
        sshd.killConnections();
        await new Promise((r) => setTimeout(r, 200));
        assert.deepEqual(await pool.engine(target, { method: 'GET', path: '/_ping' }, 5000), { status: 200, body: 'OK' });
        assert.equal(runs().length, 2, 'one endpoint lookup per connection');
      } finally {
        await closeServer(server);
      }
    });
  });

  it('an engine that does not answer in time, or hangs up, is a retryable SshError naming the host', async () => {
    const socket = path.join(dir, 'silent.sock');
    const { server } = await socketServer(socket, (req, res) => {
      if (req.url === '/hangup') res.socket?.destroy();
      // else: never answers
    });
    try {
      await withHost(`DOCKER_HOST=unix://${socket}`, [], async (pool, target) => {
        const slow = await pool.engine(target, { method: 'GET', path: '/containers/json?all=1' }, 500).then(() => null, (e: unknown) => e);
        assert.ok(slow instanceof SshError && slow.kind === 'timeout' && isRetryable(slow), String(slow));
        assert.match(slow.message, /^root@127\.0\.0\.1:\d+: the Docker engine did not answer GET \/containers\/json within 1s$/);
        const gone = await pool.engine(target, { method: 'GET', path: '/hangup' }, 5000).then(() => null, (e: unknown) => e);
        assert.ok(gone instanceof SshError && isRetryable(gone), String(gone));
        assert.match(gone.message, /Docker engine request failed/);
        assert.equal(pool.stats().activeSessions, 0);
      });
    } finally {
      await closeServer(server);
    }
  });
});
