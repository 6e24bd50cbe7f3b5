// `sextant prune` and its schedule against the lab: the prune workflow keeps exactly --retain
// old containers (and their images), so a rollback to each works and one to a pruned version
// is refused before any host changes; a schedule fires and prunes, visibly in history; one
// that fires while a deploy holds the lock skips, saying why.
import { defaultPayloadConverter } from '@temporalio/common';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, runCliOk } from '../support/cli';
import { Holds } from '../support/faults';
import { recordHistory } from '../support/histories';
import { containers, hostSnapshot, labHost, removeService } from '../support/hosts';
import { get } from '../support/http';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';
import { labClient } from '../support/temporal';

interface Op { workflowId: string; kind: string; result: string; start: string }

describe('prune (lab hosts)', function () {
  let project: Project;
  let holds: Holds;
  const run = (...args: string[]) => runCli(args, { cwd: project.dir, env: project.env });
  const ok = (...args: string[]) => runCliOk(args, { cwd: project.dir, env: project.env });
  const host = (h: string) => labHost(project.lab, h);
  /** `<version> <state>` of the service's containers on a host, sorted. */
  const versions = (h: string) => containers(host(h), project.service).map((c) => `${c.name.slice(`${project.service}-web-`.length)} ${c.state}`).sort();
  const imageTags = (h: string) => onHost(host(h), `docker image ls --filter label=service=${project.service} --format '{{.Tag}}'`).split('\n').filter(Boolean).sort();
  const versionsServed = async () => Promise.all(project.hosts.map(async (h) => (await get(`http://${h}/version`)).body.trim()));
  const operations = async () => (JSON.parse((await ok('history', '--json')).stdout.trim()) as { data: { operations: Op[] } }).data.operations;
  const scheduled = (ops: Op[]) => ops.filter((o) => o.kind === 'prune' && o.workflowId !== `sextant/${project.service}`);
  /** Polls `probe` until it gives a value. No deadline of its own: mocha's timeout is the safety net. */
  async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  before(function () {
    project = makeProject({ hosts: 2 });
    holds = new Holds(join(project.home, '..', 'holds'));
    project.env.SEXTANT_TEST_HOLD_DIR = holds.dir;
  });

  it('prune all --retain 2 keeps exactly two old containers and their images; rollback to each works, to a pruned one is refused', async function () {
    for (const v of ['v1', 'v2', 'v3', 'v4']) await ok('deploy', '--version', v);
    // The deploys' own prune keeps retain_containers (3) stopped ones.
    for (const h of project.hosts) assert.deepEqual(versions(h), ['v1 exited', 'v2 exited', 'v3 exited', 'v4 running']);

    const r = await ok('prune', 'all', '--retain', '2');
    assert.match(r.stdout, /pruned all on 2 host\(s\)/);
    for (const h of project.hosts) {
      assert.deepEqual(versions(h), ['v2 exited', 'v3 exited', 'v4 running'], h);
      assert.deepEqual(imageTags(h), ['v2', 'v3', 'v4'], `${h} keeps the images of the kept containers only`);
      assert.match(onHost(host(h), `tail -n 1 .kamal/${project.service}-audit.log`).trim(), /\] Pruned old containers \(keeping 2 per role\) and images$/);
    }
    const { client, close } = await labClient(project.lab);
    try {
      const handle = client.workflow.getHandle(`sextant/${project.service}`);
      await recordHistory('prune', handle);
      const history = await handle.fetchHistory();
      const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
      assert.equal(started.workflowType?.name, 'prune');
      assert.deepEqual(defaultPayloadConverter.fromPayload(started.input!.payloads![1]! as never), { what: 'all', retain: 2 }, 'the arguments are in history');
    } finally {
      await close();
    }

    const before = project.hosts.map((h) => hostSnapshot(host(h), project.service));
    const refused = await run('rollback', 'v1');
    assert.equal(refused.code, 1, refused.stdout);
    const [h1, h2] = project.hosts.map((h) => h.replace(/\./g, '\\.'));
    assert.match(refused.stderr, new RegExp(`version v1 of ${project.service} has no container on ${h1} \\(web\\), ${h2} \\(web\\): it was pruned there, or never deployed\\. Nothing was changed\\. Fix: `));
    assert.deepEqual(project.hosts.map((h) => hostSnapshot(host(h), project.service)), before, 'no host changed');

    await ok('rollback', 'v3');
    assert.deepEqual(await versionsServed(), ['v3', 'v3']);
    await ok('rollback', 'v2');
    assert.deepEqual(await versionsServed(), ['v2', 'v2']);
  });

  it('a 10s schedule fires and prunes, visible in history; creating it again updates it; --list, --delete', async function () {
    assert.match((await ok('prune', 'schedule', '--every', '10s', '--retain', '1')).stdout, new RegExp(`created the schedule sextant-prune/${project.service}: prune all every 10s, keeping 1 containers per role`));
    assert.match((await ok('prune', 'schedule', '--every', '10s', '--retain', '1')).stdout, /updated the existing schedule/);
    assert.match((await ok('prune', 'schedule', '--list')).stdout, /prune all every 10s, keeping 1 containers per role; next \d{4}-/);
    const fired = await eventually(async () => scheduled(await operations()).find((o) => o.result === 'completed'));
    assert.match(fired.workflowId, new RegExp(`^sextant/${project.service}-`));
    for (const h of project.hosts) assert.equal(versions(h).filter((v) => v.endsWith('exited')).length, 1, `${h}: ${versions(h).join(', ')}`);
    assert.match((await ok('prune', 'schedule', '--delete')).stdout, /deleted the prune schedule/);
    const gone = await run('prune', 'schedule', '--list');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /has no prune schedule .* Fix: `sextant prune schedule --every 1d`/);
    const tooShort = await run('prune', 'schedule', '--every', '5s');
    assert.equal(tooShort.code, 2);
    assert.match(tooShort.stderr, /--every must be at least 10s/);
  });

  it('a prune that fires while a deploy runs skips (the same lock), visibly; a manual one is refused', async function () {
    const key = `bootContainer@${project.hosts[0]}`;
    holds.hold(key);
    try {
      await ok('deploy', '--version', 'v5', '--detach');
      await holds.reached(key);
      const manual = await run('prune', 'all');
      assert.equal(manual.code, 4, manual.stderr);
      assert.match(manual.stderr, /another operation of .* is running/);
      await ok('prune', 'schedule', '--every', '1h');
      const firedBefore = scheduled(await operations()).length;
      await ok('prune', 'schedule', '--trigger');
      const skipped = await eventually(async () => {
        const ops = scheduled(await operations());
        return ops.length > firedBefore && ops[0]!.result !== 'running' ? ops[0] : undefined;
      });
      assert.match(skipped.result, new RegExp(`^completed: skipped: the deploy lock of ${project.service} on ${project.hosts[0]!.replace(/\./g, '\\.')} is held: Locked by: .*`));
      const text = (await ok('history', '-n', '1')).stdout;
      assert.match(text, /Z {2}prune by .*: completed: skipped: the deploy lock/);
    } finally {
      holds.release(key);
      await run('prune', 'schedule', '--delete');
    }
    await ok('deploy', 'attach');
    assert.deepEqual(await versionsServed(), ['v5', 'v5']);
  });

  after(async function () {
    if (!project) return;
    await run('prune', 'schedule', '--delete');
    await run('agent', 'stop');
    for (const address of project.hosts) {
      removeService(host(address), project.service);
      onHost(host(address), `rm -f .kamal/${project.service}-audit.log`);
    }
  });
});
