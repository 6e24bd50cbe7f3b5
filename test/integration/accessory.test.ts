// `sextant accessory ...` against real lab hosts: a busybox key-value accessory (volume, file,
// directory, clear and secret env, published port) on two of the project's three hosts.
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAccessoryActivities } from '../../activities/accessories';
import { createHostActivities } from '../../activities/host';
import { loadSealKey } from '../../plan/seal';
import { SshPool } from '../../ssh/pool';
import { runCli, runCliOk, sextantBin } from '../support/cli';
import { labHost } from '../support/hosts';
import { get } from '../support/http';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { pushAccessoryImage } from '../support/registry';
import { labClient, scheduledActivities } from '../support/temporal';

const SECRET = `kv-sentinel-${Math.random().toString(36).slice(2)}`;
const CONF = 'greeting = "hello"\nanswer = 42\n';
const PORT = 18080;

describe('accessories on lab hosts', function () {
  let project: Project;
  let kvHosts: string[];
  let other: string;
  let container: string;
  let volume: string;
  const outputs: string[] = [];
  const cli = async (...args: string[]) => {
    const r = await runCliOk(args, { cwd: project.dir, env: project.env });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const on = (address: string, command: string) => onHost(labHost(project.lab, address), command);
  const state = (address: string) => on(address, `docker ps -a --filter label=service=${container} --format '{{.State}}'`).trim();
  const id = (address: string) => on(address, `docker ps -a -q --no-trunc --filter label=service=${container}`).trim();

  before(function () {
    project = makeProject({ hosts: 3, secrets: { KV_SECRET: SECRET } });
    [other, ...kvHosts] = project.hosts as [string, ...string[]];
    container = `${project.service}-kv`;
    volume = `${project.service}-kv-data`;
    const { lab } = project;
    const image = `${lab.registry.server}/sextant-test/${project.service}-kv:1`;
    pushAccessoryImage(lab, image);
    mkdirSync(join(project.dir, 'config'), { recursive: true });
    writeFileSync(join(project.dir, 'config', 'kv.conf'), CONF);
    const config = [
      'accessories:',
      '  kv:',
      `    image: ${image}`,
      `    hosts: [${kvHosts.join(', ')}]`,
      `    port: "${PORT}:8080"`,
      `    volumes: ["${volume}:/data"]`,
      '    files: ["config/kv.conf:/etc/kv/kv.conf"]',
      '    directories: ["logs:/var/log/kv"]',
      '    env: { clear: { KV_GREETING: hello }, secret: [KV_SECRET] }',
    ].join('\n');
    appendFileSync(join(project.dir, 'config', 'deploy.yml'), `${config}\n`);
  });

  it('boot: runs the container on the accessory hosts only, with its port, volume, file, directory and env', async function () {
    const r = await cli('accessory', 'boot', 'kv');
    assert.match(r.stdout, /Booted kv/);
    assert.equal(state(other), '', `${other} is not an accessory host`);
    for (const h of kvHosts) {
      assert.equal(state(h), 'running');
      assert.equal(on(h, `docker inspect -f '{{index .Config.Labels "service"}}' ${container}`).trim(), container);
      assert.equal(on(h, `docker exec ${container} cat /etc/kv/kv.conf`), CONF, 'the config file reaches the container');
      assert.equal(on(h, `cat ${container}/etc/kv/kv.conf`), CONF, 'the file is uploaded under ~/<container>/');
      on(h, `docker exec ${container} sh -c 'echo written > /var/log/kv/x'`);
      assert.equal(on(h, `cat ${container}/logs/x`), 'written\n', 'the directory is created and mounted');
      assert.equal(on(h, `stat -c %a .kamal/apps/${project.service}/env/accessories/kv.env`).trim(), '600');
      const env = on(h, `docker exec ${container} env`);
      assert.match(env, new RegExp(`^KV_SECRET=${SECRET}$`, 'm'));
      assert.match(env, /^KV_GREETING=hello$/m);
      on(h, `docker exec ${container} sh -c 'echo ${h} > /data/whoami'`);
      assert.equal((await get(`http://${h}:${PORT}/whoami`)).body, `${h}\n`, 'the port is published');
    }
  });

  it('boot again leaves the running accessory alone', async function () {
    const before = kvHosts.map(id);
    await cli('accessory', 'boot', 'kv');
    assert.deepEqual(kvHosts.map(id), before);
  });

  it('upload writes the files again, directories makes the missing ones', async function () {
    const changed = 'greeting = "changed"\n';
    writeFileSync(join(project.dir, 'config', 'kv.conf'), changed);
    await cli('accessory', 'upload', 'kv');
    for (const h of kvHosts) assert.equal(on(h, `cat ${container}/etc/kv/kv.conf`), changed);
    writeFileSync(join(project.dir, 'config', 'kv.conf'), CONF);
    await cli('accessory', 'upload', 'kv');
    for (const h of kvHosts) on(h, `rm -rf ${container}/logs`);
    await cli('accessory', 'directories', 'kv');
    for (const h of kvHosts) assert.equal(on(h, `test -d ${container}/logs && echo made`).trim(), 'made');
  });

  it('details shows the container on each accessory host; logs shows its output', async function () {
    const details = await cli('accessory', 'details', 'kv');
    for (const h of kvHosts) assert.match(details.stdout, new RegExp(`^${h.replace(/\./g, '\\.')}\\s+.*${container}`, 'm'));
    assert.doesNotMatch(details.stdout, new RegExp(other.replace(/\./g, '\\.')));
    const ids = (out: string) => [...out.matchAll(/^(\S+)\s+([0-9a-f]{12})\s/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    assert.equal(ids(details.stdout).length, kvHosts.length);
    assert.deepEqual(ids((await cli('accessory', 'details', 'all')).stdout), ids(details.stdout), 'all: every accessory (here the one)');
    const logs = await cli('accessory', 'logs', 'kv', '-n', '5');
    for (const h of kvHosts) assert.match(logs.stdout, new RegExp(`^${h.replace(/\./g, '\\.')}\\s+.*kv: listening on :8080, greeting hello`, 'm'));
  });

  it('exec passes output bytes through unchanged, in the running container or a new one', async function () {
    const text = `tab\there "quoted" 'single' $(not run) \`nor this\` ünïcødé ✓; *glob*\n\nlast line without newline`;
    const reuse = await cli('accessory', 'exec', 'kv', '--reuse', '-h', kvHosts[0]!, '--', 'printf', '%s', text);
    assert.equal(reuse.stdout, text);
    const fresh = await cli('accessory', 'exec', 'kv', '-h', kvHosts[0]!, '--', 'sh', '-c', 'cat /etc/kv/kv.conf /data/whoami; echo "$KV_GREETING"');
    assert.equal(fresh.stdout, `${CONF}${kvHosts[0]}\nhello\n`, 'a new container gets the file, the volume and the env');
    const containers = on(kvHosts[0]!, `docker ps -a -q --filter ancestor=${`${project.lab.registry.server}/sextant-test/${project.service}-kv:1`}`).trim().split('\n');
    assert.equal(containers.length, 1, 'the one-off container is gone');
  });

  it('exec -i gets a real PTY on the first accessory host', async function () {
    const cmd = `${process.execPath} ${sextantBin} accessory exec kv -i --reuse -- sh -c 'tty; hostname'`;
    const out = execFileSync('script', ['-qec', cmd, '/dev/null'], { cwd: project.dir, env: project.env, encoding: 'utf8', timeout: 60000 });
    assert.match(out, /\/dev\/pts\/\d+\r+\n/, `tty names a pseudo-terminal: ${JSON.stringify(out)}`);
    assert.doesNotMatch(out, /not a tty/);
  });

  it('stop, start and restart change the container state on every accessory host', async function () {
    await cli('accessory', 'stop', 'kv');
    for (const h of kvHosts) assert.equal(state(h), 'exited');
    await cli('accessory', 'start', 'kv');
    for (const h of kvHosts) assert.equal(state(h), 'running');
    const started = kvHosts.map((h) => on(h, `docker inspect -f '{{.State.StartedAt}}' ${container}`));
    await cli('accessory', 'restart', 'kv');
    kvHosts.forEach((h, i) => {
      assert.equal(state(h), 'running');
      assert.notEqual(on(h, `docker inspect -f '{{.State.StartedAt}}' ${container}`), started[i], `${h} restarted`);
    });
  });

  it('-h limits a command to the given hosts', async function () {
    const [first, second] = kvHosts as [string, string];
    await cli('accessory', 'stop', 'kv', '-h', second);
    assert.equal(state(second), 'exited');
    assert.equal(state(first), 'running', `${first} was left as it was`);
    await cli('accessory', 'start', 'kv', '-h', second);
    assert.equal(state(second), 'running');
  });

  it('reboot replaces the container and the data in its volume survives', async function () {
    const before = kvHosts.map(id);
    await cli('accessory', 'reboot', 'kv');
    for (const [i, h] of kvHosts.entries()) {
      assert.notEqual(id(h), before[i], `${h} has a new container`);
      assert.equal(state(h), 'running');
      assert.equal((await get(`http://${h}:${PORT}/whoami`)).body, `${h}\n`, 'the volume kept its data');
    }
  });

  it('re-running the host steps of boot and reboot changes nothing', async function () {
    const { client, close } = await labClient(project.lab);
    const pool = new SshPool({ knownHostsFile: join(project.home, 'known_hosts') });
    const snapshot = (h: string) =>
      on(h, `docker ps -a --no-trunc --filter label=service=${container} --format '{{.ID}} {{.State}}'; docker image ls -q --no-trunc | sort; find ${container} .kamal -type f -exec md5sum {} + | sort`);
    try {
      const activities = { ...createAccessoryActivities({ pool, sealKey: () => loadSealKey(project.home) }), ...createHostActivities({ pool, sealKey: () => loadSealKey(project.home) }) };
      const env = new MockActivityEnvironment();
      let replayed = 0;
      for await (const w of client.workflow.list({ query: `WorkflowId = "sextant/${project.service}"` })) {
        const steps = scheduledActivities(await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory());
        if (!steps.some((x) => x.type === 'accessoryBoot' || x.type === 'accessoryReboot')) continue;
        for (const step of steps.filter((x) => x.type.startsWith('accessory') || x.type === 'recordAudit')) {
          const h = step.input[1] as string;
          const before = snapshot(h);
          await env.run(activities[step.type as keyof typeof activities] as (...a: unknown[]) => Promise<unknown>, ...step.input);
          assert.equal(snapshot(h), before, `${step.type} on ${h} changed the host when run again`);
          replayed++;
        }
      }
      assert.ok(replayed >= 8, `boot and reboot steps were run again (${replayed})`);
    } finally {
      await pool.close();
      await close();
    }
  });

  it('records each host-changing command in Temporal with its arguments, and the secret nowhere', async function () {
    const { client, close } = await labClient(project.lab);
    const runs: { command: string; args: string[] }[] = [];
    try {
      for await (const w of client.workflow.list({ query: `WorkflowId = "sextant/${project.service}"` })) {
        const history = historyToJSON(await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory());
        assert.ok(!history.includes(SECRET), `history of ${w.runId} holds the secret`);
        assert.ok(!history.includes('answer = 42'), `history of ${w.runId} holds the file content in the clear`);
        const started = (await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory()).events![0]!;
        const input = JSON.parse(Buffer.from(started.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!).toString('utf8')) as { command: string; args: string[] };
        runs.push({ command: input.command, args: input.args });
      }
    } finally {
      await close();
    }
    assert.ok(runs.some((r) => r.command === 'accessory boot' && r.args.includes('kv')), JSON.stringify(runs));
    assert.ok(runs.some((r) => r.command === 'accessory reboot'));
    assert.ok(runs.some((r) => r.command === 'accessory stop' && r.args.includes(`--hosts=${kvHosts[1]}`)), JSON.stringify(runs));
    assert.ok(!outputs.join('\n').includes(SECRET), 'CLI output holds the secret');
    for (const h of kvHosts) {
      const args = on(h, `docker inspect -f '{{json .Path}} {{json .Args}} {{json .Config.Cmd}} {{json .Config.Labels}} {{json .HostConfig}}' ${container}`);
      assert.ok(!args.includes(SECRET), 'docker inspect args hold the secret');
      assert.ok(!on(h, 'ps -eo args ww').includes(SECRET), 'a host process list holds the secret');
      assert.match(on(h, `cat .kamal/${project.service}-audit.log`), /Rebooted kv accessory/);
    }
  });

  it('refuses an unknown accessory naming the known ones, changing nothing', async function () {
    const r = await runCli(['accessory', 'boot', 'kvv'], { cwd: project.dir, env: project.env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no accessory kvv .*did you mean kv\?/);
  });

  it('remove asks first; with -y it leaves nothing of the accessory but its named volume', async function () {
    const before = kvHosts.map(id);
    const refused = await runCli(['accessory', 'remove', 'kv'], { cwd: project.dir, env: project.env });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /-y/);
    assert.deepEqual(kvHosts.map(id), before, 'nothing was removed without confirmation');
    await cli('accessory', 'remove', 'kv', '-y');
    for (const h of kvHosts) {
      assert.equal(state(h), '', `${h} has no container of the accessory`);
      assert.equal(on(h, `docker image ls -q ${project.lab.registry.server}/sextant-test/${project.service}-kv`).trim(), '', 'its image is gone');
      assert.equal(on(h, `test -e ${container} && echo left || echo gone`).trim(), 'gone', 'files and directories are gone');
      assert.equal(on(h, `test -e .kamal/apps/${project.service}/env/accessories/kv.env && echo left || echo gone`).trim(), 'gone', 'the env file is gone');
      assert.equal(on(h, `docker volume ls -q --filter name=^${volume}$`).trim(), volume, 'the named volume stays, as in Kamal');
    }
  });

  after(async function () {
    if (!project) return;
    await runCli(['agent', 'stop'], { cwd: project.dir, env: project.env });
    for (const h of project.hosts) {
      on(h, `docker rm -f ${container} >/dev/null 2>&1; docker volume rm ${volume} >/dev/null 2>&1; rm -rf ${container} .kamal/apps/${project.service} .kamal/${project.service}-audit.log .kamal/lock-${project.service}; true`);
    }
  });
});
