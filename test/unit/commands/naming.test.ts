import assert from 'node:assert/strict';
import * as n from '../../../commands/naming';

describe('commands/naming', () => {
  const web = { service: 'app', role: 'web' };
  const stagingWeb = { service: 'app', role: 'web', destination: 'staging' };

  it('names containers and proxy services as Kamal 2 does', () => {
    assert.equal(n.containerName(web, 'abc123'), 'app-web-abc123');
    assert.equal(n.containerName(stagingWeb, 'abc123'), 'app-web-staging-abc123');
    assert.equal(n.containerName(web, 'abc123_uncommitted_f00d'), 'app-web-abc123_uncommitted_f00d');
    assert.equal(n.containerPrefix(stagingWeb), 'app-web-staging-');
    assert.equal(n.proxyServiceName(web), 'app-web');
    assert.equal(n.proxyServiceName(stagingWeb), 'app-web-staging');
    assert.equal(n.serviceWithDestination({ service: 'app' }), 'app');
    assert.equal(n.serviceWithDestination({ service: 'app', destination: 'staging' }), 'app-staging');
  });

  it('reads the version back from a name', () => {
    assert.equal(n.versionFromName(web, 'app-web-abc123'), 'abc123');
    assert.equal(n.versionFromName(web, '/app-web-abc123'), 'abc123');
    assert.equal(n.versionFromName(stagingWeb, 'app-web-staging-abc_replaced_1f'), 'abc_replaced_1f');
    assert.equal(n.versionFromName(web, 'app-workers-abc123'), undefined);
    assert.equal(n.versionFromName(web, 'app-web-'), undefined);
  });

  it('builds the _replaced_ name and refuses non-hex; reads the name back', () => {
    assert.equal(n.replacedName('app-web-abc', '0a1b2c3d'), 'app-web-abc_replaced_0a1b2c3d');
    assert.equal(n.unreplacedName('app-web-abc_replaced_0a1b2c3d'), 'app-web-abc');
    assert.equal(n.unreplacedName('app-web-abc'), 'app-web-abc');
    assert.throws(() => n.replacedName('app-web-abc', 'xyz'), /hex/);
  });

  it('labels: service, role, destination (empty when none), deploy ID', () => {
    assert.deepEqual(n.appLabels(web, 'd-1'), { service: 'app', role: 'web', destination: '', 'sextant.deploy-id': 'd-1' });
    assert.deepEqual(n.appLabels(stagingWeb, 'd-1'), { service: 'app', role: 'web', destination: 'staging', 'sextant.deploy-id': 'd-1' });
  });

  it('paths under ~/.kamal', () => {
    assert.equal(n.roleEnvFile(web), '.kamal/apps/app/env/roles/web.env');
    assert.equal(n.roleEnvFile(stagingWeb), '.kamal/apps/app-staging/env/roles/web.env');
    assert.equal(n.appDirectory(stagingWeb), '.kamal/apps/app-staging');
    assert.equal(n.lockDirectory({ service: 'app' }), '.kamal/lock-app');
    assert.equal(n.lockDirectory({ service: 'app', destination: 'staging' }), '.kamal/lock-app-staging');
    assert.equal(n.auditLogFile({ service: 'app' }), '.kamal/app-audit.log');
    assert.equal(n.auditLogFile({ service: 'app', destination: 'staging' }), '.kamal/app-staging-audit.log');
  });

  it('image references', () => {
    assert.equal(n.imageRepository({ image: 'acme/app' }), 'acme/app');
    assert.equal(n.imageRepository({ image: 'acme/app', registryServer: 'registry.example.com:5000' }), 'registry.example.com:5000/acme/app');
    assert.equal(n.imageRepository({ image: 'registry.example.com/acme/app', registryServer: 'registry.example.com' }), 'registry.example.com/acme/app');
    assert.equal(n.imageRepository({ image: 'acme/app', registryServer: 'ghcr.io/' }), 'ghcr.io/acme/app');
    assert.equal(n.versionedImage({ image: 'acme/app', registryServer: 'ghcr.io' }, 'abc'), 'ghcr.io/acme/app:abc');
    assert.equal(n.latestTag(), 'latest');
    assert.equal(n.latestTag('staging'), 'latest-staging');
    assert.equal(n.latestImage({ image: 'acme/app', destination: 'staging' }), 'acme/app:latest-staging');
  });

  it('refuses names that are not Docker names (and could read as flags)', () => {
    assert.throws(() => n.containerName({ service: '--rm', role: 'web' }, 'abc'), /invalid service/);
    assert.throws(() => n.containerName({ service: 'app', role: 'we b' }, 'abc'), /invalid role/);
    assert.throws(() => n.containerName({ service: 'app', role: 'web', destination: '' }, 'abc'), /invalid destination/);
    assert.throws(() => n.containerName(web, 'a/b'), /invalid version/);
    assert.throws(() => n.containerName(web, '-x'), /invalid version/);
    assert.throws(() => n.imageRepository({ image: 'acme/app@sha256:00' }), /invalid image/);
  });
});
