// The agent's keeper of the warm CLI process (worker/warm-cli-keeper.ts), with real processes:
// the successor of a warm process that took a command waits unloaded until that command is done
// (or has run for a while), so its load does not share the cores with the command just begun.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { warmCliStatus } from '../../../worker/agent';
import { isAlive } from '../../../worker/processes';
import { keepWarmCli, type WarmCliKeeper } from '../../../worker/warm-cli-keeper';
import { startCli } from '../../support/cli';
import { WarmTestSetup } from '../../support/warm';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `ready` gives a value (mocha's timeout catches one that never does). */
async function until<T>(ready: () => T | null | undefined): Promise<T> {
  for (;;) {
    const value = ready();
    if (value) return value;
    await sleep(50);
  }
}

describe('the warm CLI keeper (the agent keeps one warm CLI process)', function () {
  this.timeout(30000);
  let setup: WarmTestSetup;
  let keeper: WarmCliKeeper | null = null;

  beforeEach(function () {
    setup = new WarmTestSetup();
  });

  afterEach(function () {
    keeper?.stop();
    setup.close();
  });

  const keep = (loadAfterMs: number) => (keeper = keepWarmCli(setup.home, join(setup.home, 'worker.log'), loadAfterMs));
  const loaded = () => until(() => (warmCliStatus(setup.home)?.loaded ? warmCliStatus(setup.home) : null));
  /** `sextant history`, handed to the warm process, hangs on a silent Temporal until SIGINT. */
  const hangingCommand = async () => {
    const { child, done } = startCli(['history'], { cwd: setup.dir, env: setup.env({ SEXTANT_TEMPORAL_ADDRESS: await setup.silentTemporal() }) });
    return { interrupt: () => (child.kill('SIGINT'), done) };
  };

  it('loads the successor of a warm process that took a command once that command is done, not before', async function () {
    // A load deadline far beyond this test: only the command's end can have the successor load.
    keep(600_000);
    const first = await loaded();
    const command = await hangingCommand();
    const successor = await until(() => {
      const warm = warmCliStatus(setup.home);
      return warm && warm.pid !== first.pid ? warm : null;
    });
    assert.equal(isAlive(first.pid), true, 'the first warm process runs the command');
    await sleep(1500);
    assert.deepEqual(warmCliStatus(setup.home), { pid: successor.pid, loaded: false }, 'the successor waits unloaded while the command runs');
    await command.interrupt();
    assert.deepEqual(await loaded(), { pid: successor.pid, loaded: true });
    keeper!.stop();
    await until(() => !isAlive(successor.pid));
  });

  it('loads it after a while when the command runs on', async function () {
    keep(1000);
    const first = await loaded();
    const command = await hangingCommand();
    try {
      await until(() => (warmCliStatus(setup.home)?.loaded && warmCliStatus(setup.home)!.pid !== first.pid ? true : null));
      assert.equal(isAlive(first.pid), true, 'loaded while the command still runs');
    } finally {
      await command.interrupt();
    }
  });

  it('starts it without NODE_EXTRA_CA_CERTS, held back under another name (as bin/sextant does)', async function () {
    const missing = '/nonexistent/sextant-test-extra-ca.pem';
    const before = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = missing;
    try {
      keep(0);
    } finally {
      if (before === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = before;
    }
    const warm = await loaded();
    const environ = readFileSync(`/proc/${warm.pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes(`SEXTANT_EXTRA_CA_CERTS=${missing}`), 'held back under another name');
    assert.ok(!environ.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')), 'Node started without it');
    // Node warns at start-up about a file it cannot read: it never tried.
    assert.doesNotMatch(readFileSync(join(setup.home, 'worker.log'), 'utf8'), /Ignoring extra certs/);
  });
});
