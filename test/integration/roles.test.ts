// Roles: the primary (proxied) role boots first; a role without the proxy is judged by Docker
// (its health check, or still running after readiness_delay), polled by the workflow; when it
// fails, the proxied hosts already switched roll back and its previous container keeps running.
import assert from 'node:assert/strict';
import { runCli, runCliOk } from '../support/cli';
import { assertSettled, editConfig } from '../support/faults';
import { labHost, proxyRoutes, removeService, runningContainers } from '../support/hosts';
import { makeProject, type Project } from '../support/project';
import { labClient, scheduledActivities } from '../support/temporal';

describe('roles with and without the proxy', function () {
  let project: Project;
  let h1: string, h2: string;
  const opts = () => ({ cwd: project.dir, env: project.env });
  const names = (h: string) => runningContainers(labHost(project.lab, h), project.service).map((c) => c.name).sort();

  before(function () {
    project = makeProject({ hosts: 2 });
    [h1, h2] = project.hosts as [string, string];
    editConfig(project, (c) => {
      c.servers = { web: { hosts: [h1, h2] }, job: { hosts: [h2], cmd: '/bin/sh /start.sh' } };
      c.readiness_delay = 1;
    });
  });

  it('boots the primary role first, then the job role (no proxy route, judged by Docker)', async function () {
    await runCliOk(['deploy', '--version', 'v1'], opts());
    assert.deepEqual(names(h1), [`${project.service}-web-v1`]);
    assert.deepEqual(names(h2), [`${project.service}-job-v1`, `${project.service}-web-v1`]);
    assert.ok(!proxyRoutes(labHost(project.lab, h2)).includes(`${project.service}-job`), 'the job role has no proxy route');
    const { client, close } = await labClient(project.lab);
    try {
      const steps = scheduledActivities(await client.workflow.getHandle(`sextant/${project.service}`).fetchHistory());
      const boots = steps.filter((s) => s.type === 'bootContainer').map((s) => s.input[2]);
      assert.deepEqual(boots, ['web', 'web', 'job'], 'web (primary) hosts boot before the job role');
      assert.ok(steps.some((s) => s.type === 'probeHealth' && s.input[1] === h2), 'the job container was probed, not proxied');
    } finally {
      await close();
    }
  });

  it('a job that dies rolls the web hosts back and keeps the old job running', async function () {
    editConfig(project, (c) => ((c.servers as { job: { cmd: string } }).job.cmd = '/bin/sh -c "echo job is broken; exit 3"'));
    const r = await runCli(['deploy', '--version', 'v2'], opts());
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /job is broken/, "the failing container's logs are shown");
    assert.deepEqual(names(h2), [`${project.service}-job-v1`, `${project.service}-web-v1`]);
    assert.deepEqual(names(h1), [`${project.service}-web-v1`]);
    await assertSettled(project, { [h1]: 'v1', [h2]: 'v1' });
  });

  after(async function () {
    if (!project) return;
    await runCli(['agent', 'stop'], opts());
    for (const address of project.hosts) removeService(labHost(project.lab, address), project.service);
  });
});
