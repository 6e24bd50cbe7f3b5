// `sextant lock status|acquire|release` against the real lab: a manual lock, a lock Kamal 2
// wrote, and the lock a terminated deploy leaves behind (ORPHANED).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { DeployStatus } from '../../workflows/status';
import { runCli, runCliOk } from '../support/cli';
import { hostSnapshot, labHost, removeService } from '../support/hosts';
import { get } from '../support/http';
import { onHost } from '../support/lab';
import { appConfig, makeProject, type Project } from '../support/project';
import { labClient, testNamespace } from '../support/temporal';

describe('sextant lock (lab hosts)', function () {
  let project: Project;
  const run = (...args: string[]) => runCli(args, { cwd: project.dir, env: project.env });
  const ok = (...args: string[]) => runCliOk(args, { cwd: project.dir, env: project.env });
  const primary = () => labHost(project.lab, project.hosts[0]!);
  const lockHeld = () => onHost(primary(), `test -d .kamal/lock-${project.service} && echo held || echo free`).trim() === 'held';
  const versionsServed = async () => Promise.all(project.hosts.map(async (h) => (await get(`http://${h}/version`)).body.trim()));
  // The app's image is pulled before the lock is taken (as in Kamal 2); nothing else may change.
  const appImage = () => new RegExp(`sextant/${project.service}:`);
  const snapshots = () => project.hosts.map((h) => hostSnapshot(labHost(project.lab, h), project.service).split('\n').filter((l) => !appImage().test(l)).join('\n'));
  /** Rewrites deploy.yml with another boot.wait (a long one holds a rollout between batches). */
  const setBootWait = (wait: number) =>
    writeFileSync(join(project.dir, 'config', 'deploy.yml'), stringify({ ...appConfig(project.lab, project.service, project.hosts), boot: { limit: 1, wait } }));

  /** A deploy refused by the lock: fails, says so with the holder's details, changes nothing. */
  async function assertDeployRefused(holder: RegExp): Promise<void> {
    const before = snapshots();
    const r = await run('deploy', '--version', 'v9');
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, new RegExp(`the deploy lock of ${project.service} on ${project.hosts[0]!.replace(/\./g, '\\.')} is held`));
    assert.match(r.stderr, holder);
    assert.match(r.stderr, /sextant lock release/);
    assert.deepEqual(snapshots(), before);
    assert.ok(lockHeld(), 'the lock stays');
  }

  before(function () {
    project = makeProject({ hosts: 2 });
  });

  it('says unlocked for a fresh service', async function () {
    const r = await ok('lock', 'status');
    assert.match(r.stdout, new RegExp(`${project.service} is unlocked \\(no \\.kamal/lock-${project.service} on ${project.hosts[0]!.replace(/\./g, '\\.')}\\)`));
    const json = JSON.parse((await ok('lock', 'status', '--json')).stdout) as Record<string, unknown>;
    assert.deepEqual(json, { service: project.service, destination: null, host: project.hosts[0], lockDirectory: `.kamal/lock-${project.service}`, locked: false });
  });

  it('a manual lock names who and why, refuses a second lock and a deploy, and release lets the deploy through', async function () {
    const acquired = await ok('lock', 'acquire', '-m', 'migrating the database');
    assert.match(acquired.stdout, /locked .* deploys are refused until `sextant lock release`/);
    const status = await ok('lock', 'status');
    assert.match(status.stdout, /is locked on .* by `sextant lock acquire`:/);
    assert.match(status.stdout, /^ {2}Locked by: \S.* at \d{4}-\d\d-\d\dT[\d:]+Z$/m);
    assert.match(status.stdout, /^ {2}Message: migrating the database$/m);
    const json = JSON.parse((await ok('lock', 'status', '--json')).stdout) as Record<string, unknown>;
    assert.equal(json.holder, 'manual');
    assert.equal(json.message, 'migrating the database');

    const again = await run('lock', 'acquire', '-m', 'me too');
    assert.equal(again.code, 4, again.stderr);
    assert.match(again.stderr, /is already locked on .* by `sextant lock acquire`:\n.*\n.*\n {2}Message: migrating the database/);
    const missing = await run('lock', 'acquire');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /lock acquire needs -m MESSAGE/);

    await assertDeployRefused(/Message: migrating the database/);
    assert.match((await ok('lock', 'release')).stdout, /released the lock of .* held by `sextant lock acquire`/);
    assert.match((await ok('lock', 'release')).stdout, /was not locked .*: nothing to release/);
    await ok('deploy', '--version', 'v1');
    assert.deepEqual(await versionsServed(), ['v1', 'v1']);
    assert.ok(!lockHeld(), 'the deploy released its lock');
    const { client, close } = await labClient(project.lab);
    const memo = (await client.workflow.getHandle(`sextant/${project.service}`).describe().finally(close)).memo as { performer: string };
    assert.equal(json.lockedBy, memo.performer, 'a manual lock names its performer as deploys do');
  });

  it("a lock written by Kamal 2 blocks a deploy, and status shows it as Kamal's", async function () {
    const text = 'Locked by: Kamal User at 2024-05-01T12:00:00Z\nVersion: 1234567\nMessage: Kamal maintenance';
    // Exactly Kamal 2's commands: `mkdir -p .kamal`, `mkdir` the lock, `echo "<Base64.encode64>" > details`.
    const encode64 = Buffer.from(text).toString('base64').match(/.{1,60}/g)!.join('\n') + '\n';
    const dir = `.kamal/lock-${project.service}`;
    onHost(primary(), `mkdir -p .kamal && mkdir ${dir} && echo "${encode64}" > ${dir}/details`);

    await assertDeployRefused(/Locked by: Kamal User at 2024-05-01T12:00:00Z\nVersion: 1234567\nMessage: Kamal maintenance/);
    const status = await ok('lock', 'status');
    assert.match(status.stdout, /is locked on .* by Kamal \(no Sextant deploy ID\):\n {2}Locked by: Kamal User at 2024-05-01T12:00:00Z\n {2}Version: 1234567\n {2}Message: Kamal maintenance/);
    assert.doesNotMatch(status.stdout, /ORPHANED/);
    await ok('lock', 'release');
    assert.ok(!lockHeld());
  });

  it('a terminated deploy leaves its lock ORPHANED; release clears it and the next deploy works', async function () {
    setBootWait(60);
    await ok('deploy', '--version', 'v2', '--detach');
    const { client, close } = await labClient(project.lab);
    try {
      const handle = client.workflow.getHandle(`sextant/${project.service}`);
      // 'booting' comes after the lock; boot.wait then holds the rollout between the two hosts.
      for (let i = 0; (await handle.query<DeployStatus>('status')).phase !== 'booting'; i++) {
        assert.ok(i < 600, 'the deploy reached booting');
        await new Promise((r) => setTimeout(r, 100));
      }
      const running = await ok('lock', 'status');
      assert.match(running.stdout, /is locked on .* by a Sextant deploy:/);
      assert.match(running.stdout, new RegExp(`its deploy is running: workflow sextant/${project.service}  http://127\\.0\\.0\\.1:8233/`));
      const refused = await run('lock', 'acquire', '-m', 'not now');
      assert.equal(refused.code, 4, refused.stderr);
      assert.match(refused.stderr, /already locked on .* by a Sextant deploy:[^]*Version: v2[^]*Deploy ID: /);

      const { runId } = await handle.describe();
      await handle.terminate('lock test: terminated mid-rollout');
      const status = await ok('lock', 'status');
      assert.match(status.stdout, /ORPHANED: the deploy that took it is no longer running \(terminated\)/);
      assert.ok(status.stdout.includes(`${project.lab.temporal.ui}/namespaces/${testNamespace()}/workflows/${encodeURIComponent(`sextant/${project.service}`)}/${runId}`), status.stdout);
      assert.match(status.stdout, /Fix: check the hosts .* then `sextant lock release`/);
      const json = JSON.parse((await ok('lock', 'status', '--json')).stdout) as { orphaned: boolean; holder: string; deploy: { status: string; runId: string } };
      assert.equal(json.orphaned, true);
      assert.equal(json.holder, 'deploy');
      assert.deepEqual([json.deploy.status, json.deploy.runId], ['TERMINATED', runId]);
    } finally {
      await close();
    }
    await assertDeployRefused(/Version: v2/);
    await ok('lock', 'release');
    setBootWait(1);
    await ok('deploy', '--version', 'v3');
    assert.deepEqual(await versionsServed(), ['v3', 'v3']);
    assert.ok(!lockHeld());
  });

  after(async function () {
    if (!project) return;
    await runCli(['agent', 'stop'], { cwd: project.dir, env: project.env });
    for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});
