// `sextant setup` and `sextant remove` against lab hosts that hold nothing of the service yet:
// the app on two hosts, a busybox key-value accessory (volume, file, directory, secret env,
// port) on the third, and a docker-setup hook. setup leaves both running; registry login|logout
// reach this machine and the hosts; remove leaves nothing of either but the accessory's named volume.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliOk } from '../support/cli';
import { editConfig } from '../support/faults';
import { containers, labHost, proxyRoutes, removeService } from '../support/hosts';
import { get } from '../support/http';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { pushAccessoryImage } from '../support/registry';
import { labClient } from '../support/temporal';

const PORT = 18081;

describe('setup and remove on fresh hosts', function () {
  let project: Project;
  let appHosts: string[];
  let kvHost: string;
  let kvImage: string;
  let container: string;
  let volume: string;
  const opts = () => ({ cwd: project.dir, env: project.env });
  const on = (address: string, command: string) => onHost(labHost(project.lab, address), command);
  const kvId = () => on(kvHost, `docker ps -q --no-trunc --filter label=service=${container}`).trim();

  /** Each run of the service's workflow ID, oldest first: its type, and the operation's command and args. */
  async function runs(): Promise<{ type: string; command?: string; args?: string[]; build?: unknown }[]> {
    const { client, close } = await labClient(project.lab);
    const out = [];
    try {
      for await (const w of client.workflow.list({ query: `WorkflowId = "sextant/${project.service}"` })) {
        const started = (await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()).events![0]!;
        const input = JSON.parse(Buffer.from(started.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!).toString('utf8')) as {
          command?: string;
          args?: string[];
          build?: unknown;
        };
        out.push({ type: w.type, command: input.command, args: input.args, build: input.build });
      }
    } finally {
      await close();
    }
    return out.reverse();
  }

  before(function () {
    project = makeProject({ hosts: 3, secrets: { KV_SECRET: 'kv-secret' }, hooks: { 'docker-setup': '#!/bin/sh\necho "$KAMAL_HOSTS" >> docker-setup.ran\n' } });
    appHosts = project.hosts.slice(0, 2);
    kvHost = project.hosts[2]!;
    container = `${project.service}-kv`;
    volume = `${project.service}-kv-data`;
    const { lab } = project;
    kvImage = `${lab.registry.server}/sextant-test/${project.service}-kv:1`;
    pushAccessoryImage(lab, kvImage);
    editConfig(project, (c) => {
      c.servers = { web: { hosts: appHosts } };
    });
    mkdirSync(join(project.dir, 'config'), { recursive: true });
    writeFileSync(join(project.dir, 'config', 'kv.conf'), 'greeting = "hello"\n');
    const accessories = [
      'accessories:',
      '  kv:',
      `    image: ${kvImage}`,
      `    host: ${kvHost}`,
      `    port: "${PORT}:8080"`,
      `    volumes: ["${volume}:/data"]`,
      '    files: ["config/kv.conf:/etc/kv/kv.conf"]',
      '    directories: ["logs:/var/log/kv"]',
      '    env: { secret: [KV_SECRET] }',
    ].join('\n');
    appendFileSync(join(project.dir, 'config', 'deploy.yml'), `${accessories}\n`);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=lab@sextant.test', '-c', 'user.name=lab', ...args], { cwd: project.dir, stdio: 'ignore' });
    git('add', '-A');
    git('commit', '-qm', 'accessory');
    for (const h of project.hosts) assert.deepEqual(containers(labHost(project.lab, h), project.service), [], `${h} is fresh for the service`);
  });

  it('a failing docker-setup hook stops setup before any accessory boots or the deploy starts', async function () {
    const hook = join(project.dir, '.kamal', 'hooks', 'docker-setup');
    const script = readFileSync(hook, 'utf8');
    writeFileSync(hook, '#!/bin/sh\necho "not today" >&2\nexit 3\n');
    try {
      const r = await runCli(['setup', '--version', 'v1'], opts());
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /hook docker-setup failed \(exit 3\)[\s\S]*not today/);
    } finally {
      writeFileSync(hook, script);
    }
    assert.equal(kvId(), '', 'the accessory did not boot');
    assert.deepEqual((await runs()).map((x) => x.type), ['operation'], 'no deploy started');
  });

  it('setup boots the accessory, then deploys: the app answers /version through kamal-proxy', async function () {
    await runCliOk(['setup', '--version', 'v1'], opts());
    assert.equal(on(kvHost, `docker inspect -f '{{.State.Status}}' ${container}`).trim(), 'running');
    assert.equal(on(kvHost, `docker exec ${container} cat /etc/kv/kv.conf`), 'greeting = "hello"\n');
    on(kvHost, `docker exec ${container} sh -c 'echo kept > /data/x'`);
    assert.equal((await get(`http://${kvHost}:${PORT}/x`)).body, 'kept\n');
    for (const h of appHosts) {
      assert.equal((await get(`http://${h}/version`)).body.trim(), 'v1');
      assert.match(proxyRoutes(labHost(project.lab, h)), new RegExp(`${project.service}-web`));
    }
    assert.deepEqual(readFileSync(join(project.dir, 'docker-setup.ran'), 'utf8').trim().split(',').sort(), [...project.hosts].sort(), 'docker-setup ran once, for the app and accessory hosts');
  });

  it('setup again with --skip-push leaves the accessory alone and deploys without a build', async function () {
    const before = kvId();
    await runCliOk(['setup', '--skip-push', '--version', 'v1'], opts());
    assert.equal(kvId(), before);
    for (const h of appHosts) assert.equal((await get(`http://${h}/version`)).body.trim(), 'v1');
  });

  it('each setup is an operation and then (when it succeeded) a deploy in the workflow list', async function () {
    const ran = await runs();
    assert.deepEqual(
      ran.map((r) => `${r.type} ${r.command ?? ''} ${(r.args ?? []).join(' ')}`.trim()),
      ['operation setup --version=v1', 'operation setup --version=v1', 'deploy', 'operation setup --skip-push --version=v1', 'deploy'],
    );
    assert.notEqual(ran[2]!.build, null, 'the first deploy built the image');
    assert.equal(ran[4]!.build, null, '--skip-push reached the deploy');
  });

  it('registry login|logout: this machine (its DOCKER_CONFIG) unless -L, the app hosts unless -R', async function () {
    const dockerConfig = mkdtempSync(join(tmpdir(), 'sextant-docker-config-'));
    const env = { ...project.env, DOCKER_CONFIG: dockerConfig };
    const server = `"${project.lab.registry.server}"`;
    const here = () => existsSync(join(dockerConfig, 'config.json')) && readFileSync(join(dockerConfig, 'config.json'), 'utf8').includes(server);
    const hosts = () => appHosts.map((h) => on(h, 'cat .docker/config.json 2>/dev/null || echo {}').includes(server));
    try {
      assert.deepEqual(hosts(), [true, true], 'the deploy logged the hosts in');
      await runCliOk(['registry', 'login', '-R'], { cwd: project.dir, env });
      assert.ok(here(), 'this machine logged in');
      await runCliOk(['registry', 'logout', '-L'], { cwd: project.dir, env });
      assert.deepEqual(hosts(), [false, false], 'the hosts logged out');
      assert.ok(here(), '-L left this machine logged in');
      await runCliOk(['registry', 'logout', '-R'], { cwd: project.dir, env });
      assert.ok(!here(), 'this machine logged out');
      assert.deepEqual(hosts(), [false, false], '-R left the hosts as they were');
      await runCliOk(['registry', 'login', '-L'], { cwd: project.dir, env });
      assert.deepEqual(hosts(), [true, true], 'the hosts logged in again');
      assert.ok(!here(), '-L left this machine logged out');
    } finally {
      rmSync(dockerConfig, { recursive: true, force: true });
    }
  });

  it('remove asks first; with -y it leaves nothing of the service or its accessory but the named volume', async function () {
    const refused = await runCli(['remove'], opts());
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /-y/);
    assert.ok(kvId(), 'nothing was removed without confirmation');
    await runCliOk(['remove', '-y'], opts());
    for (const h of project.hosts) {
      assert.deepEqual(containers(labHost(project.lab, h), project.service), [], `${h}: no app container`);
      assert.deepEqual(containers(labHost(project.lab, h), container), [], `${h}: no accessory container`);
      assert.equal(on(h, `docker image ls --format '{{.Repository}}' | grep -c -e 'sextant/${project.service}$' -e '${project.service}-kv$' || true`).trim(), '0', `${h}: no image`);
      assert.equal(on(h, `docker exec kamal-proxy kamal-proxy list 2>/dev/null | grep -c '${project.service}-' || true`).trim(), '0', `${h}: no proxy route`);
      assert.equal(on(h, `ls -d ${container} .kamal/apps/${project.service}* .kamal/*${project.service}* 2>/dev/null || true`).trim(), '', `${h}: no file of the service`);
    }
    assert.equal(on(kvHost, `docker volume ls -q --filter name=^${volume}$`).trim(), volume, 'the named volume stays, as in Kamal');
    assert.equal((await runs()).at(-1)!.command, 'remove');
  });

  after(async function () {
    if (!project) return;
    await runCli(['agent', 'stop'], opts());
    for (const h of project.hosts) {
      removeService(labHost(project.lab, h), project.service);
      on(h, `docker rm -f ${container} >/dev/null 2>&1; docker volume rm ${volume} >/dev/null 2>&1; rm -rf ${container} .kamal/${project.service}-audit.log; true`);
    }
  });
});
