// `sextant upgrade` against hosts left as Kamal 1.x and 0.16 leave them (test/support/kamal1.ts):
// Traefik in front, containers on the default bridge. Under load, each host stops answering only
// between the start of its switch and kamal-proxy answering with its routes; afterwards nothing
// of Traefik is left, the app runs in a Sextant container on the kamal network, and deploys work.
// A host whose app kamal-proxy cannot health-check keeps Traefik, untouched.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { serviceWorkflowId } from '../../workflows/batches';
import type { OperationResult } from '../../workflows/operation';
import type { ProxyUpgrade } from '../../activities/upgrade';
import { runCli, runCliOk } from '../support/cli';
import { editConfig } from '../support/faults';
import { containers, labHost, proxyRoutes, removeService, runningContainers } from '../support/hosts';
import { get, startLoad } from '../support/http';
import { makeKamalHost, waitForTraefik } from '../support/kamal1';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { labClient } from '../support/temporal';

describe('upgrade from Kamal 1.x / 0.16', function () {
  let project: Project;
  const opts = () => ({ cwd: project.dir, env: project.env });
  const host = (h: string) => labHost(project.lab, h);
  const version = (h: string) => get(`http://${h}/version`, 3000).then((r) => (r.status === 200 ? r.body.trim() : `HTTP ${r.status}`), (e: Error) => e.message);
  const traefikOn = (h: string) => onHost(host(h), "docker ps -a --filter name=^traefik$ --format '{{.State}}'; docker images -q --filter label=org.opencontainers.image.title=Traefik").trim();
  // Kamal's copy of the secret differs from the project's, to tell which env file a container read.
  const secrets = { APP_SECRET: 'kamal-one-secret' };

  const upgradeResult = async (): Promise<Record<string, ProxyUpgrade>> => {
    const { client, close } = await labClient(project.lab);
    try {
      const result = (await client.workflow.getHandle(serviceWorkflowId(project.service, null)).result()) as OperationResult;
      return Object.fromEntries(result.results.filter((r) => r.step === 'upgradeProxy').map((r) => [r.host, r.value as ProxyUpgrade]));
    } finally {
      await close();
    }
  };

  before(async function () {
    // Hooks run in the checkout; ../hooks.log is beside it, outside git (the version stays clean).
    const hook = (word: string) => `#!/bin/sh\necho "${word} $KAMAL_HOSTS" >> ../hooks.log\n`;
    project = makeProject({ hosts: 3, hooks: { 'pre-proxy-reboot': hook('pre'), 'post-proxy-reboot': hook('post') } });
    const [h1] = project.hosts;
    const [, h2] = project.hosts;
    const cache = { image: project.lab.baseImage, cmd: "sh -c 'trap exit TERM; while :; do sleep 1; done'" };
    editConfig(project, (c) => {
      c.servers = { web: { hosts: project.hosts }, job: { hosts: [h1] } };
      c.accessories = { cache: { ...cache, host: h2 } };
    });
    await runCliOk(['build', 'push', '--version', 'k1'], opts());
    const image = `${project.lab.registry.server}/sextant/${project.service}:k1`;
    project.hosts.forEach((h, i) =>
      makeKamalHost(project.lab, host(h), {
        service: project.service,
        image,
        version: 'k1',
        roles: i === 0 ? [{ name: 'web', traefik: true }, { name: 'job', traefik: false }] : [{ name: 'web', traefik: true }],
        secrets,
        kamal: i === 2 ? '0.16' : '1.x',
        accessories: i === 1 ? [{ name: 'cache', ...cache }] : [],
      }),
    );
    for (const h of project.hosts) await waitForTraefik(`http://${h}/version`, 'k1', (u) => get(u, 3000));
  });

  after(function () {
    for (const h of project.hosts) {
      removeService(host(h), project.service);
      // A failed run may leave Traefik on port 80, which the next test file's kamal-proxy needs.
      onHost(host(h), `docker rm -f traefik kamal-proxy-upgrade ${project.service}-cache >/dev/null 2>&1; true`);
    }
  });

  it('a host whose app kamal-proxy cannot health-check keeps Traefik, and nothing is switched', async function () {
    const [h1] = project.hosts;
    editConfig(project, (c) => {
      (c.proxy as { healthcheck: Record<string, unknown> }).healthcheck.path = '/missing';
      c.deploy_timeout = 3;
    });
    try {
      const r = await runCli(['upgrade', '-y', '-h', h1!], opts());
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, /could not route web to [\s\S]*Traefik still serves the host; nothing was switched/);
      assert.equal(traefikOn(h1!).split('\n')[0], 'running');
      assert.equal(onHost(host(h1!), 'docker ps -aq --filter name=^kamal-proxy'), '', 'no kamal-proxy container, staging or real');
      assert.equal(await version(h1!), 'k1');
      const networks = onHost(host(h1!), `docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' ${project.service}-web-k1`).trim();
      assert.equal(networks, 'bridge', 'the running container is where Kamal put it');
    } finally {
      editConfig(project, (c) => {
        (c.proxy as { healthcheck: Record<string, unknown> }).healthcheck.path = '/up';
        c.deploy_timeout = 20;
      });
    }
  });

  it('--rolling replaces Traefik with kamal-proxy host by host; requests fail only while a host switches', async function () {
    const urls = project.hosts.map((h) => `http://${h}/version`);
    const cacheId = onHost(host(project.hosts[1]!), `docker inspect -f '{{.Id}}' ${project.service}-cache`).trim();
    rmSync(join(project.dir, '..', 'hooks.log'), { force: true });
    const load = startLoad(urls, 300);
    let report;
    try {
      await runCliOk(['upgrade', '--rolling', '-y'], opts());
    } finally {
      report = await load.stop();
    }
    const windows = await upgradeResult();
    assert.deepEqual(readFileSync(join(project.dir, '..', 'hooks.log'), 'utf8').trim().split('\n'), project.hosts.flatMap((h) => [`pre ${h}`, `post ${h}`]));
    const spans = project.hosts.map((h) => windows[h]?.window);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i - 1]!.to < spans[i]!.from, `one host at a time: ${JSON.stringify(spans)}`);
    for (const h of project.hosts) {
      const w = windows[h];
      assert.ok(w?.switched && w.window, `${h} was switched: ${JSON.stringify(w)}`);
      // Every failed request was sent before kamal-proxy answered with the routes, and failed after the switch began.
      for (const f of report.failureSpans[`http://${h}/version`] ?? []) {
        assert.ok(f.sentAt <= w.window.to && f.failedAt >= w.window.from, `${h}: a request failed outside its switch (${JSON.stringify(f)} vs ${JSON.stringify(w.window)}): ${report.failureSamples.join('\n')}`);
      }
    }
    assert.deepEqual(Object.keys(report.bodies), ['k1'], 'only the running version answered');
    assert.ok(report.total > report.failures * 10, `the load mostly succeeded: ${report.failures}/${report.total}`);

    for (const h of project.hosts) {
      assert.equal(traefikOn(h), '', `${h}: no Traefik container or image is left`);
      assert.equal(await version(h), 'k1');
      assert.match(proxyRoutes(host(h)), new RegExp(`^${project.service}-web\\s.*\\s${project.service}-web-k1:3000\\s`, 'm'), 'routed to the rebooted container by name');
      const running = runningContainers(host(h), project.service);
      for (const c of running) {
        assert.ok(c.labels['sextant.deploy-id'], `${h}: ${c.name} was started by Sextant`);
        assert.match(onHost(host(h), `docker inspect -f '{{json .NetworkSettings.Networks}}' ${c.name}`), /"kamal"/);
      }
      assert.deepEqual(running.map((c) => c.labels.role).sort(), h === project.hosts[0] ? ['job', 'web'] : ['web']);
      const replaced = containers(host(h), project.service).filter((c) => c.name.includes('_replaced_'));
      assert.ok(replaced.length >= 1 && replaced.every((c) => c.state === 'exited'), `${h}: Kamal's containers are stopped, kept for rollback`);
      assert.match(onHost(host(h), `cat .kamal/${project.service}-audit.log`), /Upgraded proxy: Traefik replaced by kamal-proxy[\s\S]*Rebooted app on the kamal network/);
    }
    // The accessory kept running, and apps reach it by name on the kamal network.
    assert.equal(onHost(host(project.hosts[1]!), `docker inspect -f '{{.Id}} {{.State.Status}}' ${project.service}-cache`).trim(), `${cacheId} running`);
    assert.match(onHost(host(project.hosts[1]!), `docker exec ${project.service}-web-k1 ping -c 1 -W 2 ${project.service}-cache`), / 0% packet loss/);
    // The rebooted containers read the secret from Kamal 2's env file.
    assert.match(onHost(host(project.hosts[0]!), `docker exec ${project.service}-web-k1 env`), /^APP_SECRET=not-a-real-secret$/m);
  });

  it('a second upgrade changes nothing', async function () {
    const before = project.hosts.map((h) => containers(host(h), project.service).map((c) => `${c.id} ${c.state}`).sort());
    await runCliOk(['upgrade', '-y'], opts());
    const windows = await upgradeResult();
    for (const h of project.hosts) assert.equal(windows[h]?.switched, false, h);
    assert.deepEqual(project.hosts.map((h) => containers(host(h), project.service).map((c) => `${c.id} ${c.state}`).sort()), before);
  });

  it('then deploys as any Sextant host: zero downtime through kamal-proxy', async function () {
    const load = startLoad(project.hosts.map((h) => `http://${h}/version`), 300);
    let report;
    try {
      await runCliOk(['deploy', '--version', 'k2'], opts());
    } finally {
      report = await load.stop();
    }
    assert.equal(report.failures, 0, report.failureSamples.join('\n'));
    for (const h of project.hosts) assert.equal(await version(h), 'k2');
  });
});
