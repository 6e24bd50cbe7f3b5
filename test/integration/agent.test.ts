// With no SEXTANT_TEMPORAL_ADDRESS, the CLI starts its own agent: a worker plus the Temporal dev
// server of temporal-dev.yml (its ports moved off the lab server's by the environment override).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { warmCliStatus } from '../../worker/agent';
import { isAlive as alive } from '../../worker/processes';
import { runCli, runCliOk } from '../support/cli';
import { labHost, removeService } from '../support/hosts';
import { get } from '../support/http';
import { makeProject, type Project } from '../support/project';
import { freePortPair } from '../support/temporal';
import { makeTestCa, type TestCa } from '../support/tls';

let PORT: number;
let UI_PORT: number;

describe('the agent on a laptop (no shared Temporal)', function () {
  let project: Project;
  // A company CA, as NODE_EXTRA_CA_CERTS names one: the agent's processes start without it and get it back.
  let ca: TestCa;
  const cli = (...args: string[]) => runCliOk(args, { cwd: project.dir, env: project.env });

  before(async function () {
    PORT = await freePortPair();
    UI_PORT = PORT + 1;
    ca = makeTestCa();
    project = makeProject({
      hosts: 1,
      temporal: 'agent',
      env: { SEXTANT_DEV_SERVER_PORT: String(PORT), SEXTANT_DEV_SERVER_UI_PORT: String(UI_PORT), NODE_EXTRA_CA_CERTS: ca.caFile },
    });
  });

  it('deploy starts the agent and its dev server, and succeeds', async function () {
    const r = await cli('deploy', '--version', 'v1');
    assert.match(r.stdout, /Deployed/);
    assert.match(r.stdout, new RegExp(`http://127\\.0\\.0\\.1:${UI_PORT}/namespaces/default/workflows/`));
    assert.equal((await get(`http://${project.hosts[0]}/version`)).body.trim(), 'v1');
    assert.ok(existsSync(join(project.home, 'temporal', 'dev.db')), 'the dev server keeps its state in SEXTANT_HOME');
  });

  it("runs the next deploy in the agent's warm CLI process, and the agent starts the next one", async function () {
    const first = await warmProcess(project.home);
    const r = await cli('deploy', '--version', 'v2');
    assert.match(r.stdout, /Deployed/);
    assert.equal((await get(`http://${project.hosts[0]}/version`)).body.trim(), 'v2');
    for (let i = 0; i < 100 && alive(first); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(first), 'the warm process that ran the deploy ended with it');
    assert.notEqual(await warmProcess(project.home), first);
  });

  it('agent status --json shows the worker, the dev server and the warm CLI process', async function () {
    const warm = await warmProcess(project.home);
    const r = await cli('agent', 'status', '--json');
    const status = JSON.parse(r.stdout) as { worker: { pid: number } | null; server: { pid: number; address: string; ui: string } | null; warmCli: { pid: number; loaded: boolean } | null };
    assert.ok(status.worker && alive(status.worker.pid), 'worker running');
    assert.deepEqual(status.warmCli, { pid: warm, loaded: true }, 'the warm CLI process waiting');
    assert.ok(status.server && alive(status.server.pid), 'dev server running');
    assert.equal(status.server.address, `127.0.0.1:${PORT}`);
    assert.equal(status.server.ui, `http://127.0.0.1:${UI_PORT}`);
    assert.equal((await get(`http://127.0.0.1:${UI_PORT}/`)).status, 200, 'the Temporal UI answers');
    for (const pid of [status.worker.pid, warm]) {
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes(`SEXTANT_EXTRA_CA_CERTS=${ca.caFile}`), `process ${pid}: NODE_EXTRA_CA_CERTS held back while Node started`);
      assert.ok(!environ.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')), `process ${pid}: Node started without it`);
    }
  });

  it('agent stop stops both', async function () {
    const before = JSON.parse((await cli('agent', 'status', '--json')).stdout) as { worker: { pid: number }; server: { pid: number } };
    const warm = await warmProcess(project.home);
    await cli('agent', 'stop');
    assert.ok(!alive(before.worker.pid), 'worker stopped');
    assert.ok(!alive(before.server.pid), 'dev server stopped');
    for (let i = 0; i < 100 && alive(warm); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(warm), "the idle warm CLI process ended with the agent's worker");
    assert.deepEqual(JSON.parse((await cli('agent', 'status', '--json')).stdout), { worker: null, server: null, warmCli: null });
  });

  after(async function () {
    ca?.remove();
    if (!project) return;
    await runCli(['agent', 'stop'], { cwd: project.dir, env: project.env });
    for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});

/** The warm CLI process once it waits with its modules loaded (it loads once the command before it has ended). */
async function warmProcess(home: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const warm = warmCliStatus(home);
    if (warm?.loaded) return warm.pid;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no warm CLI process waits loaded 20 s after the agent started');
}
