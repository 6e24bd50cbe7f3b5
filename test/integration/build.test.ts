// `sextant build …` against the lab: the registry, the deployer's engine, a lab host's engine as
// remote builder, and a deploy of what the remote builder pushed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli, runCliOk } from '../support/cli';
import { labHost, removeService } from '../support/hosts';
import { get } from '../support/http';
import { deployerDocker, onHost, readLab } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { labClient } from '../support/temporal';
import { registryHasTag } from '../support/registry';

// One sealing key for every project here: the outer project's agent (started by build pull) still
// polls the host queue while the remote builder's project deploys.
const env = { SEXTANT_SECRET_KEY: randomBytes(32).toString('hex') };
const HOOK = '#!/bin/sh\necho "$KAMAL_COMMAND $KAMAL_VERSION" >> "$(dirname "$PWD")/pre-build.log"\n';
const hookLog = (p: Project) => join(dirname(p.dir), 'pre-build.log');
const repository = (p: Project) => `sextant/${p.service}`;
const imageRef = (p: Project, tag: string) => `${p.lab.registry.server}/${repository(p)}:${tag}`;
const removeLocalImages = (p: Project) => {
  const repo = `${p.lab.registry.server}/${repository(p)}:`;
  const refs = deployerDocker(p.lab, ['images', '--format', '{{.Repository}}:{{.Tag}}']).split('\n').filter((r) => r.startsWith(repo));
  if (refs.length) deployerDocker(p.lab, ['rmi', ...refs]);
};
const hasLocalImage = (p: Project, ref: string) => {
  try {
    deployerDocker(p.lab, ['image', 'inspect', ref]);
    return true;
  } catch {
    return false;
  }
};

describe('build commands against the lab', function () {
  let project: Project;
  const cli = (...args: string[]) => runCliOk(args, { cwd: project.dir, env: project.env });

  const hostHasImage = (address: string, ref: string) => onHost(labHost(project.lab, address), `docker image inspect ${ref} >/dev/null 2>&1 && echo yes || echo no`).trim() === 'yes';

  before(function () {
    project = makeProject({ hosts: 2, hooks: { 'pre-build': HOOK }, env });
  });
  const built: Project[] = [];
  after(async function () {
    await runCli(['agent', 'stop'], { cwd: project.dir, env: project.env });
    for (const p of [project, ...built]) removeLocalImages(p);
    const repo = `${project.lab.registry.server}/${repository(project)}`;
    for (const address of project.hosts) onHost(labHost(project.lab, address), `docker images --format '{{.Repository}}:{{.Tag}}' | grep '^${repo}:' | xargs -r docker rmi >/dev/null; true`);
  });

  it('build push: runs pre-build, then pushes the version and latest to the registry', async function () {
    const r = await cli('build', 'push', '--version', 'p1');
    assert.match(r.stdout, new RegExp(`Pushed ${imageRef(project, 'p1').replace(/[.]/g, '\\.')} \\(and latest\\)`));
    assert.equal(await registryHasTag(project.lab, repository(project), 'p1'), true);
    assert.equal(await registryHasTag(project.lab, repository(project), 'latest'), true);
    assert.equal(readFileSync(hookLog(project), 'utf8'), 'build p1\n');
    assert.ok(!r.stdout.includes(project.lab.registry.password) && !r.stderr.includes(project.lab.registry.password));
  });

  it('build pull: the version\'s image on every host, as an operation workflow with its arguments', async function () {
    assert.deepEqual(project.hosts.map((h) => hostHasImage(h, imageRef(project, 'p1'))), [false, false]);
    const r = await cli('build', 'pull', '--version', 'p1');
    assert.match(r.stdout, /started sextant\//);
    assert.deepEqual(project.hosts.map((h) => hostHasImage(h, imageRef(project, 'p1'))), [true, true]);
    const { client, close } = await labClient(project.lab);
    try {
      const inputs: { command: string; args: string[] }[] = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = "sextant/${project.service}" AND WorkflowType = "operation"` })) {
        const history = await client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
        const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
        inputs.push(JSON.parse(Buffer.from(started?.input?.payloads?.[0]?.data ?? []).toString('utf8')));
      }
      assert.deepEqual(inputs.map((i) => [i.command, i.args]), [['build pull', ['--version=p1']]]);
    } finally {
      await close();
    }
    const audit = onHost(labHost(project.lab, project.hosts[0]!), `cat .kamal/${project.service}-audit.log`);
    assert.match(audit, /Pulled image with version p1/);
  });

  it('build deliver: push, then pull that version on every host', async function () {
    await cli('build', 'deliver', '--version', 'd1');
    assert.equal(await registryHasTag(project.lab, repository(project), 'd1'), true);
    assert.deepEqual(project.hosts.map((h) => hostHasImage(h, imageRef(project, 'd1'))), [true, true]);
  });

  it('build dev: the dirty tree, tagged <version>-dirty, in the local engine only', async function () {
    writeFileSync(join(project.dir, 'start.sh'), readFileSync(join(project.dir, 'start.sh'), 'utf8') + '# changed\n');
    try {
      const r = await cli('build', 'dev', '--json');
      const result = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((e) => e.event === 'result');
      const [devTag, latestDirty] = result.data.tags as string[];
      const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: project.dir, encoding: 'utf8' }).trim();
      assert.match(devTag!, new RegExp(`^${commit}_uncommitted_[0-9a-f]{16}-dirty$`));
      assert.equal(latestDirty, 'latest-dirty');
      assert.ok(hasLocalImage(project, imageRef(project, devTag!)), 'the dev image is in the local engine');
      assert.equal(await registryHasTag(project.lab, repository(project), devTag!), false, 'build dev pushes nothing');
      assert.match(r.stdout, /uncommitted and untracked files go into the dev image:\\n M start.sh/);
    } finally {
      execFileSync('git', ['checkout', '--', 'start.sh'], { cwd: project.dir });
    }
  });

  it('build details: the builder, where it builds and the commands it would run', async function () {
    const r = await cli('build', 'details', '--json');
    const data = JSON.parse(r.stdout.trim()).data;
    assert.equal(data.builder, 'docker build (legacy builder), then docker push');
    assert.equal(data.buildxBuilder, null);
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: project.dir, encoding: 'utf8' }).trim();
    assert.deepEqual(data.commands, [
      `docker build -t ${imageRef(project, commit)} -t ${imageRef(project, 'latest')} --label service=${project.service} -f Dockerfile .`,
      `docker push ${imageRef(project, commit)}`,
      `docker push ${imageRef(project, 'latest')}`,
    ]);
  });

  it('a buildx-only option without buildx fails with one clear message, before the hook or any build', async function () {
    const p2 = makeProject({ hosts: 1, hooks: { 'pre-build': HOOK }, config: { builder: { cache: { type: 'registry' }, sbom: true } } });
    const r = await runCli(['build', 'push', '--version', 'c1'], { cwd: p2.dir, env: p2.env });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /config\/deploy\.yml: builder\.cache, builder\.sbom need docker buildx, and this docker client \(\d+\.[^)]*\) has no buildx plugin\. Fix: install the buildx plugin \(https:\/\/docs\.docker\.com\/go\/buildx\/\), or remove these keys from config\/deploy\.yml/,
    );
    assert.equal(existsSync(hookLog(p2)), false, 'the pre-build hook did not run');
    assert.equal(await registryHasTag(p2.lab, repository(p2), 'c1'), false);
    // deploy checks the same before it starts its workflow (--no-worker: no agent is left behind)
    const deploy = await runCli(['deploy', '--no-worker', '--version', 'c1'], { cwd: p2.dir, env: p2.env });
    assert.equal(deploy.code, 3, deploy.stdout + deploy.stderr);
    assert.match(deploy.stderr, /builder\.cache, builder\.sbom need docker buildx/);
    assert.doesNotMatch(deploy.stdout, /started sextant\//, 'no workflow was started');
    assert.equal(existsSync(hookLog(p2)), false);
    const create = await runCli(['build', 'create'], { cwd: project.dir, env: project.env });
    assert.equal(create.code, 3);
    assert.match(create.stderr, /build create manages a buildx builder, and this docker client \([^)]+\) has no buildx plugin/);
  });

  it('build secrets: through the environment with built-in BuildKit (docker 20.10); refused by the legacy builder', async function () {
    const token = `tok-${Math.random().toString(36).slice(2)}`;
    const p3 = makeProject({ hosts: 1, secrets: { BUILD_TOKEN: token }, config: { builder: { secrets: ['BUILD_TOKEN'], dockerfile: 'Dockerfile.secret' } } });
    built.push(p3);
    writeFileSync(
      join(p3.dir, 'Dockerfile.secret'),
      // The token is written in two pieces so that the Dockerfile, echoed by the build, never holds it whole.
      `FROM sextant-lab/busybox:1\nRUN --mount=type=secret,id=BUILD_TOKEN read v < /run/secrets/BUILD_TOKEN || true; [ "$v" = "${token.slice(0, 6)}""${token.slice(6)}" ] && echo ok > /secret-ok\n`,
    );
    execFileSync('git', ['add', 'Dockerfile.secret'], { cwd: p3.dir });
    execFileSync('git', ['-c', 'user.email=lab@sextant.test', '-c', 'user.name=lab', 'commit', '-qm', 'secret dockerfile'], { cwd: p3.dir });
    const legacy = await runCli(['build', 'push', '--version', 's1'], { cwd: p3.dir, env: p3.env });
    assert.equal(legacy.code, 3);
    assert.match(legacy.stderr, /builder\.secrets needs BuildKit, and this docker client \([^)]+\) has no buildx plugin, so it only has the legacy builder/);
    const buildkitEnv = { ...p3.env, PATH: `/usr/bin:${p3.env.PATH}` };
    const r = await runCliOk(['build', 'push', '--version', 's1', '--verbose'], { cwd: p3.dir, env: buildkitEnv });
    assert.equal(await registryHasTag(p3.lab, repository(p3), 's1'), true);
    const ref = imageRef(p3, 's1');
    assert.equal(deployerDocker(p3.lab, ['run', '--rm', '--entrypoint', '/bin/sh', ref, '-c', 'read x < /secret-ok; echo "$x"']).trim(), 'ok', 'the build saw the secret');
    assert.ok(!(r.stdout + r.stderr).includes(token), 'the secret is not in the output');
    assert.ok(!deployerDocker(p3.lab, ['history', '--no-trunc', ref]).includes(token), 'nor in the image history');
  });

  describe('remote builder on a lab host', function () {
    let remote: Project;
    before(function () {
      // The first of this run's three hosts builds; the other two are deployed to.
      const lab = readLab();
      const from = Number(process.env.SEXTANT_TEST_HOSTS_FROM ?? 0);
      const [builderHost, ...deployHosts] = lab.hosts.slice(from, from + 3).map((h) => h.address);
      remote = makeProject({
        hosts: 3,
        env,
        config: {
          servers: { web: { hosts: deployHosts } },
          builder: { remote: `ssh://root@${builderHost}`, args: { BASE_IMAGE: lab.baseImage } },
        },
      });
    });
    after(async function () {
      await runCli(['agent', 'stop'], { cwd: remote.dir, env: remote.env });
      for (const address of remote.hosts) removeService(labHost(remote.lab, address), remote.service);
      const repo = `${remote.lab.registry.server}/${repository(remote)}`;
      onHost(labHost(remote.lab, remote.hosts[0]!), `docker images --format '{{.Repository}}:{{.Tag}}' | grep '^${repo}:' | xargs -r docker rmi >/dev/null; true`);
    });

    it("builds on that host's engine over SSH and pushes from there; a deploy of the image works", async function () {
      const details = await runCliOk(['build', 'details'], { cwd: remote.dir, env: remote.env });
      assert.match(details.stdout, new RegExp(`Builds on: +root@${remote.hosts[0]!.replace(/\./g, '\\.')}:22 \\(its Docker engine, over Sextant's SSH\\)`));
      const r = await runCliOk(['build', 'push', '--version', 'r1'], { cwd: remote.dir, env: remote.env });
      assert.match(r.stdout, new RegExp(`built on ${remote.hosts[0]!.replace(/\./g, '\\.')}`));
      const builder = labHost(remote.lab, remote.hosts[0]!);
      assert.match(onHost(builder, `docker images --format '{{.Repository}}:{{.Tag}}'`), new RegExp(`^${imageRef(remote, 'r1').replace(/\./g, '\\.')}$`, 'm'));
      assert.equal(hasLocalImage(remote, imageRef(remote, 'r1')), false, "the deployer's engine did not build it");
      assert.equal(await registryHasTag(remote.lab, repository(remote), 'r1'), true);
      await runCliOk(['deploy', '--skip-push', '--version', 'r1'], { cwd: remote.dir, env: remote.env });
      for (const h of remote.hosts.slice(1)) assert.equal((await get(`http://${h}/version`)).body.trim(), 'r1');
    });

    it("a deploy's own build step builds on the remote builder too", async function () {
      await runCliOk(['deploy', '--version', 'r2'], { cwd: remote.dir, env: remote.env });
      assert.match(onHost(labHost(remote.lab, remote.hosts[0]!), `docker images --format '{{.Repository}}:{{.Tag}}'`), new RegExp(`^${imageRef(remote, 'r2').replace(/\./g, '\\.')}$`, 'm'));
      assert.equal(hasLocalImage(remote, imageRef(remote, 'r2')), false);
      for (const h of remote.hosts.slice(1)) assert.equal((await get(`http://${h}/version`)).body.trim(), 'r2');
    });
  });
});
