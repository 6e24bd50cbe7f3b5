// What a service's operations leave behind. On the hosts, audit lines (Kamal's
// `.kamal/<service>-audit.log`): deploys, a failed deploy rolled back, a rollback and a manual
// lock each leave their lines exactly once, re-running the recorded audit steps adds none, and
// `sextant audit` shows them per host. In Temporal, `sextant history` lists them and
// `sextant show` gives one's steps per host, with the failing step's output.
import { MockActivityEnvironment } from '@temporalio/testing';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createHostActivities } from '../../activities/host';
import { performer } from '../../plan/build';
import { loadSealKey } from '../../plan/seal';
import { SshPool } from '../../ssh/pool';
import { runCli, runCliOk } from '../support/cli';
import { recordHistory } from '../support/histories';
import { editConfig } from '../support/faults';
import { labHost, removeService } from '../support/hosts';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { labClient, scheduledActivities } from '../support/temporal';

describe('audit log and history (lab hosts)', function () {
  let project: Project;
  const ok = (...args: string[]) => runCliOk(args, { cwd: project.dir, env: project.env });
  const log = (address: string) => onHost(labHost(project.lab, address), `cat .kamal/${project.service}-audit.log`);
  /** The log's lines without their timestamps, which must be Kamal's (UTC, whole seconds). */
  const entries = (address: string) =>
    log(address)
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        assert.match(l, /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\] /);
        return l.replace(/^\[[^\]]+\] /, '');
      });

  before(function () {
    project = makeProject({ hosts: 2 });
  });

  it('deploys, a failed deploy, a rollback and a manual lock each write their lines once', async function () {
    const [h1, h2] = project.hosts as [string, string];
    await ok('deploy', '--version', 'v1');
    await ok('deploy', '--version', 'v2');
    editConfig(project, (c) => ((c.env as { clear: Record<string, string> }).clear.BROKEN_ON = h2));
    const failed = await runCli(['deploy', '--version', 'v3'], { cwd: project.dir, env: project.env });
    assert.notEqual(failed.code, 0, failed.stdout);
    // Audit lines, app-boot hooks (patched) and a rollback of a switched host, for the replay test.
    const { client, close } = await labClient(project.lab);
    await recordHistory('deploy-failed-audited', client.workflow.getHandle(`sextant/${project.service}`)).finally(close);
    editConfig(project, (c) => delete (c.env as { clear: Record<string, string> }).clear.BROKEN_ON);
    await ok('rollback', 'v1');
    await ok('lock', 'acquire', '-m', 'disk check');
    await ok('lock', 'release');

    const who = `[${performer(project.dir)}] [web]`;
    const reason = new RegExp(`^\\[${performer(project.dir).replace(/[.@]/g, '\\$&')}\\] \\[web\\] Failed to deploy app version v3: ${project.service}-web-v3 on ${h2.replace(/\./g, '\\.')} did not pass the health check`);
    const deployed = [`${who} Booted app version v1`, `${who} Deployed app version v1`, `${who} Booted app version v2`, `${who} Deployed app version v2`, `${who} Booted app version v3`];
    const rolledBack = [`${who} Booted app version v1`, `${who} Rolled back app to version v1`];
    const primary = entries(h1);
    const second = entries(h2);
    // Host 1 had switched to v3 when host 2 failed: it was put back on v2.
    assert.deepEqual(primary.filter((l) => !l.includes('Failed to deploy')), [
      ...deployed,
      `${who} Rolled back app from version v3 to version v2`,
      ...rolledBack,
      `[${performer(project.dir)}] Acquired the deploy lock: disk check`,
      `[${performer(project.dir)}] Released the deploy lock (held by \`sextant lock acquire\`)`,
    ]);
    assert.deepEqual(second.filter((l) => !l.includes('Failed to deploy')), [...deployed, ...rolledBack]);
    for (const lines of [primary, second]) {
      const failures = lines.filter((l) => l.includes('Failed to deploy'));
      assert.equal(failures.length, 1, `one failure line: ${failures.join('\n')}`);
      assert.equal(lines.indexOf(failures[0]!), 5, 'the failure comes right after v3 booted');
    }
    // The reason is the failure's first line, and the same on both hosts.
    assert.match(second[5]!, reason);
    assert.equal(primary[5], second[5]);
  });

  it('re-running the recorded audit steps of a rollback adds nothing', async function () {
    const { client, close } = await labClient(project.lab);
    const pool = new SshPool({ knownHostsFile: join(project.home, 'known_hosts') });
    try {
      const steps = scheduledActivities(await client.workflow.getHandle(`sextant/${project.service}`).fetchHistory()).filter((s) => s.type === 'recordAudit');
      assert.equal(steps.length, 4, 'booted and rolled back, on each of the two hosts');
      const before = project.hosts.map(log);
      const activities = createHostActivities({ pool, sealKey: () => loadSealKey(project.home) });
      const env = new MockActivityEnvironment();
      for (const step of steps) await env.run(activities.recordAudit, ...(step.input as Parameters<typeof activities.recordAudit>));
      assert.deepEqual(project.hosts.map(log), before);
    } finally {
      await pool.close();
      await close();
    }
  });

  it('`sextant audit` shows each host its last lines, prefixed; --json; -h', async function () {
    const [h1, h2] = project.hosts as [string, string];
    const r = await ok('audit');
    const lines = r.stdout.split('\n').filter(Boolean);
    const expected = project.hosts.flatMap((h) => log(h).split('\n').filter(Boolean).slice(-50).map((l) => `${h}  ${l}`));
    assert.deepEqual(lines, expected);
    const json = (await ok('audit', '--json')).stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; host: string; line: string });
    assert.deepEqual(json.map((e) => [e.event, e.host, e.line]), project.hosts.flatMap((h) => log(h).split('\n').filter(Boolean).map((l) => ['line', h, l])));
    const one = await ok('audit', '-h', h2);
    assert.ok(one.stdout.split('\n').filter(Boolean).every((l) => l.startsWith(`${h2}  `)), one.stdout);
    assert.ok(!one.stdout.includes(h1));
    // Kamal shows the last 50 lines only.
    onHost(labHost(project.lab, h2), `for i in $(seq 1 60); do echo "[2024-01-01T00:00:00Z] [someone] filler $i" >> .kamal/${project.service}-audit.log; done`);
    const tail = (await ok('audit', '-h', h2)).stdout.split('\n').filter(Boolean);
    assert.equal(tail.length, 50);
    assert.equal(tail[49], `${h2}  [2024-01-01T00:00:00Z] [someone] filler 60`);
  });

  it('`sextant history` lists the operations newest first, with who, version, result and link', async function () {
    interface Op { kind: string; version: string; performer: string; result: string; seconds: number; id: string; url: string; start: string }
    const r = await ok('history', '--json');
    const [result] = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; data: { operations: Op[] } });
    const ops = result!.data.operations;
    assert.deepEqual(ops.map((o) => [o.kind, o.version, o.result]), [
      ['rollback', 'v1', 'completed'],
      ['deploy', 'v3', 'failed'],
      ['deploy', 'v2', 'completed'],
      ['deploy', 'v1', 'completed'],
    ]);
    for (const o of ops) {
      assert.equal(o.performer, performer(project.dir));
      assert.ok(o.seconds > 0, `a duration: ${o.seconds}`);
      assert.match(o.url, new RegExp(`^http://127\\.0\\.0\\.1:8233/namespaces/[^/]+/workflows/sextant%2F${project.service}/`));
      assert.match(o.id, /^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
    }
    assert.deepEqual([...ops].sort((a, b) => b.start.localeCompare(a.start)), ops);
    const text = (await ok('history', '-n', '2')).stdout.split('\n').filter(Boolean);
    assert.equal(text.length, 2, text.join('\n'));
    assert.match(text[0]!, new RegExp(`rollback v1 by ${performer(project.dir)}: completed, \\d+\\.\\ds  id ${ops[0]!.id}  http://`));
    assert.match(text[1]!, /deploy v3 by .*: failed/);
    const bad = await runCli(['history', '-n', 'x'], { cwd: project.dir, env: project.env });
    assert.equal(bad.code, 2);
  });

  it("`sextant show` gives each host's steps, and a failed deploy's failing step with its output", async function () {
    const [h1, h2] = project.hosts as [string, string];
    const latest = (await ok('show')).stdout;
    assert.match(latest, /^rollback of .* v1 by .*: completed/);
    for (const h of [h1, h2]) assert.match(latest, new RegExp(`^${h.replace(/\./g, '\\.')}  ✓ \\d\\d:\\d\\d:\\d\\d boot web \\d+\\.\\ds`, 'm'));

    const ops = (JSON.parse((await ok('history', '--json')).stdout.trim()) as { data: { operations: { id: string; version: string }[] } }).data.operations;
    const failedId = ops.find((o) => o.version === 'v3')!.id;
    const failed = (await ok('show', failedId)).stdout;
    assert.match(failed, /^deploy of .* v3 by .*: failed/);
    assert.match(failed, new RegExp(`^${h2.replace(/\./g, '\\.')}  ✗ \\d\\d:\\d\\d:\\d\\d switch proxy web \\d+\\.\\ds  .*did not pass the health check`, 'm'));
    assert.match(failed, /app v3: broken on purpose/, "the failing container's log lines");
    assert.match(failed, new RegExp(`^${h1.replace(/\./g, '\\.')}  ✓ \\d\\d:\\d\\d:\\d\\d roll back web`, 'm'));
    const json = JSON.parse((await ok('show', failedId, '--json')).stdout.trim()) as { data: { steps: { host: string; type: string; state: string; output?: string }[]; failure: string } };
    const failing = json.data.steps.filter((s) => s.state === 'failed');
    assert.deepEqual(failing.map((s) => [s.host, s.type]), [[h2, 'switchProxy']]);
    assert.match(failing[0]!.output!, /broken on purpose/);
    assert.match(json.data.failure, /did not pass the health check/);

    const missing = await runCli(['show', 'nope'], { cwd: project.dir, env: project.env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no operation of .* has the ID nope\. Fix: pick one from `sextant history`/);
  });

  after(async function () {
    if (!project) return;
    await runCli(['agent', 'stop'], { cwd: project.dir, env: project.env });
    for (const address of project.hosts) {
      removeService(labHost(project.lab, address), project.service);
      onHost(labHost(project.lab, address), `rm -f .kamal/${project.service}-audit.log`);
    }
  });
});
