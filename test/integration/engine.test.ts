// The Docker Engine API calls of commands/engine.ts against a lab host's real engine, over
// Sextant's SSH pool: each gives the same answer as the docker CLI command it stands for, on the
// containers, images, proxy and network a real deploy left there.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote } from '../../activities/remote';
import * as engine from '../../commands/engine';
import type { Plan } from '../../plan/types';
import { SshPool, type SshTarget } from '../../ssh';
import { runCliOk } from '../support/cli';
import { labHost, removeService } from '../support/hosts';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';

/**
 * Docker prints CreatedAt in the CLI's time zone: compare instants. The status's age ("Up 1 second",
 * "Up Less than a second") moves between the two reads: compare its first word.
 */
function comparable<T extends { createdAt?: string; status?: string }>(c: T): T {
  const m = /^(\S+) (\S+) ([+-]\d\d)(\d\d)/.exec(c.createdAt ?? '');
  const status = c.status?.split(' ')[0];
  return { ...c, ...(m ? { createdAt: new Date(`${m[1]}T${m[2]}${m[3]}:${m[4]}`).toISOString() } : {}), ...(status !== undefined ? { status } : {}) };
}

describe('Docker Engine API calls (lab host)', function () {
  let project: Project;
  let pool: SshPool;
  let target: SshTarget;
  let dir: string;
  const sh = (command: string) => onHost(labHost(project.lab, project.hosts[0]!), command);

  async function both<T>(call: engine.DockerCall<T>): Promise<{ api: T; cli: T }> {
    const reply = await pool.engine(target, call.api, 30_000);
    assert.ok(reply, 'the lab host\'s engine is reached over SSH');
    return { api: call.fromApi(reply), cli: call.fromCli(await pool.exec(target, call.cli)) };
  }
  async function same<T>(call: engine.DockerCall<T>, normalise: (v: T) => unknown = (v) => v): Promise<T> {
    const { api, cli } = await both(call);
    assert.deepEqual(normalise(api), normalise(cli), `${call.what}: the API and the CLI agree`);
    return api;
  }
  const errorOf = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return null;
  };

  before(async function () {
    project = makeProject({ hosts: 1 });
    await runCliOk(['deploy', '--version', 'v1'], { cwd: project.dir, env: project.env });
    await runCliOk(['deploy', '--version', 'v2'], { cwd: project.dir, env: project.env });
    dir = mkdtempSync(join(tmpdir(), 'sextant-engine-'));
    pool = new SshPool({ knownHostsFile: join(dir, 'known_hosts') });
    const h = labHost(project.lab, project.hosts[0]!);
    target = { host: h.address, user: h.user, keys: [h.key] };
  });

  after(async () => {
    // Leaves the host's proxy free for the next file's service (they all answer for any host name).
    if (project) removeService(labHost(project.lab, project.hosts[0]!), project.service);
    await pool?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists containers as `docker ps` does, with every filter', async () => {
    const { service } = project;
    const all = await same(engine.containers({ service }), (l) => l.map(comparable));
    assert.deepEqual(all.map((c) => [c.name, c.state, c.role, c.destination]), [[`${service}-web-v2`, 'running', 'web', ''], [`${service}-web-v1`, 'exited', 'web', '']]);
    assert.match(all[0]!.id, /^[0-9a-f]{64}$/);
    assert.match(all[0]!.status, /^Up /);
    assert.ok(all.every((c) => c.deployId), 'the deploy ID label is read');
    await same(engine.containers({ service, role: 'web', statuses: ['running'] }), (l) => l.map(comparable));
    assert.deepEqual(await same(engine.containers({ service, destination: 'staging' })), []);
    assert.deepEqual(await same(engine.containers({ service: 'nosuchservice' })), []);
    assert.equal((await same(engine.serviceContainers({ service }))).length, 2);
  });

  it("lists the service's images as `docker image ls` does", async () => {
    const images = await same(engine.serviceImages({ service: project.service }), (l) => [...l].sort((a, b) => `${a.repository}:${a.tag}`.localeCompare(`${b.repository}:${b.tag}`)));
    assert.deepEqual(images.map((i) => i.tag).sort(), ['v1', 'v2']);
  });

  it('inspects containers, kamal-proxy and the kamal network as `docker inspect` does', async () => {
    const { service } = project;
    const running = await same(engine.containerDetails(`${service}-web-v2`));
    assert.equal(running?.status, 'running');
    assert.match(running?.ip ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    const exited = await same(engine.containerDetails(`${service}-web-v1`));
    assert.deepEqual([exited?.status, exited?.ip], ['exited', null]);
    assert.equal(await same(engine.containerDetails(`${service}-web-nosuch`)), null);
    assert.deepEqual(await same(engine.proxyState()), { status: 'running', onNetwork: true });
    assert.equal(await same(engine.networkExists()), true);
  });

  it('stops as `docker stop` does (an exited one is fine, a missing one an error), and prunes dangling images', async () => {
    const old = `${project.service}-web-v1`;
    sh(`docker start ${old}`);
    const reply = await pool.engine(target, engine.stop(old, 5).api, 30_000);
    assert.equal(reply?.status, 204);
    assert.equal(sh(`docker inspect --format '{{.State.Status}}' ${old}`).trim(), 'exited');
    await same(engine.stop(old, 5));
    const missing = engine.stop(`${project.service}-web-nosuch`, 5);
    const { status, body } = (await pool.engine(target, missing.api, 30_000))!;
    assert.ok(errorOf(() => missing.fromApi({ status, body })) instanceof engine.DockerCallError);
    assert.match(String(errorOf(() => missing.fromApi({ status, body }))), /No such container/);
    assert.ok(errorOf(() => missing.fromCli({ code: 1, stdout: '', stderr: 'Error response from daemon: No such container' })) instanceof engine.DockerCallError);
    await same(engine.pruneDanglingImages({ service: project.service }));
  });

  it('runs `docker exec` in kamal-proxy as the CLI does: exit code, stdout and stderr', async () => {
    const r = remote({ pool, sealKey: () => Buffer.alloc(32) }, { ssh: { port: 22, user: target.user, keys: target.keys } } as unknown as Plan, target.host);
    const cli = (argv: string[]) => pool.exec(target, argv);
    const listed = await r.dockerExec(engine.execOf(['docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'list']));
    const byCli = await cli(['docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'list']);
    assert.deepEqual([listed.code, listed.stdout, listed.stderr], [byCli.code, byCli.stdout, byCli.stderr]);
    assert.match(listed.stdout, new RegExp(`${project.service}-web`));
    const unknown = ['docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'nosuchcommand'];
    const [refused, refusedByCli] = [await r.dockerExec(engine.execOf(unknown)), await cli(unknown)];
    assert.deepEqual([refused.code, refused.stdout, refused.stderr], [refusedByCli.code, refusedByCli.stdout, refusedByCli.stderr]);
    assert.notEqual(refused.code, 0);
    // A failing command (in the app's container, which has a shell): its own exit code, stdout and stderr apart.
    const argv = ['docker', 'exec', `${project.service}-web-v2`, 'sh', '-c', 'echo to-out; echo to-err >&2; exit 7'];
    const failed = await r.dockerExec(engine.execOf(argv));
    assert.deepEqual(failed, { code: 7, stdout: 'to-out\n', stderr: 'to-err\n' });
    const failedByCli = await cli(argv);
    assert.deepEqual([failedByCli.code, failedByCli.stdout, failedByCli.stderr], [7, 'to-out\n', 'to-err\n']);
    // A container that is not there: exit code 1 and the engine's words, both ways.
    const missing = await r.dockerExec(engine.execOf(['docker', 'exec', `${project.service}-web-nosuch`, 'true']));
    const missingByCli = await cli(['docker', 'exec', `${project.service}-web-nosuch`, 'true']);
    assert.deepEqual([missing.code, missingByCli.code], [1, 1]);
    assert.match(missing.stderr, /^Error response from daemon: No such container/);
    assert.match(missingByCli.stderr, /No such container/);
  });

  it('renames as `docker rename` does', async () => {
    const old = `${project.service}-web-v1`;
    const away = `${old}_replaced_0a1b2c3d`;
    assert.equal((await pool.engine(target, engine.rename(old, away).api, 30_000))?.status, 204);
    assert.equal(sh(`docker inspect --format '{{.Name}}' ${away}`).trim(), `/${away}`);
    // Back under its own name by the CLI form; then the name it left is free again, and a second
    // rename of a container that is gone fails both ways.
    await pool.execOrThrow(target, engine.rename(away, old).cli);
    const gone = engine.rename(away, old);
    const { api, cli } = { api: await pool.engine(target, gone.api, 30_000), cli: await pool.exec(target, gone.cli) };
    assert.ok(errorOf(() => gone.fromApi(api!)) instanceof engine.DockerCallError);
    assert.ok(errorOf(() => gone.fromCli(cli)) instanceof engine.DockerCallError);
  });
});
