// Issue 6, team mode: two `sextant worker` processes (no agent), started in empty directories
// with their own SEXTANT_HOME, run a deploy that `sextant deploy --no-worker` enqueued from the
// app's checkout; the CLI serves its own local queue (build, push). One worker is SIGKILLed in
// the middle of a step; the other finishes the same run with no failed request. The workers
// and the CLI use a namespace of their own on the lab's Temporal, so other tests' agents
// (which poll the same queue names in `default`) never take these steps.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { devServerConfig } from '../../worker/temporal-settings';
import { runCliOk, startCli, type CliResult } from '../support/cli';
import { assertSettled, everyHost, Holds } from '../support/faults';
import { labHost, removeService } from '../support/hosts';
import { startLoad } from '../support/http';
import { makeProject, type Project } from '../support/project';
import { activityAttempts, labClient } from '../support/temporal';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TeamWorker {
  identity: string;
  child: ReturnType<typeof startCli>['child'];
  done: Promise<CliResult>;
  output(): string;
}

/** Identities of the ActivityTaskStarted events of a history, with each activity's type. */
function startedBy(history: { events?: unknown[] | null }): { type: string; identity: string }[] {
  const types = new Map<string, string>();
  const out: { type: string; identity: string }[] = [];
  for (const e of (history.events ?? []) as {
    eventId?: unknown;
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string } };
    activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; identity?: string };
  }[]) {
    if (e.activityTaskScheduledEventAttributes) types.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '');
    const started = e.activityTaskStartedEventAttributes;
    if (started) out.push({ type: types.get(String(started.scheduledEventId)) ?? '', identity: started.identity ?? '' });
  }
  return out;
}

describe('team mode: `sextant worker` processes on a shared Temporal', function () {
  let project: Project;
  let holds: Holds;
  let lab: Awaited<ReturnType<typeof labClient>>;
  let handle: WorkflowHandle;
  let h1: string, h2: string;
  const workers: TeamWorker[] = [];
  const namespace = `sextant-team-${randomBytes(3).toString('hex')}`;
  const opts = () => ({ cwd: project.dir, env: project.env });
  const root = () => join(project.home, '..');

  /** A worker as a team runs it: its own machine (home), an empty directory, the shared key. */
  async function startWorker(name: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<TeamWorker> {
    const cwd = join(root(), `${name}-cwd`);
    mkdirSync(cwd);
    const cli = startCli(['worker', ...args], { cwd, env: { ...project.env, SEXTANT_HOME: join(root(), `${name}-home`), SEXTANT_TEST_HOLD_DIR: holds.dir, ...env } });
    let stdout = '';
    let stderr = '';
    cli.child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    cli.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const output = () => `${stdout}${stderr}`;
    let exited = false;
    void cli.done.then(() => (exited = true));
    // Until it polls or exits; a worker that hangs is caught by mocha's timeout.
    while (!/worker (\S+) polling/.test(stdout)) {
      if (exited) throw new Error(`worker ${name} exited before polling:\n${output()}`);
      await sleep(100);
    }
    const worker = { identity: /worker (\S+) polling/.exec(stdout)![1]!, child: cli.child, done: cli.done, output };
    workers.push(worker);
    return worker;
  }

  /** Who started the latest attempt of `key` (the hold interceptor writes "<key> <attempt> <identity>"). */
  const holderOf = (key: string) =>
    readFileSync(join(holds.dir, 'reached'), 'utf8').trim().split('\n').filter((l) => l.startsWith(`${key} `)).pop()!.split(' ')[2]!;

  before(async function () {
    project = makeProject({ hosts: 2, env: { SEXTANT_TEMPORAL_NAMESPACE: namespace, SEXTANT_SECRET_KEY: randomBytes(32).toString('hex') } });
    [h1, h2] = project.hosts as [string, string];
    holds = new Holds(join(root(), 'holds'));
    lab = await labClient(project.lab);
    await lab.client.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    const client = new Client({ connection: lab.client.connection, namespace });
    // A new namespace is usable once the frontend's namespace cache has it.
    for (let i = 0; ; i++) {
      try {
        await client.workflowService.describeNamespace({ namespace });
        break;
      } catch (err) {
        if (i > 100) throw err;
        await sleep(200);
      }
    }
    // Like any team's namespace, it needs the search attributes of temporal-dev.yml (docs/team.md).
    const types = { Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD } as const;
    const searchAttributes = Object.fromEntries(Object.entries(devServerConfig().search_attributes).map(([k, t]) => [k, types[t as keyof typeof types]]));
    await lab.client.connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
    handle = client.workflow.getHandle(`sextant/${project.service}`);
    await startWorker('a', ['--identity', `team-a-${project.service}`]);
    await startWorker('b');
    await runCliOk(['deploy', '--no-worker', '--version', 'v1'], opts());
  });

  it('runs a --no-worker deploy; one worker is SIGKILLed mid-step, the other finishes the same run with no failed request', async function () {
    const key = `bootContainer@${h2}`;
    const load = startLoad(project.hosts.map((h) => `http://${h}/version`));
    await sleep(300);
    let victim: TeamWorker | undefined;
    let version = '';
    let runId = '';
    // The victim must have finished a step of this run before it dies, or its identity cannot
    // be in the history (a retried step records only its last attempt): two workers share ~10
    // steps before batch 2, so a second try is needed about once in a few hundred runs.
    for (const v of ['v2', 'v3', 'v4']) {
      version = v;
      holds.hold(key);
      const cli = startCli(['deploy', '--no-worker', '--version', v], opts());
      await holds.reached(key);
      const holder = holderOf(key);
      runId = (await handle.describe()).runId;
      if (startedBy(await handle.fetchHistory()).some((s) => s.identity === holder)) {
        victim = workers.find((w) => w.identity === holder);
        assert.ok(victim, `${key} is held by one of the team's workers, not ${holder}`);
        victim.child.kill('SIGKILL');
      }
      holds.release(key);
      const r = await cli.done;
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      if (victim) break;
    }
    await sleep(300);
    const report = await load.stop();
    assert.equal(report.failures, 0, report.failureSamples.join('\n'));
    assert.ok(victim, 'one worker was killed while holding a step');
    const survivor = workers.find((w) => w !== victim && w.child.exitCode === null)!;
    assert.equal((await handle.describe()).runId, runId, 'the same workflow run finished the rollout');

    const history = await handle.fetchHistory();
    const boot = activityAttempts(history).find((a) => a.type === 'bootContainer' && a.input[1] === h2);
    assert.ok(boot && boot.attempt > 1, `the interrupted step ran again (attempt ${boot?.attempt})`);
    assert.equal(holderOf(key), survivor.identity, 'the survivor ran the retry');
    const identities = new Set(startedBy(history).map((s) => s.identity));
    for (const w of [victim, survivor]) assert.ok(identities.has(w.identity), `${w.identity} appears in the history: ${[...identities].join(', ')}`);
    const build = startedBy(history).find((s) => s.type === 'buildAndPush');
    assert.ok(build && !workers.some((w) => w.identity === build.identity), `the deploying CLI built from its checkout (${build?.identity})`);
    await assertSettled(project, everyHost(project, version));
  });

  it('SIGTERM to an idle worker stops it by draining, exit 0, saying what happens to running steps', async function () {
    const worker = workers.find((w) => w.child.exitCode === null && w.child.signalCode === null)!;
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    assert.deepEqual(pending, [], 'no step is running: the worker is idle');
    worker.child.kill('SIGTERM');
    const r = await worker.done;
    const out = worker.output();
    // Exit 0 after "worker stopped" means runWorkers returned: every Temporal worker drained
    // (its pollers ended, nothing in flight) and the SSH pool and connection were closed; the
    // forced paths exit otherwise (a second signal: 143; the force time: an error, exit 5).
    assert.deepEqual([r.code, r.signal], [0, null], out);
    const stopping = out.search(/SIGTERM: stopping\. Running steps get \d+ s to finish, then are handed back/);
    assert.ok(stopping >= 0, out);
    assert.ok(out.indexOf('worker stopped', stopping) > stopping, `"worker stopped" after the SIGTERM notice:\n${out}`);
    assert.doesNotMatch(out, /again: stopping now|worker stopped: |Timed out while waiting for worker to shutdown/);
  });

  it('a worker with another SEXTANT_SECRET_KEY fails the step at once, naming the secret and the worker', async function () {
    const worker = await startWorker('c', [], { SEXTANT_SECRET_KEY: randomBytes(32).toString('hex') });
    // The first sealed value a step opens: the registry password when a host must log in to
    // pull, else (the host kept its credentials) the app's secret when the container boots.
    const keys = { 'registry password': `pullImage@${h1}`, APP_SECRET: `bootContainer@${h1}` };
    for (const key of Object.values(keys)) {
      holds.hold(key); // only to count attempts from here on
      holds.release(key);
    }
    const r = await startCli(['deploy', '--no-worker', '--version', 'v9'], opts()).done;
    worker.child.kill('SIGTERM');
    assert.notEqual(r.code, 0);
    const secret = /cannot open the sealed secret (registry password|APP_SECRET)/.exec(r.stdout + r.stderr)?.[1] as keyof typeof keys | undefined;
    assert.ok(secret, r.stdout + r.stderr);
    assert.ok((r.stdout + r.stderr).includes(worker.identity), 'the message names the worker');
    assert.deepEqual(holds.sinceHold(keys[secret]), [1], 'not retried');
    assert.equal((await worker.done).code, 0);
  });

  after(async function () {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await lab?.close();
    if (project) for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});
