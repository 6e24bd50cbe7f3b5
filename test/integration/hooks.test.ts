// Kamal hooks end to end against the lab: which run, in what order, with which variables;
// a failing hook stops the deploy before it changes a host; -H skips them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEPLOY_HOOKS } from '../../plan/hooks';
import { performer } from '../../plan/build';
import { runCli, runCliOk } from '../support/cli';
import { containers, labHost, proxyRoutes, removeService } from '../support/hosts';
import { get } from '../support/http';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { labClient } from '../support/temporal';

const DESTINATION = 'staging';

/** Each hook appends its name and its variables to hooks.log in the checkout. */
const LOGGING_HOOK = '#!/bin/sh\n{ echo "== $(basename "$0")"; env | grep -E "^(KAMAL_|SEXTANT_DEPLOY_ID=)" | sort; } >> hooks.log\n';
const FAILING_HOOK = '#!/bin/sh\necho "== $(basename "$0")" >> hooks.log\necho "no deploys on fridays"\nexit 3\n';

interface HookRun {
  name: string;
  env: Record<string, string>;
}

describe('hooks (lab)', function () {
  let project: Project;
  /** The checkout's commit: the first test builds and deploys it, the others redeploy it. */
  let version: string;
  const log = () => join(project.dir, 'hooks.log');
  const hookFile = (name: string) => join(project.dir, '.kamal', 'hooks', name);
  const deploy = (...args: string[]) => runCli(['deploy', '-d', DESTINATION, ...args], { cwd: project.dir, env: project.env });
  // Editing a committed hook makes the checkout dirty (a new version): redeploy the built one.
  const redeploy = (...args: string[]) => deploy('--skip-push', '--version', version, ...args);

  /** The hooks that ran since the last call, in order. */
  const hookRuns = (): HookRun[] => {
    if (!existsSync(log())) return [];
    const text = readFileSync(log(), 'utf8');
    rmSync(log());
    return text
      .split(/^== /m)
      .filter(Boolean)
      .map((entry) => {
        const [name, ...lines] = entry.trimEnd().split('\n');
        return { name: name!, env: Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])) };
      });
  };
  const deployMemo = async () => {
    const { client, close } = await labClient(project.lab);
    try {
      const d = await client.workflow.getHandle(`sextant/${project.service}/${DESTINATION}`).describe();
      return d.memo as { deployId: string; startedAt: string };
    } finally {
      await close();
    }
  };
  const hostState = () => project.hosts.map((h) => {
    const host = labHost(project.lab, h);
    return { containers: containers(host, project.service).map((c) => `${c.name} ${c.id} ${c.state}`).sort(), routes: proxyRoutes(host) };
  });

  before(function () {
    project = makeProject({ hosts: 2, hooks: Object.fromEntries(DEPLOY_HOOKS.map((h) => [h, LOGGING_HOOK])) });
    // A destination, so KAMAL_DESTINATION has a value; with one, Kamal 2 reads .kamal/secrets.<dest>.
    writeFileSync(join(project.dir, 'config', `deploy.${DESTINATION}.yml`), 'env:\n  clear:\n    STAGE: staging\n');
    copyFileSync(join(project.dir, '.kamal', 'secrets'), join(project.dir, '.kamal', `secrets.${DESTINATION}`));
    version = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: project.dir, encoding: 'utf8' }).trim();
  });

  // A test that failed half-way must not leave its hook runs to the next.
  beforeEach(() => rmSync(log(), { force: true }));

  it('runs pre-connect, pre-build, pre-deploy, the app-boot pair around each boot batch and post-deploy, with the same variables', async function () {
    const r = await deploy();
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const runs = hookRuns();
    const [h1, h2] = project.hosts as [string, string];
    // boot.limit 1: one batch per host, as Kamal 2 runs pre-/post-app-boot once per boot group.
    assert.deepEqual(runs.map((h) => [h.name, h.env.KAMAL_HOSTS]), [
      ['pre-connect', `${h1},${h2}`],
      ['pre-build', `${h1},${h2}`],
      ['pre-deploy', `${h1},${h2}`],
      ['pre-app-boot', h1],
      ['post-app-boot', h1],
      ['pre-app-boot', h2],
      ['post-app-boot', h2],
      ['post-deploy', `${h1},${h2}`],
    ]);
    const memo = await deployMemo();
    for (const { name, env } of runs) {
      const { KAMAL_RUNTIME: runtime, KAMAL_HOSTS: _hosts, ...rest } = env;
      assert.deepEqual(rest, {
        KAMAL_COMMAND: 'deploy',
        KAMAL_DESTINATION: DESTINATION,
        KAMAL_LOCK: String(['pre-deploy', 'pre-app-boot', 'post-app-boot'].includes(name)),
        KAMAL_PERFORMER: performer(project.dir),
        KAMAL_RECORDED_AT: memo.startedAt.replace(/\.\d+Z$/, 'Z'),
        KAMAL_SERVICE: project.service,
        KAMAL_SERVICE_VERSION: `${project.service}@${version.slice(0, 7)}`,
        KAMAL_VERSION: version,
        SEXTANT_DEPLOY_ID: memo.deployId,
      }, `variables of ${name}`);
      if (name === 'post-deploy') assert.match(runtime ?? '', /^\d+$/);
      else assert.equal(runtime, undefined);
    }
    assert.match(runs[0]!.env.KAMAL_RECORDED_AT!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (const h of project.hosts) assert.equal((await get(`http://${h}/version`)).body.trim(), version);
  });

  it('runs no pre-build when nothing is built (--skip-push)', async function () {
    const r = await redeploy();
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(hookRuns().map((h) => h.name), ['pre-connect', 'pre-deploy', 'pre-app-boot', 'post-app-boot', 'pre-app-boot', 'post-app-boot', 'post-deploy']);
  });

  it('stops at a failing pre-deploy hook: its output shown, hosts unchanged, lock released', async function () {
    writeFileSync(hookFile('pre-deploy'), FAILING_HOOK);
    const before = hostState();
    const r = await redeploy();
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /hook pre-deploy failed \(exit 3\)/);
    assert.match(r.stdout + r.stderr, /no deploys on fridays/);
    assert.deepEqual(hookRuns().map((h) => h.name), ['pre-connect', 'pre-deploy']);
    assert.deepEqual(hostState(), before);
    const primary = labHost(project.lab, project.hosts[0]!);
    assert.equal(onHost(primary, `test -e .kamal/lock-${project.service}-${DESTINATION} && echo held || echo free`).trim(), 'free');
  });

  it('names a hook that is not executable and how to fix it, before changing anything', async function () {
    chmodSync(hookFile('post-deploy'), 0o644);
    try {
      const before = hostState();
      const r = await redeploy();
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, /hook post-deploy is not executable: .*\. Fix: chmod \+x \.kamal\/hooks\/post-deploy/);
      assert.deepEqual(hookRuns(), []);
      assert.deepEqual(hostState(), before);
    } finally {
      chmodSync(hookFile('post-deploy'), 0o755);
    }
  });

  it('skips every hook with -H (even the failing pre-deploy)', async function () {
    const r = await redeploy('-H');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.deepEqual(hookRuns(), []);
  });

  it('stops at a failing pre-app-boot hook before its batch boots: hosts unchanged, lock released', async function () {
    writeFileSync(hookFile('pre-deploy'), LOGGING_HOOK);
    writeFileSync(hookFile('pre-app-boot'), FAILING_HOOK);
    const before = hostState();
    const r = await redeploy();
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /hook pre-app-boot failed \(exit 3\)/);
    assert.deepEqual(hookRuns().map((h) => h.name), ['pre-connect', 'pre-deploy', 'pre-app-boot']);
    assert.deepEqual(hostState(), before);
    const primary = labHost(project.lab, project.hosts[0]!);
    assert.equal(onHost(primary, `test -e .kamal/lock-${project.service}-${DESTINATION} && echo held || echo free`).trim(), 'free');
  });

  after(async function () {
    if (!project) return;
    await runCliOk(['agent', 'stop'], { cwd: project.dir, env: project.env }).catch(() => undefined);
    for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});
