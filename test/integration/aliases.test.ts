// A deploy.yml alias runs the real command against the lab, with the words after it appended.
import assert from 'node:assert/strict';
import { runCli, runCliOk } from '../support/cli';
import { editConfig } from '../support/faults';
import { labHost, removeService, runningContainers } from '../support/hosts';
import { makeProject, type Project } from '../support/project';

describe('aliases against the lab', function () {
  let project: Project;
  const cli = (...args: string[]) => runCliOk(args, { cwd: project.dir, env: project.env });

  before(async function () {
    project = makeProject({ hosts: 1 });
    editConfig(project, (c) => (c.aliases = { 'web-details': 'app details -r web', 'web-logs': 'app logs -r web -T' }));
    await cli('deploy', '--version', 'al1');
  });

  after(async function () {
    if (!project) return;
    removeService(labHost(project.lab, project.hosts[0]!), project.service);
    await runCli(['agent', 'stop'], { cwd: project.dir, env: project.env });
  });

  it('web-details shows the container that really runs on the host', async function () {
    const [running] = runningContainers(labHost(project.lab, project.hosts[0]!), project.service);
    assert.equal(running?.name, `${project.service}-web-al1`);
    const r = await cli('web-details');
    assert.match(r.stdout, new RegExp(`${running.name}`));
  });

  it('web-logs -n 1 -g listening: the appended flags reach app logs', async function () {
    const all = await cli('web-logs');
    const one = await cli('web-logs', '-n', '1', '-g', 'listening');
    assert.match(all.stdout, /app al1: listening on :3000/);
    assert.match(one.stdout, /app al1: listening on :3000/);
    assert.equal(one.stdout.trim().split('\n').length, 1, one.stdout);
  });
});
