// `sextant server ...`, `registry ...`, `app boot` and `redeploy` against the lab, plus server
// bootstrap on a host whose PATH has no docker (a private sshd on this machine, docker left out).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, runCliBytes, runCliOk } from '../support/cli';
import { editConfig } from '../support/faults';
import { labHost, removeService, runningContainers } from '../support/hosts';
import { get } from '../support/http';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { startSshd, type Sshd } from '../support/sshd';
import { labClient } from '../support/temporal';

describe('server and registry commands, app boot, redeploy', function () {
  let project: Project;
  let h1: string;
  const opts = (p = project) => ({ cwd: p.dir, env: p.env });
  const host = () => labHost(project.lab, h1);
  const loggedIn = () => onHost(host(), 'cat .docker/config.json 2>/dev/null || echo {}').includes(`"${project.lab.registry.server}"`);

  before(async function () {
    project = makeProject({ hosts: 1 });
    h1 = project.hosts[0]!;
    await runCliOk(['deploy', '--version', 'v1'], opts());
  });

  it('registry logout and login change the host’s Docker credentials', async function () {
    assert.ok(loggedIn(), 'the deploy logged the host in');
    // -L: this machine's ~/.docker is shared; setup.test.ts covers the local half with its own DOCKER_CONFIG.
    await runCliOk(['registry', 'logout', '-L'], opts());
    assert.ok(!loggedIn(), 'logged out');
    await runCliOk(['registry', 'login', '-L'], opts());
    assert.ok(loggedIn(), 'logged in again');
    assert.match(onHost(host(), `cat .kamal/${project.service}-audit.log`), /Logged out of the registry[\s\S]*Logged in to the registry/);
  });

  it('server exec runs the command with each host’s shell, prefixed with the host; a failure names it', async function () {
    const r = await runCliOk(['server', 'exec', '--', 'echo', '"$(hostname)"', '&&', 'test -d .kamal && echo has-kamal'], opts());
    const hostname = onHost(host(), 'hostname').trim();
    assert.match(r.stdout, new RegExp(`^${h1.replace(/\./g, '\\.')}\\s+${hostname}$`, 'm'));
    assert.match(r.stdout, /has-kamal/);
    const failed = await runCli(['server', 'exec', '--', 'exit 3'], opts());
    assert.equal(failed.code, 1);
    assert.match(failed.stdout + failed.stderr, new RegExp(`${h1.replace(/\./g, '\\.')}.*exit(ed)? 3|exit 3`));
  });

  it('server exec -i runs in a terminal on the host', async function () {
    const out = await runCliBytes(['server', 'exec', '-i', '--', 'tty; read x; echo "got:$x"'], opts(), 'hi\n');
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout.toString(), /^\/dev\/pts\/\d+\r?$/m);
    assert.match(out.stdout.toString(), /got:hi/);
  });

  it('server bootstrap is a no-op where Docker is present, and says so in the audit log', async function () {
    await runCliOk(['server', 'bootstrap'], opts());
    assert.match(onHost(host(), `cat .kamal/${project.service}-audit.log`), /Bootstrapped server/);
  });

  it('app boot (no build) boots the version again; redeploy deploys it with hooks but without a build', async function () {
    await runCliOk(['app', 'stop'], opts());
    assert.deepEqual(runningContainers(host(), project.service), []);
    await runCliOk(['app', 'boot', '--version', 'v1'], opts());
    assert.equal((await get(`http://${h1}/version`)).body.trim(), 'v1');
    const r = await runCliOk(['redeploy', '--version', 'v1'], opts());
    assert.doesNotMatch(r.stdout, /build and push/);
    assert.equal((await get(`http://${h1}/version`)).body.trim(), 'v1');
    const { client, close } = await labClient(project.lab);
    try {
      const d = await client.workflow.getHandle(`sextant/${project.service}`).describe();
      assert.equal(d.type, 'deploy');
    } finally {
      await close();
    }
  });

  describe('on a host without docker', function () {
    let sshd: Sshd;
    let other: Project;
    let bin: string;

    before(async function () {
      // Every tool of /usr/bin but docker (and curl/wget, so the installer cannot reach out of the lab).
      bin = mkdtempSync(join(tmpdir(), 'sextant-no-docker-'));
      for (const f of readdirSync('/usr/bin').filter((f) => !/^(docker|curl$|wget$)/.test(f))) symlinkSync(join('/usr/bin', f), join(bin, f));
      sshd = await startSshd([`SetEnv PATH=${bin}`]);
      other = makeProject({ hosts: 1 });
      editConfig(other, (c) => {
        c.servers = { web: { hosts: ['127.0.0.1'] } };
        c.ssh = { user: 'root', port: sshd.port, keys: [sshd.clientKey] };
      });
    });

    it('server bootstrap finds docker missing and tries to install it, failing with the host and cause', async function () {
      const r = await runCli(['server', 'bootstrap'], opts(other));
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /installing Docker on 127\.0\.0\.1 failed/);
      assert.match(r.stderr, /curl: not found|wget: not found/, 'it ran the installer, which found no downloader');
      assert.match(r.stdout, /127\.0\.0\.1\s+✗ install Docker if missing/);
    });

    after(async function () {
      if (other) await runCli(['agent', 'stop'], opts(other));
      rmSync(`/root/.kamal/lock-${other?.service}`, { recursive: true, force: true });
      rmSync(`/root/.kamal/${other?.service}-audit.log`, { force: true });
      await sshd?.stop();
      rmSync(bin, { recursive: true, force: true });
    });
  });

  after(async function () {
    if (!project) return;
    await runCli(['agent', 'stop'], opts());
    for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});
