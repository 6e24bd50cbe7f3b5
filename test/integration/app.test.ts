// `sextant app ...` against the lab: each host-changing command is an operation workflow (in the
// workflow list with its arguments, locked, audited), -h/-r leave the rest exactly as it was, and
// the hosts' real state (containers, images, files, proxy routes, HTTP answers) shows the effect.
import assert from 'node:assert/strict';
import { runCli, runCliBytes, runCliOk } from '../support/cli';
import { editConfig } from '../support/faults';
import { containers, hostSnapshot, labHost, proxyRoutes, removeService, runningContainers } from '../support/hosts';
import { get } from '../support/http';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { recordHistory } from '../support/histories';
import { labClient } from '../support/temporal';

describe('app commands', function () {
  let project: Project;
  let h1: string, h2: string;
  const opts = () => ({ cwd: project.dir, env: project.env });
  const cli = (...args: string[]) => runCliOk(args, opts());
  const host = (h: string) => labHost(project.lab, h);
  const running = (h: string) => runningContainers(host(h), project.service).map((c) => c.name).sort();
  const web = (v: string) => `${project.service}-web-${v}`;
  const job = (v: string) => `${project.service}-job-${v}`;

  /** The operation workflows of this service, newest first, with their command and arguments. */
  async function operations(): Promise<{ command: string; args: string[] }[]> {
    const { client, close } = await labClient(project.lab);
    try {
      const found: { command: string; args: string[]; at: number }[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = "sextant/${project.service}" AND WorkflowType = "operation"` })) {
        const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
        const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
        const input = JSON.parse(Buffer.from(started?.input?.payloads?.[0]?.data ?? []).toString('utf8')) as { command: string; args: string[] };
        found.push({ command: input.command, args: input.args, at: w.startTime.getTime() });
      }
      return found.sort((a, b) => b.at - a.at).map(({ command, args }) => ({ command, args }));
    } finally {
      await close();
    }
  }

  before(async function () {
    project = makeProject({ hosts: 2 });
    [h1, h2] = project.hosts as [string, string];
    editConfig(project, (c) => {
      c.servers = { web: { hosts: [h1, h2] }, job: { hosts: [h2], cmd: '/bin/sh /start.sh' } };
      c.readiness_delay = 1;
    });
    await cli('deploy', '--version', 'v1');
  });

  it('app stop -r job stops only the job; app start -r job starts it again; both are workflows with their arguments', async function () {
    const webBefore = [h1, h2].map((h) => runningContainers(host(h), project.service).filter((c) => c.labels.role === 'web').map((c) => c.id));
    const stop = await cli('app', 'stop', '-r', 'job');
    assert.match(stop.stdout, /Stopped the app/);
    const { client, close } = await labClient(project.lab);
    await recordHistory('operation', client.workflow.getHandle(`sextant/${project.service}`)).finally(close);
    assert.match(stop.stdout, /started sextant\//, 'the workflow and its UI link are shown');
    assert.deepEqual(running(h2), [web('v1')]);
    assert.deepEqual(running(h1), [web('v1')]);
    assert.deepEqual(
      [h1, h2].map((h) => runningContainers(host(h), project.service).filter((c) => c.labels.role === 'web').map((c) => c.id)),
      webBefore,
      'the web containers were left exactly as they were',
    );
    await cli('app', 'start', '-r', 'job');
    assert.deepEqual(running(h2), [job('v1'), web('v1')].sort());
    const [start, stopped] = await operations();
    assert.deepEqual(start, { command: 'app start', args: ['--roles=job'] });
    assert.deepEqual(stopped, { command: 'app stop', args: ['--roles=job'] });
    const audit = onHost(host(h2), `cat .kamal/${project.service}-audit.log`);
    assert.match(audit, /Stopped app/);
    assert.match(audit, /Started app/);
    assert.equal(onHost(host(h1), `test -e .kamal/lock-${project.service} && echo held || echo free`).trim(), 'free', 'the lock was released');
  });

  it('app stop -h limits the work to that host; app start puts the proxy back on the container', async function () {
    const other = hostSnapshot(host(h2), project.service);
    await cli('app', 'stop', '-h', h1);
    assert.deepEqual(running(h1), []);
    assert.equal(hostSnapshot(host(h2), project.service), other, `${h2} was left exactly as it was`);
    const stopped = await get(`http://${h1}/version`, 2000).then((r) => r.status, (err: Error) => err.message);
    assert.notEqual(stopped, 200, `${h1} no longer serves the app`);
    assert.equal((await get(`http://${h2}/version`)).body.trim(), 'v1');
    await cli('app', 'start', '-h', h1);
    assert.equal((await get(`http://${h1}/version`)).body.trim(), 'v1');
  });

  it('a failing step fails the command naming the host and the cause, and releases the lock', async function () {
    const r = await runCli(['app', 'start', '--version', 'nope', '-h', h1], opts());
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`app start failed on ${h1.replace(/\./g, '\\.')}: ${h1.replace(/\./g, '\\.')} has no web container of version nope`));
    assert.equal(onHost(host(h1), `test -e .kamal/lock-${project.service} && echo held || echo free`).trim(), 'free');
    assert.deepEqual(running(h1), [web('v1')], 'nothing changed');
  });

  it('app maintenance answers 503 with the custom message; app live restores service', async function () {
    await cli('app', 'maintenance', '--message', 'Back at 3pm, promise', '--drain-timeout', '1');
    for (const h of [h1, h2]) {
      const r = await get(`http://${h}/version`);
      assert.equal(r.status, 503, `${h} is in maintenance`);
      assert.match(r.body, /Back at 3pm, promise/);
    }
    await cli('app', 'live');
    for (const h of [h1, h2]) assert.deepEqual(await get(`http://${h}/version`).then((r) => [r.status, r.body.trim()]), [200, 'v1']);
  });

  it('app exec --reuse runs inside the running container and passes its output bytes through unchanged', async function () {
    // Every byte value once, written by the container's own printf.
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const octal = [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
    const out = await runCliBytes(['app', 'exec', '--reuse', '-h', h1, '--', 'sh', '-c', `printf '${octal}'; echo "$KAMAL_CONTAINER_NAME" >&2`], opts());
    assert.equal(out.code, 0, out.stderr);
    assert.ok(out.stdout.equals(bytes), `got ${out.stdout.toString('hex')}`);
    assert.match(out.stderr, new RegExp(web('v1')), 'it ran inside the running container');
    assert.equal(containers(host(h1), project.service).length, 1, 'no new container was made');
  });

  it('app exec -i --reuse gives the command a terminal and passes input to it', async function () {
    // The input stays open until the command exits; it reads one line, then the CLI ends.
    const out = await runCliBytes(['app', 'exec', '-i', '--reuse', '-h', h1, '--', 'sh', '-c', 'tty; read x; echo "got:$x"'], opts(), 'hello\n');
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout.toString(), /^\/dev\/pts\/\d+\r?$/m, 'the command has a terminal');
    assert.match(out.stdout.toString(), /got:hello/);
  });

  it('app exec without --reuse runs a new container of the running version with -e, then removes it', async function () {
    const r = await cli('app', 'exec', '-r', 'web', '-e', 'GREETING=hi there', '--', 'sh', '-c', 'echo "$GREETING $APP_MODE $(cat /start.sh | wc -l)"');
    for (const h of [h1, h2]) {
      assert.match(r.stdout, new RegExp(`^${h.replace(/\./g, '\\.')}\\s+hi there lab \\d+$`, 'm'));
      const ofImage = onHost(host(h), `docker ps -aq --filter ancestor=${project.lab.registry.server}/sextant/${project.service}:v1`).trim().split('\n');
      assert.equal(ofImage.length, containers(host(h), project.service).length, `only the app's own containers of the image are left on ${h}`);
    }
  });

  it('app version, images, containers and logs read the hosts', async function () {
    assert.match((await cli('app', 'version', '-h', h2)).stdout, /job\s+v1[\s\S]*web\s+v1|web\s+v1[\s\S]*job\s+v1/);
    assert.match((await cli('app', 'images', '-h', h1)).stdout, new RegExp(`sextant/${project.service}:v1`));
    assert.match((await cli('app', 'containers', '-h', h1)).stdout, new RegExp(web('v1')));
    const logs = await cli('app', 'logs', '-h', h1, '-g', 'listening', '-T');
    assert.match(logs.stdout, /app v1: listening on :3000/);
    assert.doesNotMatch(logs.stdout, /^\S+\s+\d{4}-\d\d-\d\dT/m, '-T drops the timestamps');
  });

  it('app stale_containers lists a running older container; --stop stops only it', async function () {
    await cli('deploy', '--version', 'v2');
    onHost(host(h1), `docker start ${web('v1')}`);
    const list = await cli('app', 'stale_containers');
    assert.match(list.stdout, new RegExp(`${h1.replace(/\./g, '\\.')}\\s+${web('v1')}\\s+stale`));
    assert.doesNotMatch(list.stdout, new RegExp(web('v2')));
    await cli('app', 'stale_containers', '--stop');
    assert.deepEqual(running(h1), [web('v2')]);
    assert.equal((await get(`http://${h1}/version`)).body.trim(), 'v2');
  });

  it('app remove -y leaves the hosts with nothing of the service', async function () {
    const refused = await runCli(['app', 'remove'], opts());
    assert.equal(refused.code, 2, 'without -y and without a terminal it asks for -y');
    assert.match(refused.stderr, /-y/);
    await cli('app', 'remove', '-y');
    for (const h of [h1, h2]) {
      assert.deepEqual(containers(host(h), project.service), []);
      assert.ok(!proxyRoutes(host(h)).includes(`${project.service}-web`), `${h} has no route of the service`);
      assert.equal(onHost(host(h), `docker image ls --format '{{.Repository}}' | grep -c 'sextant/${project.service}$' || true`).trim(), '0');
      assert.equal(onHost(host(h), `test -e .kamal/apps/${project.service} && echo there || echo gone`).trim(), 'gone');
    }
  });

  it('every host-changing app command of this file is in the workflow list, with its arguments', async function () {
    const ran = (await operations()).reverse();
    assert.deepEqual(ran, [
      { command: 'app stop', args: ['--roles=job'] },
      { command: 'app start', args: ['--roles=job'] },
      { command: 'app stop', args: [`--hosts=${h1}`] },
      { command: 'app start', args: [`--hosts=${h1}`] },
      { command: 'app start', args: ['--version=nope', `--hosts=${h1}`] },
      { command: 'app maintenance', args: ['--message=Back at 3pm, promise', '--drain-timeout=1'] },
      { command: 'app live', args: [] },
      { command: 'app stale_containers', args: ['--stop'] },
      { command: 'app remove', args: ['--yes'] },
    ]);
  });

  after(async function () {
    if (!project) return;
    await runCli(['agent', 'stop'], opts());
    for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});
