import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { abbreviatedVersion, hookEnv, runHookFile, type HookPlan } from '../../../activities/hooks';

const SHA = '150b24f4c5e8a1b2c3d4e5f60718293a4b5c6d7e';
const HOSTS = ['10.0.0.1', '10.0.0.2'];

function plan(overrides: Partial<HookPlan> = {}, source: Partial<HookPlan['source']> = {}): HookPlan {
  return {
    deployId: '20250314T092653Z-0a1b2c3d',
    service: 'app',
    destination: null,
    version: SHA,
    startedAt: '2025-03-14T09:26:53.589Z',
    build: { context: '.', dockerfile: 'Dockerfile', args: {} },
    ...overrides,
    source: { cwd: '/nonexistent', hooksPath: '.kamal/hooks', skipHooks: false, performer: 'alice', command: 'deploy', ...source },
  };
}

describe('activities/hooks: variables', () => {
  it('gives Kamal 2 names and formats, and leaves out what has no value', () => {
    assert.deepEqual(hookEnv(plan(), 'pre-connect', HOSTS), {
      KAMAL_RECORDED_AT: '2025-03-14T09:26:53Z',
      KAMAL_PERFORMER: 'alice',
      KAMAL_SERVICE: 'app',
      KAMAL_SERVICE_VERSION: 'app@150b24f',
      KAMAL_VERSION: SHA,
      KAMAL_HOSTS: '10.0.0.1,10.0.0.2',
      KAMAL_LOCK: 'false',
      KAMAL_COMMAND: 'deploy',
      SEXTANT_DEPLOY_ID: '20250314T092653Z-0a1b2c3d',
    });
  });

  it('adds the destination, the lock held during pre-deploy, and the command of a rollback', () => {
    const env = hookEnv(plan({ destination: 'staging', version: 'v1' }, { command: 'rollback' }), 'pre-deploy', ['h1']);
    assert.equal(env.KAMAL_DESTINATION, 'staging');
    assert.equal(env.KAMAL_LOCK, 'true');
    assert.equal(env.KAMAL_COMMAND, 'rollback');
    assert.equal(env.KAMAL_SERVICE_VERSION, 'app@v1');
    assert.equal(env.KAMAL_HOSTS, 'h1');
    assert.equal(env.KAMAL_SUBCOMMAND, undefined);
  });

  it('splits a command of two words into KAMAL_COMMAND and KAMAL_SUBCOMMAND, as Kamal does', () => {
    const env = hookEnv(plan({}, { command: 'proxy reboot' }), 'pre-proxy-reboot', ['h1']);
    assert.equal(env.KAMAL_COMMAND, 'proxy');
    assert.equal(env.KAMAL_SUBCOMMAND, 'reboot');
  });

  it('says the lock is held during the app-boot hooks too, and only then and in pre-deploy', () => {
    const locks = ['pre-connect', 'pre-build', 'pre-deploy', 'pre-app-boot', 'post-app-boot', 'post-deploy'].map((h) => hookEnv(plan(), h, HOSTS).KAMAL_LOCK);
    assert.deepEqual(locks, ['false', 'false', 'true', 'true', 'true', 'false']);
  });

  it('gives post-deploy the whole seconds since the deploy started, rounded', () => {
    const started = Date.parse(plan().startedAt);
    assert.equal(hookEnv(plan(), 'post-deploy', HOSTS, started + 61_499).KAMAL_RUNTIME, '61');
    assert.equal(hookEnv(plan(), 'post-deploy', HOSTS, started + 61_500).KAMAL_RUNTIME, '62');
    assert.equal(hookEnv(plan(), 'post-deploy', HOSTS, started - 5000).KAMAL_RUNTIME, '0');
    assert.equal(hookEnv(plan(), 'pre-deploy', HOSTS, started + 61_500).KAMAL_RUNTIME, undefined);
  });

  it('is the same on every run of the same deploy, except KAMAL_RUNTIME', () => {
    const { KAMAL_RUNTIME: a, ...first } = hookEnv(plan(), 'post-deploy', HOSTS, Date.now());
    const { KAMAL_RUNTIME: b, ...again } = hookEnv(plan(), 'post-deploy', HOSTS, Date.now() + 3_600_000);
    assert.deepEqual(again, first);
    assert.notEqual(a, b);
  });

  it('abbreviates a commit to 7 characters but keeps an uncommitted version whole', () => {
    assert.equal(abbreviatedVersion(SHA), '150b24f');
    assert.equal(abbreviatedVersion(`${SHA}_uncommitted_9f8e7d6c5b4a3921`), `${SHA}_uncommitted_9f8e7d6c5b4a3921`);
    assert.equal(abbreviatedVersion('v1.2'), 'v1.2');
  });
});

describe('activities/hooks: running a hook', () => {
  let dir: string;
  // Failing hooks are the point of several tests: keep the SDK's failure warnings out of the output.
  const env = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const hook = (name: string, script: string, mode = 0o755) => {
    mkdirSync(join(dir, '.kamal', 'hooks'), { recursive: true });
    writeFileSync(join(dir, '.kamal', 'hooks', name), script);
    chmodSync(join(dir, '.kamal', 'hooks', name), mode);
  };
  const run = (name: string, p = plan({}, { cwd: dir })) => env.run(runHookFile, p, name, HOSTS);
  const hookFailure = (pattern: RegExp) => (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, String(err));
    assert.equal(err.type, 'HookFailed');
    assert.equal(err.nonRetryable, true);
    assert.match(err.message, pattern);
    return true;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sextant-hooks-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the hook in the checkout with its variables, replacing leftovers from the worker', async () => {
    hook('pre-deploy', '#!/bin/sh\npwd > out\nenv | grep -E "^(KAMAL_|SEXTANT_DEPLOY_ID=|PATH=)" | sort >> out\necho hello\n');
    process.env.KAMAL_SUBCOMMAND = 'stale';
    process.env.KAMAL_SERVICE = 'stale';
    try {
      const result = await run('pre-deploy');
      assert.deepEqual(result, { ran: true, output: 'hello\n' });
    } finally {
      delete process.env.KAMAL_SUBCOMMAND;
      delete process.env.KAMAL_SERVICE;
    }
    const [cwd, ...lines] = readFileSync(join(dir, 'out'), 'utf8').trim().split('\n');
    assert.equal(cwd, dir);
    const expected = { ...hookEnv(plan({}, { cwd: dir }), 'pre-deploy', HOSTS), PATH: process.env.PATH };
    assert.deepEqual(Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])), expected);
  });

  it('does nothing when the hook is absent, or hooks are skipped (-H)', async () => {
    assert.deepEqual(await run('pre-deploy'), { ran: false, output: '' });
    hook('pre-deploy', '#!/bin/sh\nexit 1\n');
    assert.deepEqual(await run('pre-deploy', plan({}, { cwd: dir, skipHooks: true })), { ran: false, output: '' });
  });

  it('stops the deploy with the exit code and output when the hook fails', async () => {
    hook('pre-deploy', '#!/bin/sh\necho checking\necho "no deploys on fridays" >&2\nexit 3\n');
    await assert.rejects(run('pre-deploy'), hookFailure(/^hook pre-deploy failed \(exit 3\): \/.*\/\.kamal\/hooks\/pre-deploy\nchecking\nno deploys on fridays$/));
  });

  it('names a hook that is not executable and the chmod that fixes it', async () => {
    hook('pre-deploy', '#!/bin/sh\nexit 0\n', 0o644);
    await assert.rejects(run('pre-deploy'), hookFailure(/^hook pre-deploy is not executable: \/.*\/\.kamal\/hooks\/pre-deploy\. Fix: chmod \+x \.kamal\/hooks\/pre-deploy$/));
  });

  it('checks every hook of the deploy at pre-connect, so nothing changed before one turns out broken', async () => {
    hook('post-deploy', '#!/bin/sh\nexit 0\n', 0o644);
    await assert.rejects(run('pre-connect'), hookFailure(/hook post-deploy is not executable/));
  });

  it('does not check pre-build for a deploy that does not build (--skip-push, rollback)', async () => {
    hook('pre-build', '#!/bin/sh\nexit 0\n', 0o644);
    assert.deepEqual(await run('pre-connect', plan({ build: null }, { cwd: dir })), { ran: false, output: '' });
  });

  it('says so when the hook is a directory or its interpreter does not exist', async () => {
    mkdirSync(join(dir, '.kamal', 'hooks', 'pre-build'), { recursive: true });
    await assert.rejects(run('pre-build'), hookFailure(/^hook pre-build is not a file: .*pre-build\. Fix: make \.kamal\/hooks\/pre-build an executable script, or remove it$/));
    hook('post-deploy', '#!/nonexistent/interpreter\nexit 0\n');
    await assert.rejects(run('post-deploy'), hookFailure(/^hook post-deploy could not start: .*post-deploy: the interpreter on its #! line was not found$/));
  });

  it('uses hooks_path relative to the checkout', async () => {
    mkdirSync(join(dir, 'bin', 'hooks'), { recursive: true });
    writeFileSync(join(dir, 'bin', 'hooks', 'pre-connect'), '#!/bin/sh\necho "$KAMAL_SERVICE_VERSION"\n', { mode: 0o755 });
    assert.deepEqual(await run('pre-connect', plan({}, { cwd: dir, hooksPath: 'bin/hooks' })), { ran: true, output: 'app@150b24f\n' });
  });
});
