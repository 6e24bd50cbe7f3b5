// Issue 2's walking skeleton against the real lab: deploy, zero-downtime switch under load,
// rollback, secrets, idempotent host steps, one deploy at a time, host key checking.
import { MockActivityEnvironment } from '@temporalio/testing';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHostActivities } from '../../activities/host';
import { loadSealKey } from '../../plan/seal';
import { SshPool } from '../../ssh/pool';
import { runCli, runCliOk, startCli } from '../support/cli';
import { Holds } from '../support/faults';
import { recordHistory } from '../support/histories';
import { hostSnapshot, labHost, proxyRoutes, removeService, runningContainers } from '../support/hosts';
import { get, startLoad } from '../support/http';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { labClient, scheduledActivities, testNamespace } from '../support/temporal';

const SENTINEL = `sentinel-${Math.random().toString(36).slice(2)}-secret`;

describe('deploy to lab hosts (walking skeleton)', function () {
  let project: Project;
  const outputs: string[] = [];
  const cli = async (...args: string[]) => {
    const r = await runCliOk(args, { cwd: project.dir, env: project.env });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const versionsServed = async () => Promise.all(project.hosts.map(async (h) => (await get(`http://${h}/version`)).body.trim()));

  before(function () {
    project = makeProject({ hosts: 2, secrets: { APP_SECRET: SENTINEL } });
  });

  it('deploys v1: served through kamal-proxy on port 80, Kamal 2 names, labels and env files', async function () {
    const r = await cli('deploy', '--version', 'v1');
    assert.match(r.stdout, /Deployed/);
    const { client, close } = await labClient(project.lab);
    await recordHistory('deploy', client.workflow.getHandle(`sextant/${project.service}`)).finally(close);
    assert.ok(r.stdout.includes(`${project.lab.temporal.ui}/namespaces/${testNamespace()}/workflows/`), r.stdout);
    assert.deepEqual(await versionsServed(), ['v1', 'v1']);
    for (const address of project.hosts) {
      const host = labHost(project.lab, address);
      const [c, ...others] = runningContainers(host, project.service);
      assert.equal(others.length, 0);
      assert.equal(c!.name, `${project.service}-web-v1`);
      assert.equal(c!.labels.service, project.service);
      assert.equal(c!.labels.role, 'web');
      assert.equal(c!.labels.destination, '');
      assert.equal(onHost(host, `docker port ${c!.name}`).trim(), '', 'the app container publishes no port');
      assert.match(proxyRoutes(host), new RegExp(`^${project.service}-web\\s+\\*\\s+/\\s+${project.service}-web-v1:3000\\s+running`, 'm'));
      const envFile = `.kamal/apps/${project.service}/env/roles/web.env`;
      assert.equal(onHost(host, `stat -c %a ${envFile}`).trim(), '600');
      const env = onHost(host, `docker exec ${c!.name} env`);
      assert.match(env, new RegExp(`^APP_SECRET=${SENTINEL}$`, 'm'));
      assert.match(env, /^APP_MODE=lab$/m);
    }
  });

  it('deploys v2 under load with zero failed requests', async function () {
    const load = startLoad(project.hosts.map((h) => `http://${h}/version`));
    await new Promise((r) => setTimeout(r, 500));
    await cli('deploy', '--version', 'v2');
    await new Promise((r) => setTimeout(r, 500));
    const report = await load.stop();
    assert.equal(report.failures, 0, report.failureSamples.join('\n'));
    assert.ok(report.bodies.v1 && report.bodies.v2, `the load overlapped the switch: ${JSON.stringify(report.bodies)}`);
    assert.deepEqual(await versionsServed(), ['v2', 'v2']);
  });

  it('rolls back to v1 under load with zero failed requests', async function () {
    const load = startLoad(project.hosts.map((h) => `http://${h}/version`));
    await new Promise((r) => setTimeout(r, 500));
    const r = await cli('rollback', 'v1');
    const report = await load.stop();
    assert.equal(report.failures, 0, report.failureSamples.join('\n'));
    assert.deepEqual(await versionsServed(), ['v1', 'v1']);
    const { client, close } = await labClient(project.lab);
    try {
      const handle = client.workflow.getHandle(`sextant/${project.service}`);
      await recordHistory('rollback', handle);
      assert.match(r.stdout, /Rolled back/);
    } finally {
      await close();
    }
  });

  it('keeps the secret out of histories, output, container args and host process lists', async function () {
    const { client, close } = await labClient(project.lab);
    try {
      for await (const w of client.workflow.list({ query: `WorkflowId = "sextant/${project.service}"` })) {
        const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
        assert.ok(!historyToJSON(history).includes(SENTINEL), `history of ${w.runId} holds the secret`);
      }
    } finally {
      await close();
    }
    assert.ok(!outputs.join('\n').includes(SENTINEL), 'CLI output holds the secret');
    for (const address of project.hosts) {
      const host = labHost(project.lab, address);
      const name = `${project.service}-web-v1`;
      const args = onHost(host, `docker inspect -f '{{json .Path}} {{json .Args}} {{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Config.Labels}} {{json .HostConfig}}' ${name}`);
      assert.ok(!args.includes(SENTINEL), 'docker inspect args hold the secret');
      assert.ok(!onHost(host, 'ps -eo args ww').includes(SENTINEL), 'a host process list holds the secret');
    }
  });

  it('records per-host activities in history, and re-running each changes nothing', async function () {
    const { client, close } = await labClient(project.lab);
    const pool = new SshPool({ knownHostsFile: join(project.home, 'known_hosts') });
    try {
      const handle = client.workflow.getHandle(`sextant/${project.service}`);
      const steps = scheduledActivities(await handle.fetchHistory());
      // The latest run is the rollback to v1: it looks for v1's containers where a deploy pulls.
      for (const type of ['rollbackTargetMissing', 'bootContainer', 'switchProxy', 'stopOldContainers']) {
        const hostsOfType = steps.filter((s) => s.type === type).map((s) => s.input[1]);
        assert.deepEqual([...new Set(hostsOfType)].sort(), [...project.hosts].sort(), `${type} ran once per host`);
      }
      const activities = createHostActivities({ pool, sealKey: () => loadSealKey(project.home) });
      const env = new MockActivityEnvironment();
      for (const step of steps.filter((s) => typeof s.input[1] === 'string' && project.hosts.includes(s.input[1] as string))) {
        if (step.type === 'revertHost' || step.type === 'discardContainer') continue;
        const host = labHost(project.lab, step.input[1] as string);
        const before = hostSnapshot(host, project.service);
        const fn = activities[step.type as keyof typeof activities] as (...a: unknown[]) => Promise<unknown>;
        await env.run(fn, ...step.input);
        assert.equal(hostSnapshot(host, project.service), before, `${step.type} on ${host.name} changed the host when run again`);
      }
    } finally {
      await pool.close();
      await close();
    }
  });

  it('refuses a deploy of another version while one runs, and attaches to the same version', async function () {
    // v3 stays running (held before its first host stops the old container) until both
    // checks are done, however fast the deploy and however slow the CLIs.
    const holds = new Holds(join(project.home, '..', 'holds'));
    project.env.SEXTANT_TEST_HOLD_DIR = holds.dir;
    await runCliOk(['agent', 'stop'], { cwd: project.dir, env: project.env }); // the next command starts it with the holds
    const key = `stopOldContainers@${project.hosts[0]}`;
    holds.hold(key);
    try {
      const first = startCli(['deploy', '--version', 'v3'], { cwd: project.dir, env: project.env });
      await holds.reached(key);
      const other = await runCli(['deploy', '--version', 'v4'], { cwd: project.dir, env: project.env });
      assert.equal(other.code, 4, other.stderr);
      assert.match(other.stderr, /another deploy of .* is running: version v3/);
      assert.match(other.stderr, new RegExp(`sextant/${project.service}`));
      const same = startCli(['deploy', '--version', 'v3'], { cwd: project.dir, env: project.env });
      let said = '';
      same.child.stdout!.on('data', (c: Buffer | string) => (said += String(c)));
      while (!said.includes('attaching to the running deploy of v3')) await new Promise((r) => setTimeout(r, 100));
      holds.release(key);
      assert.equal((await same.done).code, 0);
      assert.equal((await first.done).code, 0);
      assert.deepEqual(await versionsServed(), ['v3', 'v3']);
    } finally {
      holds.release(key);
    }
  });

  it('refuses a host whose SSH host key changed, changing nothing on it', async function () {
    const knownHosts = join(project.home, 'known_hosts');
    const original = readFileSync(knownHosts, 'utf8');
    const target = project.hosts[0]!;
    const host = labHost(project.lab, target);
    const before = hostSnapshot(host, project.service);
    // Pooled connections of the running agent were checked already: start from a fresh worker.
    await runCliOk(['agent', 'stop'], { cwd: project.dir, env: project.env });
    // Another valid key for the same host: as if the server were replaced or impersonated.
    const keyFile = join(project.home, 'other-host-key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    const other = readFileSync(`${keyFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
    assert.ok(original.split('\n').some((l) => l.startsWith(`${target} `)), `known_hosts has ${target}`);
    writeFileSync(knownHosts, original.split('\n').map((l) => (l.startsWith(`${target} `) ? `${target} ${other}` : l)).join('\n'));
    try {
      const r = await runCli(['deploy', '--version', 'v5'], { cwd: project.dir, env: project.env });
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`host key changed for ${target.replace(/\./g, '\\.')}`, 'i'));
      assert.match(r.stderr, /ssh-keygen -R/);
      assert.equal(hostSnapshot(host, project.service), before);
    } finally {
      writeFileSync(knownHosts, original);
    }
  });

  after(async function () {
    if (!project) return;
    await runCli(['agent', 'stop'], { cwd: project.dir, env: project.env });
    for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});
