// Issue 3's fault tests: a rollout survives a killed worker, CLI or Temporal server, a lost
// link and a restarted dockerd; a broken version rolls back; pause, resume and abort work; a
// killed hook runs again with the same deploy ID; a rollback whose container went missing
// boots it from its image. Each runs on 3 hosts with boot.limit 1 under load, and ends with
// every host on one expected version, one container, and no lock left.
// Kill points are deterministic: SEXTANT_TEST_HOLD_DIR makes a chosen activity wait (worker/test-holds.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { runCli, runCliOk, startCli } from '../support/cli';
import { agentPids, assertSettled, containerIds, editConfig, everyHost, Holds } from '../support/faults';
import { recordHistory } from '../support/histories';
import { labHost, removeService } from '../support/hosts';
import { get, startLoad, type LoadReport } from '../support/http';
import { onHost, repoRoot } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { activityAttempts, freePortPair, temporalClient } from '../support/temporal';
import { statusQuery } from '../../workflows/signals';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lab = (script: string, ...args: string[]) => execFileSync('bash', [join(repoRoot, 'test', 'lab', script), ...args], { stdio: 'pipe' });

describe('durable rollouts under faults', function () {
  let project: Project;
  let holds: Holds;
  let client: Awaited<ReturnType<typeof temporalClient>>;
  let handle: WorkflowHandle;
  let h1: string, h2: string, h3: string;
  const opts = () => ({ cwd: project.dir, env: project.env });
  const deployCli = (version: string) => startCli(['deploy', '--version', version], opts());

  /** Runs `fn` while every host (or only `urls`) gets requests without pause. */
  async function underLoad<T>(fn: () => Promise<T>, urls = project.hosts.map((h) => `http://${h}/version`)): Promise<{ result: T; report: LoadReport }> {
    const load = startLoad(urls);
    await sleep(300);
    try {
      const result = await fn();
      await sleep(300);
      return { result, report: await load.stop() };
    } catch (err) {
      await load.stop();
      throw err;
    }
  }
  const noFailures = (report: LoadReport) => assert.equal(report.failures, 0, report.failureSamples.join('\n'));
  const history = async () => handle.fetchHistory();
  const name = (address: string) => labHost(project.lab, address).name;

  before(async function () {
    const port = await freePortPair();
    project = makeProject({ hosts: 3, temporal: 'agent', env: { SEXTANT_DEV_SERVER_PORT: String(port), SEXTANT_DEV_SERVER_UI_PORT: String(port + 1) } });
    holds = new Holds(join(project.home, '..', 'holds'));
    project.env.SEXTANT_TEST_HOLD_DIR = holds.dir;
    [h1, h2, h3] = project.hosts as [string, string, string];
    await runCliOk(['deploy', '--version', 'v1'], opts());
    client = await temporalClient(`127.0.0.1:${port}`, 'default'); // the agent's own dev server: temporal-dev.yml's namespace
    handle = client.client.workflow.getHandle(`sextant/${project.service}`);
  });

  it('1. the worker is SIGKILLed inside a batch-2 step: attach restarts it and the same run completes', async function () {
    const key = `bootContainer@${h2}`;
    holds.hold(key);
    const { report } = await underLoad(async () => {
      const first = deployCli('v2');
      await holds.reached(key);
      const runId = (await handle.describe()).runId;
      const host1 = containerIds(project)[h1];
      process.kill((await agentPids(project)).worker, 'SIGKILL');
      first.child.kill('SIGKILL');
      holds.release(key);
      const attach = await runCliOk(['deploy', 'attach'], opts());
      assert.match(attach.stdout, /started the Sextant agent: worker/);
      assert.match(attach.stdout, /deploy of v2 finished/);
      assert.equal((await handle.describe()).runId, runId, 'the same workflow run finished the rollout');
      assert.deepEqual(containerIds(project)[h1], host1, 'the host done before the kill kept its container');
    });
    noFailures(report);
    const boot = activityAttempts(await history()).find((a) => a.type === 'bootContainer' && a.input[1] === h2);
    assert.ok(boot && boot.attempt > 1, `the interrupted step ran again (attempt ${boot?.attempt})`);
    await recordHistory('worker-killed', handle);
    await assertSettled(project, everyHost(project, 'v2'));
  });

  it('2. the CLI is SIGKILLed mid-rollout: the deploy completes anyway, attach shows it done', async function () {
    const key = `bootContainer@${h2}`;
    holds.hold(key);
    const { report } = await underLoad(async () => {
      const first = deployCli('v3');
      await holds.reached(key);
      first.child.kill('SIGKILL');
      holds.release(key);
      await handle.result();
    });
    noFailures(report);
    const attach = await runCliOk(['deploy', 'attach'], opts());
    assert.match(attach.stdout, /deploy of v3 finished/);
    await assertSettled(project, everyHost(project, 'v3'));
  });

  it('3. the Temporal dev server is SIGKILLed mid-rollout and restarted on its database: the deploy completes', async function () {
    const key = `bootContainer@${h2}`;
    holds.hold(key);
    const { report } = await underLoad(async () => {
      const first = deployCli('v4');
      await holds.reached(key);
      const { server } = await agentPids(project);
      process.kill(server!, 'SIGKILL');
      await sleep(1000);
      holds.release(key);
      const attach = await runCliOk(['deploy', 'attach'], opts());
      assert.match(attach.stdout, /started the Sextant agent: Temporal dev server/);
      assert.match(attach.stdout, /deploy of v4 finished/);
      const r = await first.done;
      assert.equal(r.code, 0, `the CLI that started the deploy outlasted the restart:\n${r.stdout}\n${r.stderr}`);
    });
    noFailures(report);
    await assertSettled(project, everyHost(project, 'v4'));
  });

  it('4. a host loses its link for 20 s mid-rollout: steps retry and the deploy completes', async function () {
    const key = `bootContainer@${h2}`;
    holds.hold(key);
    // Requests to the cut-off host cannot succeed; the others must all succeed.
    const { report } = await underLoad(
      async () => {
        const cli = deployCli('v5');
        await holds.reached(key);
        lab('link.sh', name(h2), 'down');
        try {
          holds.release(key);
          await sleep(20000);
        } finally {
          lab('link.sh', name(h2), 'up');
        }
        const r = await cli.done;
        assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      },
      [h1, h3].map((h) => `http://${h}/version`),
    );
    // The SSH layer (keepalives, a fresh connection) or an activity retry rode out the outage.
    noFailures(report);
    await assertSettled(project, everyHost(project, 'v5'));
  });

  it('4b. a host that stays unreachable fails the deploy naming it, and switched hosts roll back', async function () {
    const key = `bootContainer@${h2}`;
    const before = containerIds(project);
    holds.hold(key);
    const { result: r, report } = await underLoad(
      async () => {
        const cli = deployCli('v6');
        await holds.reached(key);
        lab('link.sh', name(h2), 'down');
        try {
          holds.release(key);
          return await cli.done;
        } finally {
          lab('link.sh', name(h2), 'up');
        }
      },
      [h1, h3].map((h) => `http://${h}/version`),
    );
    noFailures(report);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, new RegExp(`${h2.replace(/\./g, '\\.')}.*(unreachable|timed out|no route|connection lost)`, 'i'));
    assert.ok(Math.max(...holds.sinceHold(key)) > 2, `the step was retried with backoff before giving up: attempts ${holds.sinceHold(key).join(', ')}`);
    assert.deepEqual(containerIds(project)[h3], before[h3], 'the last host never changed');
    await assertSettled(project, everyHost(project, 'v5'));
  });

  it('5. a version broken on host 2 only: host 2 keeps the old one, host 1 rolls back, host 3 never changes', async function () {
    const before = containerIds(project);
    editConfig(project, (c) => ((c.env as { clear: Record<string, string> }).clear.BROKEN_ON = h2));
    try {
      const { result: r, report } = await underLoad(() => runCli(['deploy', '--version', 'v7'], opts()));
      noFailures(report);
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, /did not pass the health check/);
      assert.match(r.stdout + r.stderr, /app v7: broken on purpose/, "the failing container's log lines are shown");
      assert.deepEqual(containerIds(project)[h2], before[h2], 'host 2 kept its container');
      assert.deepEqual(containerIds(project)[h3], before[h3], 'host 3 never changed');
      await recordHistory('failed-rolled-back', handle);
    } finally {
      editConfig(project, (c) => delete (c.env as { clear: Record<string, string> }).clear.BROKEN_ON);
    }
    await assertSettled(project, everyHost(project, 'v5'));
  });

  it('6. dockerd on one host restarts mid-rollout: the deploy completes; only that host fails, only while down', async function () {
    const key = `bootContainer@${h2}`;
    holds.hold(key);
    let down = 0;
    let up = 0;
    const { report } = await underLoad(async () => {
      const cli = deployCli('v8');
      await holds.reached(key);
      down = Date.now();
      lab('host-docker.sh', name(h2), 'stop');
      holds.release(key);
      await sleep(3000);
      lab('host-docker.sh', name(h2), 'start');
      up = Date.now();
      const r = await cli.done;
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    });
    const url = `http://${h2}/version`;
    assert.deepEqual(Object.keys(report.failureSpans).filter((u) => u !== url), [], `requests failed on another host: ${report.failureSamples.join('\n')}`);
    // h2 fails from the engine's stop until it answers again after the restart (kamal-proxy and
    // the app come back with the engine), and never again after that.
    const recovered = Math.min(...(report.answeredByUrl[url] ?? []).filter((t) => t >= up));
    assert.ok(Number.isFinite(recovered), `${h2} answered again after its engine restarted`);
    for (const f of report.failureSpans[url] ?? []) {
      assert.ok(f.failedAt >= down && f.sentAt < recovered, `a request to ${h2} failed outside its outage: ${JSON.stringify(f)}, engine stopped ${down}, back ${up}, answering again ${recovered}`);
    }
    await assertSettled(project, everyHost(project, 'v8'));
  });

  it('7. pause after batch 1, then resume: completes', async function () {
    const key = `stopOldContainers@${h1}`;
    holds.hold(key);
    const { report } = await underLoad(async () => {
      const cli = deployCli('v9');
      await holds.reached(key);
      await runCliOk(['deploy', 'pause'], opts());
      holds.release(key);
      await sleep(3000);
      const status = JSON.parse((await runCliOk(['deploy', 'status', '--json'], opts())).stdout) as { paused: boolean; batch: { index: number } };
      assert.equal(status.paused, true);
      assert.equal(status.batch.index, 1, 'no batch started while paused');
      await assertServing({ [h1]: 'v9', [h2]: 'v8', [h3]: 'v8' });
      await runCliOk(['deploy', 'resume'], opts());
      const r = await cli.done;
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    });
    noFailures(report);
    await recordHistory('paused-resumed', handle);
    await assertSettled(project, everyHost(project, 'v9'));
  });

  it('7b. abort after batch 1: every host back on the old version, locks released', async function () {
    const key = `stopOldContainers@${h1}`;
    holds.hold(key);
    const { report } = await underLoad(async () => {
      const cli = deployCli('v10');
      await holds.reached(key);
      const abort = runCli(['deploy', 'abort', '-m', 'fault test'], opts());
      // Batch 1 goes on once the workflow has the abort (however long the CLI takes to send it).
      while (!(await handle.query(statusQuery)).aborting) await sleep(100);
      holds.release(key);
      assert.equal((await abort).code, 6, 'abort exits with the "aborted" code');
      const r = await cli.done;
      assert.equal(r.code, 6, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout + r.stderr, /fault test/);
    });
    noFailures(report);
    await recordHistory('aborted', handle);
    await assertSettled(project, everyHost(project, 'v9'));
  });

  it('7c. Cancel (as the Temporal UI does) after batch 1: hosts roll back, locks released', async function () {
    const key = `stopOldContainers@${h1}`;
    holds.hold(key);
    const { report } = await underLoad(async () => {
      const cli = deployCli('v10c');
      await holds.reached(key);
      await handle.cancel();
      holds.release(key);
      const r = await cli.done;
      assert.equal(r.code, 6, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout + r.stderr, /canceled/);
    });
    noFailures(report);
    await assertSettled(project, everyHost(project, 'v9'));
  });

  it('8. the worker is killed while post-deploy runs: the hook runs again with the same deploy ID; undisturbed, once', async function () {
    const hooks = join(project.dir, '.kamal', 'hooks');
    const log = join(project.home, '..', 'post-deploy.log');
    const hold = join(project.home, '..', 'post-deploy.hold');
    mkdirSync(hooks, { recursive: true });
    writeFileSync(join(hooks, 'post-deploy'), `#!/bin/sh\necho "$KAMAL_VERSION $SEXTANT_DEPLOY_ID" >> ${log}\nwhile [ -e ${hold} ]; do sleep 0.1; done\n`);
    chmodSync(join(hooks, 'post-deploy'), 0o755);
    const runs = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);
    writeFileSync(hold, '');
    const { report } = await underLoad(async () => {
      const cli = deployCli('v11');
      while (runs().length === 0) await sleep(100);
      process.kill((await agentPids(project)).worker, 'SIGKILL');
      cli.child.kill('SIGKILL');
      rmSync(hold); // the orphaned hook process ends
      await runCliOk(['deploy', 'attach'], opts());
    });
    noFailures(report);
    const [first, second, ...more] = runs();
    assert.equal(more.length, 0);
    assert.ok(first?.startsWith('v11 ') && first === second, `ran twice with the same deploy ID: ${runs().join(' | ')}`);
    await runCliOk(['deploy', '--version', 'v12'], opts());
    assert.deepEqual(runs().filter((l) => l.startsWith('v12 ')).length, 1, 'an undisturbed deploy runs it once');
    rmSync(join(hooks, 'post-deploy'));
    await assertSettled(project, everyHost(project, 'v12'));
  });

  it('9. the version rolled back to loses its container on host 2 after the check: that host boots it from its image', async function () {
    const key = `bootContainer@${h2}`;
    holds.hold(key);
    const { report } = await underLoad(async () => {
      const cli = startCli(['rollback', 'v11'], opts());
      await holds.reached(key);
      onHost(labHost(project.lab, h2), `docker rm --force ${project.service}-web-v11`);
      holds.release(key);
      const r = await cli.done;
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    });
    noFailures(report);
    assert.deepEqual(holds.sinceHold(key), [1, 2], 'the rename failed once, and the retry looked and booted');
    await assertSettled(project, everyHost(project, 'v11'));
  });

  async function assertServing(expected: Record<string, string>): Promise<void> {
    for (const [h, v] of Object.entries(expected)) assert.equal((await get(`http://${h}/version`)).body.trim(), v, `${h} serves ${v}`);
  }

  after(async function () {
    if (!project) return;
    await client?.close();
    lab('link.sh', name(h2), 'up');
    lab('host-docker.sh', name(h2), 'start');
    await runCli(['agent', 'stop'], opts());
    for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});
