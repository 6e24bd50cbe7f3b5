// SshPool against a real OpenSSH sshd on 127.0.0.1 (no lab, no mocks).
import * as assert from 'assert';
import { createHash } from 'crypto';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { isRetryable, SshCommandError, SshError, SshPool, type SshTarget } from '../../../ssh';
import { freePort, startSshd, type Sshd } from '../../support/sshd';

function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/**
 * Shell: wait until `file` exists. The loop gives up after a minute only so that a failed test
 * leaves no process behind on the machine; the commands using it check the file again.
 */
function waitFor(file: string): string {
  return `i=0; while [ ! -e ${file} ] && [ $i -lt 3000 ]; do sleep 0.02; i=$((i+1)); done`;
}

/** The process exists and is not a zombie (a killed child of a reparented shell can linger as one). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function sshKeygenFingerprint(pubKeyLine: string): string {
  const f = path.join(tmpDir('sextant-fp-'), 'k.pub');
  fs.writeFileSync(f, `${pubKeyLine}\n`);
  const out = execFileSync('ssh-keygen', ['-l', '-f', f], { encoding: 'utf8' });
  return out.split(' ')[1]!;
}

describe('ssh/SshPool (real sshd)', function () {
  this.timeout(20_000);
  let sshd: Sshd;
  let dir: string;
  let pool: SshPool;
  let target: SshTarget;

  // Set once a test has ended (passed, failed or timed out), so that its polling loops stop
  // instead of keeping mocha alive after a timeout.
  let testOver = false;
  beforeEach(() => (testOver = false));
  afterEach(() => (testOver = true));
  /** Polls until `done()`; gives up (throws) only when mocha has already ended the test. */
  async function until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (testOver) throw new Error('the test ended while waiting');
      await new Promise((res) => setTimeout(res, 20));
    }
  }

  before(async () => {
    sshd = await startSshd();
    dir = tmpDir('sextant-ssh-test-');
    pool = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
    target = { host: sshd.host, port: sshd.port, user: 'root', keys: [sshd.clientKey] };
  });

  after(async () => {
    await pool?.close();
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs commands and reports exit codes', async () => {
    assert.strictEqual((await pool.exec(target, ['true'])).code, 0);
    const r = await pool.exec(target, ['sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.deepStrictEqual([r.code, r.stdout, r.stderr, r.timedOut], [3, 'out\n', 'err\n', false]);
    const killed = await pool.exec(target, ['sh', '-c', 'kill -9 $$']);
    assert.strictEqual(killed.code, 128 + 9);
  });

  it('reports the exit status of commands that end at once, however many run together', async () => {
    // Such a command can report its status before the result listeners exist (regression: 1-2%
    // of them failed with "the session closed before the command reported an exit status").
    const codes = await Promise.all(Array.from({ length: 64 }, (_, i) => pool.exec(target, i % 2 ? ['true'] : ['sh', '-c', 'exit 7']).then((r) => r.code)));
    assert.deepStrictEqual(codes, Array.from({ length: 64 }, (_, i) => (i % 2 ? 0 : 7)));
  });

  it('execOrThrow names host, command and stderr tail', async () => {
    const err = await rejection(pool.execOrThrow(target, ['sh', '-c', 'echo first >&2; echo "no such thing" >&2; exit 2']));
    assert.ok(err instanceof SshCommandError, String(err));
    assert.strictEqual(err.code, 2);
    assert.match(err.message, new RegExp(`^root@127\\.0\\.0\\.1:${sshd.port}: `));
    assert.ok(err.message.includes(`\`sh -c 'echo first >&2; echo "no such thing" >&2; exit 2'\` exited with code 2`), err.message);
    assert.ok(err.message.endsWith('first\nno such thing'), err.message);
    assert.strictEqual(isRetryable(err), false);
  });

  it('streams stdout and stderr as they arrive', async () => {
    // The command prints its first lines, then waits for an acknowledgement that only the
    // callbacks write, once both lines reached them: it can finish only if they were streamed
    // while it ran (collected output would never be acknowledged and the test would time out).
    const ack = path.join(tmpDir('sextant-stream-'), 'ack');
    const events: Array<[string, string]> = [];
    const acknowledge = () => {
      const got = (kind: string, text: string) => events.some((e) => e[0] === kind && e[1].includes(text));
      if (got('out', 'one') && got('err', 'e1')) fs.writeFileSync(ack, '');
    };
    const script = `echo one; echo e1 >&2; ${waitFor(ack)}; [ -e ${ack} ] && echo two || echo never-acknowledged; echo e2 >&2`;
    const r = await pool.exec(target, ['sh', '-c', script], {
      onStdout: (c) => (events.push(['out', c.toString()]), acknowledge()),
      onStderr: (c) => (events.push(['err', c.toString()]), acknowledge()),
    });
    assert.strictEqual(r.stdout, 'one\ntwo\n', 'the command saw the acknowledgement of its first lines');
    assert.strictEqual(r.stderr, 'e1\ne2\n');
    assert.ok(!events.some((e) => e[1].includes('one') && e[1].includes('two')), `"one" and "two" came as separate chunks: ${JSON.stringify(events)}`);
    fs.rmSync(path.dirname(ack), { recursive: true, force: true });
  });

  it('feeds stdin byte-exactly, and closes it when none is given', async () => {
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
    const r = await pool.exec(target, ['sha256sum'], { stdin: bytes });
    assert.strictEqual(r.stdout.split(' ')[0], createHash('sha256').update(bytes).digest('hex'));
    assert.strictEqual((await pool.exec(target, ['cat'], { stdin: 'secret\n' })).stdout, 'secret\n');
    assert.strictEqual((await pool.exec(target, ['cat'])).stdout, ''); // would hang if stdin stayed open
  });

  it('passes hostile argv byte-exactly', async () => {
    const hostile = [
      '',
      ' ',
      'a b',
      "'",
      '"',
      "it's \"quoted\"",
      '\\',
      '$(touch /tmp/sextant-pwned)',
      '`id`',
      '$HOME ${HOME} $1 $@',
      '; rm -rf /nonexistent; #',
      '| cat > /tmp/sextant-pwned &',
      '*',
      '~',
      '~root',
      '!!',
      '-n',
      '--',
      '=cmd',
      'line1\nline2\n',
      'tab\there',
      '\x01\x7f\x1b[31m',
      'ünïcödé ✓ 日本',
      '%s %d %%',
      "'\\''",
    ];
    const chunks: Buffer[] = [];
    const r = await pool.exec(target, ['printf', '%s\\0', ...hostile], { onStdout: (c) => chunks.push(c) });
    assert.strictEqual(r.code, 0, r.stderr);
    const raw = Buffer.concat(chunks);
    const expected = Buffer.concat(hostile.map((s) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])])));
    assert.ok(raw.equals(expected), `got ${JSON.stringify(raw.toString('utf8').split('\0'))}`);
    assert.ok(!fs.existsSync('/tmp/sextant-pwned'));
  });

  it('reuses one connection for 25 calls, one after another and side by side', async () => {
    const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
    const loginsBefore = sshd.acceptedLogins();
    try {
      for (let i = 0; i < 5; i++) assert.strictEqual((await p.exec(target, ['echo', String(i)])).stdout, `${i}\n`);
      const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => p.exec(target, ['echo', String(i)])));
      rs.forEach((r, i) => assert.strictEqual(r.stdout, `${i}\n`));
      assert.strictEqual(p.stats().connectionsOpened, 1);
      assert.strictEqual(sshd.acceptedLogins() - loginsBefore, 1);
    } finally {
      await p.close();
    }
  });

  it('queues beyond the session limit instead of failing (sshd MaxSessions 10)', async () => {
    // Every command marks itself running on the host, notes how many are running, and waits at
    // its own gate. Once 8 run, the pool must hold 8 sessions and queue the other 10; the gates
    // then open one at a time, and no command may ever have seen more than 8. (Opened all at
    // once, the 8 ends can outpace sshd: it still counts a session whose channel close the pool
    // has already seen, and refuses the next opens with "no more sessions".)
    const work = tmpDir('sextant-queue-');
    const running = path.join(work, 'running');
    const gate = (i: number) => path.join(work, `gate-${i}`);
    fs.mkdirSync(running);
    const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
    try {
      const script = (i: number) =>
        `touch ${running}/${i}; n=$(ls ${running} | wc -l); ${waitFor(gate(i))}; rm ${running}/${i}; [ -e ${gate(i)} ] && echo ${i} $n`;
      const calls = Array.from({ length: 18 }, (_, i) => p.exec(target, ['sh', '-c', script(i)]));
      calls.forEach((c) => c.catch(() => undefined)); // each is awaited below, in turn
      await until(() => fs.readdirSync(running).length >= 8);
      const active = p.stats().activeSessions;
      const results = [];
      for (let i = 0; i < calls.length; i++) {
        fs.writeFileSync(gate(i), '');
        results.push(await calls[i]!);
      }
      assert.strictEqual(active, 8, 'sessions held while 8 commands ran (the other 10 queued)');
      results.forEach((r, i) => assert.deepStrictEqual([r.code, r.stdout.split(' ')[0]], [0, String(i)], r.stderr));
      const seen = results.map((r) => Number(r.stdout.split(' ')[1]));
      assert.ok(Math.max(...seen) === 8, `at most 8 commands ran at once on the host: ${seen.join(' ')}`);
      assert.strictEqual(p.stats().connectionsOpened, 1);
    } finally {
      for (let i = 0; i < 18; i++) fs.writeFileSync(gate(i), '');
      await p.close();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('waits and opens again when sshd refuses a session (over its MaxSessions, or counting a closed one late)', async () => {
    // sshd allows 2 sessions, the pool 4: the third and fourth opens are refused until the first
    // two commands end, and must then run, not fail.
    const strict = await startSshd(['MaxSessions 2']);
    const work = tmpDir('sextant-refused-');
    const gate = (i: number) => path.join(work, `gate-${i}`);
    const p = new SshPool({ knownHostsFile: path.join(work, 'known_hosts'), maxSessionsPerConnection: 4 });
    const t = { ...target, port: strict.port, keys: [strict.clientKey] };
    try {
      const calls = [0, 1, 2, 3].map((i) => p.exec(t, ['sh', '-c', `touch ${work}/running-${i}; ${waitFor(gate(i))}; echo ${i}`]));
      calls.forEach((c) => c.catch(() => undefined)); // awaited below
      await until(() => fs.existsSync(path.join(work, 'running-0')) && fs.existsSync(path.join(work, 'running-1')));
      assert.ok(!fs.existsSync(path.join(work, 'running-2')) && !fs.existsSync(path.join(work, 'running-3')), 'sshd ran only two at once');
      for (let i = 0; i < 4; i++) fs.writeFileSync(gate(i), '');
      const results = await Promise.all(calls);
      assert.deepStrictEqual(results.map((r) => [r.code, r.stdout.trim()]), [[0, '0'], [0, '1'], [0, '2'], [0, '3']]);
    } finally {
      for (let i = 0; i < 4; i++) fs.writeFileSync(gate(i), '');
      await p.close();
      await strict.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('uploads atomically with the given mode, creating parent dirs', async () => {
    const file = path.join(dir, 'remote', 'a', 'b', 'app.env');
    await pool.upload(target, file, 'SECRET=1\n', 0o600);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'SECRET=1\n');
    assert.strictEqual(fs.statSync(file).mode & 0o7777, 0o600);
    await pool.upload(target, file, Buffer.from('SECRET=2\n'), 0o640);
    assert.strictEqual(fs.readFileSync(file, 'utf8'), 'SECRET=2\n');
    assert.strictEqual(fs.statSync(file).mode & 0o7777, 0o640);
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ['app.env'], 'no temp files left');
    await pool.upload(target, path.join(dir, 'remote', 'empty'), '', 0o644);
    assert.strictEqual(fs.statSync(path.join(dir, 'remote', 'empty')).size, 0);

    // relative paths are relative to the user's home
    const rel = `.sextant-test-${process.pid}-${Date.now()}`;
    try {
      await pool.upload(target, `${rel}/x/y.txt`, 'hi', 0o600);
      assert.strictEqual(fs.readFileSync(path.join(os.homedir(), rel, 'x', 'y.txt'), 'utf8'), 'hi');
      await pool.upload(target, `~/${rel}/z.txt`, 'z', 0o600);
      assert.strictEqual(fs.readFileSync(path.join(os.homedir(), rel, 'z.txt'), 'utf8'), 'z');
    } finally {
      fs.rmSync(path.join(os.homedir(), rel), { recursive: true, force: true });
    }
  });

  it('caps captured output at the last 1 MB but streams all of it', async () => {
    let streamed = 0;
    const r = await pool.exec(target, ['sh', '-c', "head -c 3000000 /dev/zero | tr '\\0' a; echo END"], {
      onStdout: (c) => (streamed += c.length),
    });
    assert.strictEqual(streamed, 3_000_004);
    assert.strictEqual(r.stdout.length, 1024 * 1024);
    assert.ok(r.stdout.endsWith('aaaEND\n'));
  });

  it('timeoutSeconds bounds the remote process', async () => {
    // A 100 s sleep under a 1 s timeout: the call can settle before mocha's 20 s only through
    // the remote timeout (the local deadline, 16 s, would reject with an SshError instead).
    let pid = 0;
    const r = await pool.exec(target, ['sh', '-c', 'sleep 100 & echo $!; wait; echo done'], {
      timeoutSeconds: 1,
      onStdout: (c) => (pid ||= Number(c.toString().trim())),
    });
    assert.deepStrictEqual([r.code, r.timedOut, r.stdout], [124, true, `${pid}\n`], 'ended by the timeout, before "done"');
    assert.ok(pid > 0, 'the sleep was started');
    // `timeout` TERMs its process group, sleep included; wait for it to die (mocha's timeout
    // fails the test if it never does).
    await until(() => !alive(pid));
    const err = await rejection(pool.execOrThrow(target, ['sleep', '100'], { timeoutSeconds: 1 }));
    assert.ok(err instanceof SshCommandError && err.timedOut);
    assert.match(err.message, /`sleep 100` timed out after 1s \(exit 124\)/);
  });

  it('abort rejects at once; the session slot stays taken until sshd closes the channel', async () => {
    const work = tmpDir('sextant-abort-');
    const gate = path.join(work, 'gate');
    const ended = path.join(work, 'ended');
    const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts'), maxSessionsPerConnection: 1 });
    try {
      // The command cannot end before the gate opens (the test opens it only after the abort).
      const ac = new AbortController();
      const script = `echo started; ${waitFor(gate)}; [ -e ${gate} ] && touch ${ended}`;
      const err = await rejection(p.exec(target, ['sh', '-c', script], { signal: ac.signal, onStdout: () => ac.abort() }));
      assert.strictEqual(err.name, 'AbortError');
      assert.ok(!fs.existsSync(ended), 'the call rejected before the command ended');
      // sshd refuses "signal" for root logins, so the remote command runs on and holds its
      // session: the slot is still taken, and the next call queues behind it instead of failing.
      assert.strictEqual(p.stats().activeSessions, 1, 'the aborted session still holds its slot');
      const next = p.exec(target, ['sh', '-c', `[ -e ${ended} ] && echo after || echo before`]);
      fs.writeFileSync(gate, '');
      assert.strictEqual((await next).stdout, 'after\n', 'the next call ran only once the aborted command had ended');
      const pre = new AbortController();
      pre.abort();
      assert.strictEqual((await rejection(p.exec(target, ['true'], { signal: pre.signal }))).name, 'AbortError');
    } finally {
      fs.writeFileSync(gate, '');
      await p.close();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("turns Nagle's algorithm off on its connections (else each command waits for the host's delayed ACK)", async () => {
    const flagged: { socket: net.Socket; on: boolean | undefined }[] = [];
    const original = net.Socket.prototype.setNoDelay;
    net.Socket.prototype.setNoDelay = function (this: net.Socket, on?: boolean) {
      flagged.push({ socket: this, on });
      return original.call(this, on);
    };
    const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
    try {
      assert.strictEqual((await p.exec(target, ['true'])).code, 0);
      const toSshd = flagged.filter((f) => f.socket.remotePort === sshd.port);
      assert.ok(toSshd.length > 0 && toSshd.every((f) => f.on !== false), `setNoDelay calls on the connection to sshd: ${JSON.stringify(toSshd.map((f) => f.on))}`);
    } finally {
      net.Socket.prototype.setNoDelay = original;
      await p.close();
    }
  });

  it('reconnects transparently after the connection was killed', async () => {
    const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
    try {
      assert.strictEqual((await p.exec(target, ['echo', 'a'])).stdout, 'a\n');
      sshd.killConnections();
      assert.strictEqual((await p.exec(target, ['echo', 'b'])).stdout, 'b\n');
      assert.strictEqual(p.stats().connectionsOpened, 2);

      // a command that was running when the link died is reported, not retried
      const running = p.exec(target, ['sleep', '5']);
      await new Promise((res) => setTimeout(res, 300));
      sshd.killConnections();
      const err = await rejection(running);
      assert.ok(err instanceof SshError && err.kind === 'disconnected', String(err));
      assert.ok(isRetryable(err));
      assert.strictEqual((await p.exec(target, ['echo', 'c'])).stdout, 'c\n');
      assert.strictEqual(p.stats().connectionsOpened, 3);
    } finally {
      await p.close();
    }
  });

  it('auth failure names user@host and the keys tried, never key contents', async () => {
    const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
    try {
      const err = await rejection(p.exec({ ...target, keys: [sshd.otherKey] }, ['true']));
      assert.ok(err instanceof SshError && err.kind === 'auth', String(err));
      assert.ok(err.message.includes(`root@127.0.0.1:${sshd.port}`), err.message);
      assert.ok(err.message.includes(sshd.otherKey), err.message);
      assert.ok(!/PRIVATE KEY|AAAA/.test(err.message), err.message);
      assert.strictEqual(isRetryable(err), false);
      const missing = await rejection(p.exec({ ...target, keys: ['/nonexistent/id_x'] }, ['true']));
      assert.ok(missing instanceof SshError && missing.kind === 'auth');
      assert.match(missing.message, /cannot read SSH key \/nonexistent\/id_x \(ENOENT\)/);
    } finally {
      await p.close();
    }
  });

  it('unreachable port is an "unreachable" SshError', async () => {
    const port = await freePort();
    const err = await rejection(pool.exec({ ...target, port }, ['true']));
    assert.ok(err instanceof SshError && err.kind === 'unreachable', String(err));
    assert.strictEqual(err.message, `root@127.0.0.1:${port}: cannot connect: ECONNREFUSED (connection refused)`);
    assert.ok(isRetryable(err));
  });

  it('a server that never answers the handshake is a "timeout" SshError', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', () => res()));
    const port = (silent.address() as net.AddressInfo).port;
    const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts'), connectTimeoutMs: 300 });
    try {
      const err = await rejection(p.exec({ ...target, port }, ['true']));
      assert.ok(err instanceof SshError && err.kind === 'timeout', String(err));
      assert.strictEqual(err.message, `root@127.0.0.1:${port}: timed out after 300 ms connecting (TCP connect + SSH handshake)`);
      assert.ok(isRetryable(err));
    } finally {
      await p.close();
      silent.close();
    }
  });

  it('closes idle connections and reconnects on the next call', async () => {
    const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts'), idleTimeoutMs: 150 });
    try {
      await p.exec(target, ['true']);
      assert.strictEqual(p.stats().openConnections, 1);
      await new Promise((res) => setTimeout(res, 400));
      assert.strictEqual(p.stats().openConnections, 0);
      await p.exec(target, ['true']);
      assert.deepStrictEqual([p.stats().connectionsOpened, p.stats().openConnections], [2, 1]);
    } finally {
      await p.close();
    }
    await assert.rejects(p.exec(target, ['true']), /SshPool is closed/);
  });

  it('uses ssh-agent, then ~/.ssh/id_* when no keys are configured', async () => {
    const home = tmpDir('sextant-home-');
    const saved = { HOME: process.env.HOME, SSH_AUTH_SOCK: process.env.SSH_AUTH_SOCK };
    const sock = path.join(home, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const noKeys: SshTarget = { host: target.host, port: target.port, user: 'root' };
    try {
      process.env.HOME = home;
      delete process.env.SSH_AUTH_SOCK;
      const p = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
      const none = await rejection(p.exec(noKeys, ['true']));
      assert.ok(none instanceof SshError && none.kind === 'auth');
      assert.match(none.message, /no usable SSH key/);

      fs.mkdirSync(path.join(home, '.ssh'));
      fs.copyFileSync(sshd.clientKey, path.join(home, '.ssh', 'id_ecdsa'));
      assert.strictEqual((await p.exec(noKeys, ['echo', 'file'])).stdout, 'file\n');
      await p.close();
      fs.rmSync(path.join(home, '.ssh'), { recursive: true });

      for (let i = 0; i < 100 && !fs.existsSync(sock); i++) await new Promise((res) => setTimeout(res, 20));
      execFileSync('ssh-add', ['-q', sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = sock;
      const p2 = new SshPool({ knownHostsFile: path.join(dir, 'known_hosts') });
      assert.strictEqual((await p2.exec(noKeys, ['echo', 'agent'])).stdout, 'agent\n');
      await p2.close();
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      agent.kill();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('ssh/SshPool host keys (real sshd)', function () {
  this.timeout(20_000);
  let sshd: Sshd;
  let dir: string;
  let knownHosts: string;
  let target: SshTarget;

  before(async () => {
    sshd = await startSshd();
    dir = tmpDir('sextant-ssh-hk-');
    knownHosts = path.join(dir, 'nested', 'known_hosts');
    target = { host: sshd.host, port: sshd.port, keys: [sshd.clientKey] };
  });

  after(async () => {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('trusts a new host on first use and appends it to known_hosts', async () => {
    fs.mkdirSync(path.dirname(knownHosts));
    fs.writeFileSync(knownHosts, '# a comment, and no trailing newline');
    const p = new SshPool({ knownHostsFile: knownHosts });
    try {
      await Promise.all(Array.from({ length: 5 }, () => p.exec(target, ['true'])));
    } finally {
      await p.close();
    }
    assert.strictEqual(
      fs.readFileSync(knownHosts, 'utf8'),
      `# a comment, and no trailing newline\n[127.0.0.1]:${sshd.port} ${sshd.hostKeyPublic()}\n`,
    );
    // known now: a second pool adds nothing; hashed entries (ssh-keygen -H) are recognised too
    execFileSync('ssh-keygen', ['-H', '-f', knownHosts], { stdio: 'ignore' });
    const hashed = fs.readFileSync(knownHosts, 'utf8');
    assert.match(hashed, /^\|1\|/m);
    const p2 = new SshPool({ knownHostsFile: knownHosts });
    try {
      assert.strictEqual((await p2.exec(target, ['echo', 'ok'])).stdout, 'ok\n');
    } finally {
      await p2.close();
    }
    assert.strictEqual(fs.readFileSync(knownHosts, 'utf8'), hashed);
  });

  it('refuses a changed host key with file, line, both fingerprints and the fix', async () => {
    const oldKey = sshd.hostKeyPublic();
    await sshd.restart({ newHostKey: true });
    const newKey = sshd.hostKeyPublic();
    assert.notStrictEqual(oldKey, newKey);
    const before = fs.readFileSync(knownHosts, 'utf8');
    const lineNo = before.split('\n').findIndex((l) => l.startsWith('|1|')) + 1;
    const p = new SshPool({ knownHostsFile: knownHosts });
    try {
      const err = await rejection(p.exec(target, ['true']));
      assert.ok(err instanceof SshError && err.kind === 'hostkey-changed', String(err));
      const name = `[127.0.0.1]:${sshd.port}`;
      assert.strictEqual(
        err.message,
        [
          `root@127.0.0.1:${sshd.port}: HOST KEY CHANGED for ${name}; refusing to connect.`,
          `  ${knownHosts} line ${lineNo} has ED25519 key ${sshKeygenFingerprint(oldKey)}`,
          `  the host now presents ED25519 key ${sshKeygenFingerprint(newKey)}`,
          'Someone could be intercepting the connection (man-in-the-middle), or the host was reinstalled or got a new key.',
          `If the change is expected, remove the old entry (line ${lineNo} of ${knownHosts}): ssh-keygen -R '${name}' -f ${knownHosts}`,
        ].join('\n'),
      );
      assert.strictEqual(isRetryable(err), false);
      assert.strictEqual(fs.readFileSync(knownHosts, 'utf8'), before, 'known_hosts untouched');

      // following the advice fixes it
      execFileSync('ssh-keygen', ['-R', name, '-f', knownHosts], { stdio: 'ignore' });
      assert.strictEqual((await p.exec(target, ['echo', 'ok'])).stdout, 'ok\n');
    } finally {
      await p.close();
    }
  });
});
