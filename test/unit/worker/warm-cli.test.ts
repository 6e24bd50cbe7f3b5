// The agent's warm CLI process (worker/warm-cli.ts) and bin/sextant handing it a command
// (cli/warm-client.ts), as real processes: the command runs there as it would in bin/sextant's
// own process, or not at all. Most tests never tell it to load: their caller has it load.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { holdingExtraCaCerts } from '../../../cli/extra-ca-certs';
import { onFrames, sendFrame, warmSocketPath, type WarmFrame } from '../../../cli/warm-protocol';
import { warmCliStatus } from '../../../worker/agent';
import { runCli, startCli } from '../../support/cli';
import { repoRoot } from '../../support/lab';
import { WarmTestSetup } from '../../support/warm';

describe('the warm CLI process (bin/sextant hands it a command)', function () {
  this.timeout(30000);
  let setup: WarmTestSetup;
  let home: string;
  let dir: string;
  let warm: ChildProcess;
  let warmExit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  const env = (extra: NodeJS.ProcessEnv = {}) => setup.env(extra);

  beforeEach(async function () {
    setup = new WarmTestSetup();
    ({ home, dir } = setup);
    warm = spawn(process.execPath, [join(repoRoot, 'dist', 'worker', 'warm-cli.js'), home], { env: holdingExtraCaCerts(process.env), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    warmExit = new Promise((resolve) => warm.on('exit', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      warm.on('message', (m: { t?: string }) => m.t === 'listening' && resolve());
      warm.on('exit', () => reject(new Error('the warm CLI process ended before it listened')));
    });
  });

  afterEach(function () {
    if (warm.exitCode === null && warm.signalCode === null) warm.kill('SIGKILL');
    setup.close();
  });

  it('runs the command with the caller\'s cwd, environment, output and exit code, then ends', async function () {
    const handed = await runCli(['config', '--version', 'v1'], { cwd: dir, env: env() });
    assert.deepEqual(await warmExit, { code: 0, signal: null }, 'the warm process ran it and ended');
    const alone = await runCli(['config', '--version', 'v1'], { cwd: dir, env: env({ SEXTANT_NO_WARM: '1' }) });
    assert.equal(handed.code, 0, handed.stderr);
    assert.match(handed.stdout, /warmapp/);
    assert.deepEqual(handed, alone);
  });

  it('gives a bad command the same error and exit code as bin/sextant alone', async function () {
    const handed = await runCli(['config', '--bogus'], { cwd: dir, env: env() });
    assert.deepEqual(await warmExit, { code: 2, signal: null });
    const alone = await runCli(['config', '--bogus'], { cwd: dir, env: env({ SEXTANT_NO_WARM: '1' }) });
    assert.equal(handed.code, 2);
    assert.deepEqual(handed, alone);
  });

  it('waits unloaded until the agent says load (or a caller comes, as in the other tests), then shows it loaded', async function () {
    assert.deepEqual(warmCliStatus(home), { pid: warm.pid, loaded: false });
    await loadNow();
    assert.deepEqual(warmCliStatus(home), { pid: warm.pid, loaded: true });
    const handed = await runCli(['config', '--version', 'v1'], { cwd: dir, env: env() });
    assert.equal(handed.code, 0, handed.stderr);
    assert.deepEqual(await warmExit, { code: 0, signal: null });
  });

  it('tells a caller who comes before it loaded to wait while it loads what the command needs, then says ready', async function () {
    const { buildId } = await import('../../../cli/warm-protocol');
    const frames = await exchange({ t: 'run', build: buildId()!, argv: ['config'], cwd: dir, env: {}, stdout: { tty: false }, stderr: { tty: false } }, 'ready');
    assert.deepEqual(frames, [{ t: 'loading' }, { t: 'ready' }]);
    assert.deepEqual(warmCliStatus(home), { pid: warm.pid, loaded: false }, 'it loaded what the command needs, not everything');
  });

  it('answers a caller of another build "stale", runs nothing and ends', async function () {
    const frames = await exchange({ t: 'run', build: 'an-older-build', argv: ['config'], cwd: dir, env: {}, stdout: { tty: false }, stderr: { tty: false } });
    assert.deepEqual(frames, [{ t: 'stale' }]);
    assert.deepEqual(await warmExit, { code: 0, signal: null });
  });

  it('keeps waiting when a caller leaves before saying go, and serves the next', async function () {
    await loadNow();
    const { buildId } = await import('../../../cli/warm-protocol');
    const frames = await exchange({ t: 'run', build: buildId()!, argv: ['config'], cwd: dir, env: {}, stdout: { tty: false }, stderr: { tty: false } });
    assert.deepEqual(frames, [{ t: 'ready' }]);
    assert.equal(warm.exitCode, null, 'still waiting');
    const handed = await runCli(['config', '--version', 'v1'], { cwd: dir, env: env() });
    assert.equal(handed.code, 0, handed.stderr);
    assert.deepEqual(await warmExit, { code: 0, signal: null });
  });

  it('serves one of two callers at once; the other runs its command itself, with the same result', async function () {
    const both = await Promise.all([1, 2].map(() => runCli(['config', '--version', 'v1'], { cwd: dir, env: env() })));
    assert.deepEqual(await warmExit, { code: 0, signal: null });
    assert.equal(both[0]!.code, 0, both[0]!.stderr);
    assert.deepEqual(both[0], both[1]);
  });

  it('passes Ctrl-C on: the command ends by SIGINT there, and bin/sextant by SIGINT too', async function () {
    const { child, done } = startCli(['history'], { cwd: dir, env: env({ SEXTANT_TEMPORAL_ADDRESS: await setup.silentTemporal() }) });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    const r = await done;
    assert.deepEqual([r.code, r.signal], [null, 'SIGINT'], r.stderr);
    assert.deepEqual(await warmExit, { code: null, signal: 'SIGINT' });
  });

  /** Tells it to load, as the agent does once the command before it is done; resolves once agent status shows it loaded. */
  async function loadNow(): Promise<void> {
    warm.send({ t: 'load' });
    while (!warmCliStatus(home)?.loaded) await new Promise((r) => setTimeout(r, 50));
  }

  /** Sends one frame to the warm process and collects what it answers until it closes, goes quiet, or sends a frame of type `last`. */
  function exchange(frame: Parameters<typeof sendFrame>[1], last?: WarmFrame['t']): Promise<WarmFrame[]> {
    return new Promise((resolve) => {
      const socket = connect(warmSocketPath(home));
      const frames: WarmFrame[] = [];
      onFrames<WarmFrame>(socket, (f) => {
        frames.push(f);
        if (f.t === last) socket.destroy();
        else if (!last) setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve(frames));
      socket.on('error', () => socket.destroy());
      sendFrame(socket, frame);
    });
  }
});
