// `sextant proxy ...` against the lab: two services behind one kamal-proxy per host, routed by
// host name; a rolling reboot takes one host out at a time (with its hooks, holding the service's
// workflow ID so a deploy is refused meanwhile); stop/start/remove/boot limited by -h.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createOperationActivities } from '../../activities/operations';
import { loadSealKey } from '../../plan/seal';
import type { Plan } from '../../plan/types';
import { SshPool } from '../../ssh/pool';
import { runCli, runCliOk, startCli } from '../support/cli';
import { editConfig } from '../support/faults';
import { labHost, proxyRoutes, removeService } from '../support/hosts';
import { get, startLoad } from '../support/http';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { labClient, scheduledActivities } from '../support/temporal';

const A_HOST = 'a.lab.test';
const B_HOST = 'b.lab.test';
// Hooks run in the checkout; ../gate is beside it, outside git (so the version stays clean).
const PRE_HOOK = '#!/bin/sh\necho "pre $KAMAL_HOSTS" >> ../gate/hooks.log\nwhile [ -e ../gate/hold ]; do sleep 0.2; done\n';
const POST_HOOK = `#!/bin/sh\necho "post $KAMAL_HOSTS $(curl -s -m 5 -H 'Host: ${A_HOST}' "http://$KAMAL_HOSTS/version")" >> ../gate/hooks.log\n`;

describe('proxy commands', function () {
  let a: Project;
  let b: Project;
  const opts = (p: Project) => ({ cwd: p.dir, env: p.env });
  const version = (h: string, name: string) => get(`http://${h}/version`, 3000, { Host: name }).then((r) => (r.status === 200 ? r.body.trim() : `HTTP ${r.status}`), (e: Error) => e.message);
  const proxyId = (h: string) => onHost(labHost(a.lab, h), "docker ps -aq --no-trunc --filter name=^kamal-proxy$").trim();
  const gate = () => join(a.dir, '..', 'gate');

  before(async function () {
    // Both agents serve the shared host queue, so they share one sealing key (as a team's workers do).
    const env = { SEXTANT_SECRET_KEY: randomBytes(32).toString('hex') };
    a = makeProject({ hosts: 3, env, hooks: { 'pre-proxy-reboot': PRE_HOOK, 'post-proxy-reboot': POST_HOOK } });
    b = makeProject({ hosts: 3, env });
    for (const [p, name] of [[a, A_HOST], [b, B_HOST]] as const) editConfig(p, (c) => ((c.proxy as Record<string, unknown>).host = name));
    mkdirSync(gate(), { recursive: true });
    await runCliOk(['deploy', '--version', 'v1'], opts(a));
    await runCliOk(['deploy', '--version', 'v7'], opts(b));
  });

  it('routes two services on the same hosts by host name through one kamal-proxy', async function () {
    for (const h of a.hosts) {
      assert.equal(await version(h, A_HOST), 'v1');
      assert.equal(await version(h, B_HOST), 'v7');
      const routes = proxyRoutes(labHost(a.lab, h));
      assert.match(routes, new RegExp(`^${a.service}-web\\s+${A_HOST}\\s`, 'm'));
      assert.match(routes, new RegExp(`^${b.service}-web\\s+${B_HOST}\\s`, 'm'));
      assert.equal(onHost(labHost(a.lab, h), "docker ps -q --filter name=^kamal-proxy$").trim().split('\n').length, 1, 'one proxy per host');
    }
  });

  it('proxy reboot --rolling: one host at a time, each answering again before the next; deploy is refused meanwhile', async function () {
    const before = Object.fromEntries(a.hosts.map((h) => [h, proxyId(h)]));
    writeFileSync(join(gate(), 'hold'), '');
    const load = startLoad(a.hosts.map((h) => `http://${h}/version`), 300, { Host: A_HOST });
    const reboot = startCli(['proxy', 'reboot', '--rolling', '-y'], opts(a));
    try {
      const log = join(gate(), 'hooks.log');
      for (let i = 0; !(existsSync(log) && readFileSync(log, 'utf8').includes('pre ')); i++) {
        assert.ok(i < 600, 'the pre-proxy-reboot hook ran');
        await new Promise((r) => setTimeout(r, 100));
      }
      const refused = await runCli(['deploy', '--version', 'v2'], opts(a));
      assert.equal(refused.code, 4, refused.stdout + refused.stderr);
      assert.match(refused.stderr, /another proxy reboot of .* is running/);
      const other = await runCli(['app', 'stop'], opts(a));
      assert.equal(other.code, 4, other.stdout + other.stderr);
    } finally {
      rmSync(join(gate(), 'hold'), { force: true });
    }
    const done = await reboot.done;
    const report = await load.stop();
    assert.equal(done.code, 0, done.stdout + done.stderr);
    // Hooks around each host, in order, and each host answered before the next one's reboot began.
    assert.deepEqual(readFileSync(join(gate(), 'hooks.log'), 'utf8').trim().split('\n'), a.hosts.flatMap((h) => [`pre ${h}`, `post ${h} v1`]));
    const windows = a.hosts.map((h) => (report.failureSpans[`http://${h}/version`] ?? []).map((f) => f.failedAt)).map((t) => (t.length ? [Math.min(...t), Math.max(...t)] : null));
    assert.ok(windows.filter(Boolean).length >= 2, `the load saw the hosts go down during their reboots: ${JSON.stringify(windows)}`);
    for (let i = 0; i < windows.length; i++) {
      for (let j = i + 1; j < windows.length; j++) {
        if (windows[i] && windows[j]) assert.ok(windows[i]![1] < windows[j]![0], `${a.hosts[i]} failed to answer until after ${a.hosts[j]} began failing: ${JSON.stringify(windows)}`);
      }
    }
    for (const h of a.hosts) {
      assert.notEqual(proxyId(h), before[h], `${h} got a new kamal-proxy container`);
      assert.equal(await version(h, A_HOST), 'v1');
      assert.equal(await version(h, B_HOST), 'v7', 'the other service is routed again too');
    }
    assert.match(onHost(labHost(a.lab, a.hosts[0]!), `cat .kamal/${a.service}-audit.log`), /Rebooted proxy/);

    // A retried reboot step (same operation ID) finds its own proxy container and leaves it be.
    const { client, close } = await labClient(a.lab);
    const pool = new SshPool({ knownHostsFile: join(a.home, 'known_hosts') });
    try {
      const steps = scheduledActivities(await client.workflow.getHandle(`sextant/${a.service}`).fetchHistory()).filter((s) => s.type === 'rebootProxy');
      assert.deepEqual(steps.map((s) => s.input[1]), a.hosts);
      const ids = a.hosts.map(proxyId);
      const activities = createOperationActivities({ pool, sealKey: () => loadSealKey(a.home, a.env) });
      await new MockActivityEnvironment().run(activities.rebootProxy, ...(steps[0]!.input as [Plan, string]));
      assert.deepEqual(a.hosts.map(proxyId), ids);
    } finally {
      await pool.close();
      await close();
    }
  });

  it('proxy stop/start -h act on that host only; details and logs read it', async function () {
    const [h1, , h3] = a.hosts as [string, string, string];
    await runCliOk(['proxy', 'stop', '-h', h3], opts(a));
    assert.match(await version(h3, A_HOST), /ECONNREFUSED|timeout/);
    assert.equal(await version(h1, A_HOST), 'v1');
    assert.match((await runCliOk(['proxy', 'details', '-h', h3], opts(a))).stdout, /kamal-proxy.*Exited/);
    await runCliOk(['proxy', 'start', '-h', h3], opts(a));
    assert.equal(await version(h3, A_HOST), 'v1');
    assert.match((await runCliOk(['proxy', 'details', '-h', h3], opts(a))).stdout, /kamal-proxy.*Up/);
    assert.match((await runCliOk(['proxy', 'logs', '-h', h3, '-n', '5'], opts(a))).stdout, new RegExp(`^${h3.replace(/\./g, '\\.')}\\s+\\S`, 'm'));
  });

  it('a deploy starts a stopped kamal-proxy, and only there (the look beside the lock finds the others running on the network)', async function () {
    const h2 = b.hosts[1]!;
    onHost(labHost(b.lab, h2), 'docker stop kamal-proxy >/dev/null');
    // The same version again (Kamal renames the running container and boots a new one), as the tests below expect v7.
    await runCliOk(['deploy', '--version', 'v7'], opts(b));
    for (const h of b.hosts) assert.equal(await version(h, B_HOST), 'v7');
    assert.equal(await version(h2, A_HOST), 'v1', "the other service's route came back with the proxy");
    const { client, close } = await labClient(b.lab);
    try {
      const steps = scheduledActivities(await client.workflow.getHandle(`sextant/${b.service}`).fetchHistory());
      assert.deepEqual(steps.filter((s) => s.type === 'proxyRunning').map((s) => s.input[1]).sort(), [...b.hosts].sort());
      assert.deepEqual(steps.filter((s) => s.type === 'ensureProxy').map((s) => s.input[1]), [h2]);
    } finally {
      await close();
    }
  });

  it('proxy remove -y -h removes the proxy there; proxy boot brings it back with its routes', async function () {
    const h3 = a.hosts[2]!;
    const host = labHost(a.lab, h3);
    await runCliOk(['proxy', 'remove', '-y', '-h', h3], opts(a));
    assert.equal(proxyId(h3), '');
    assert.equal(onHost(host, 'test -e .kamal/proxy && echo there || echo gone').trim(), 'gone');
    assert.equal(await version(a.hosts[0]!, A_HOST), 'v1', 'other hosts keep serving');
    await runCliOk(['proxy', 'boot', '-h', h3], opts(a));
    for (let i = 0; (await version(h3, A_HOST)) !== 'v1'; i++) {
      assert.ok(i < 50, `${h3} serves again after proxy boot`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await version(h3, B_HOST), 'v7');
  });

  it('details shows the proxy and the containers; remove -y takes one service off, leaving the other and its proxy', async function () {
    const details = await runCliOk(['details', '-h', a.hosts[0]!], opts(b));
    assert.match(details.stdout, /kamal-proxy/);
    assert.match(details.stdout, new RegExp(`${b.service}-web-v7`));
    await runCliOk(['remove', '-y'], opts(b));
    for (const h of b.hosts) {
      const host = labHost(b.lab, h);
      assert.equal(onHost(host, `docker ps -aq --filter label=service=${b.service}`).trim(), '', `${h}: no container of ${b.service}`);
      assert.equal(onHost(host, `docker image ls -q ${b.lab.registry.server}/sextant/${b.service}`).trim(), '', `${h}: no image of ${b.service}`);
      assert.ok(!proxyRoutes(host).includes(`${b.service}-web`), `${h}: no route of ${b.service}`);
      assert.equal(onHost(host, `ls -d .kamal/*${b.service}* .kamal/apps/*${b.service}* 2>/dev/null || true`).trim(), '', `${h}: no .kamal file of ${b.service}`);
      assert.equal(await version(h, A_HOST), 'v1', `${h} still serves the other service through its proxy`);
    }
  });

  after(async function () {
    for (const p of [a, b]) {
      if (!p) continue;
      await runCli(['agent', 'stop'], opts(p));
      for (const address of p.hosts) removeService(labHost(p.lab, address), p.service);
    }
  });
});
