import { strict as assert } from 'node:assert';
import { hostEnv, loadConfig, roles } from '../../../config';
import { traefikMigration } from '../../../config/legacy';
import { cleanEnv, cleanupProjects, project } from './helpers';

function configOf(yaml: string) {
  return loadConfig({ cwd: project({ 'config/deploy.yml': `service: a\nimage: b\n${yaml}` }), env: cleanEnv() }).config;
}

describe('config: host tags and env.tags', () => {
  after(cleanupProjects);

  it('merges the env of each tag of a host over the role env, in env.tags order', () => {
    const config = configOf(`servers:
  web:
    - h1
    - h2: [b, a]
    - h3: a
env:
  clear: { X: top, Q: top }
  secret: [S]
  tags:
    a: { X: from-a }
    b:
      clear: { X: from-b, Q: from-b }
      secret: [Q]
`);
    const [web] = roles(config);
    assert.deepEqual(web.hosts, ['h1', 'h2', 'h3']);
    assert.deepEqual(web.hostTags, { h2: ['b', 'a'], h3: ['a'] });
    assert.deepEqual(hostEnv(config, web, 'h1'), { clear: { X: 'top', Q: 'top' }, secret: [{ name: 'S', secret: 'S' }] });
    // a comes before b in env.tags, so b's X wins; b makes Q a secret (not Y: YAML 1.1 reads a bare Y as true).
    assert.deepEqual(hostEnv(config, web, 'h2'), {
      clear: { X: 'from-b' },
      secret: [
        { name: 'S', secret: 'S' },
        { name: 'Q', secret: 'Q' },
      ],
    });
    assert.deepEqual(hostEnv(config, web, 'h3').clear, { X: 'from-a', Q: 'top' });
  });
});

describe('config: Kamal 0.16 forms', () => {
  after(cleanupProjects);

  it('reads the top-level healthcheck as proxy settings and stop_wait_time as stop_timeout', () => {
    const config = configOf('servers: [h1]\nhealthcheck:\n  path: /ping\n  port: 4000\n  interval: 500ms\nstop_wait_time: 12\n');
    assert.equal(config.proxy.app_port, 4000);
    assert.deepEqual(config.proxy.healthcheck, { path: '/ping', interval: 0.5, timeout: 5 });
    assert.equal(config.stop_timeout, 12);
    assert.equal(roles(config)[0].stopTimeout, 12);
  });

  it('uses port 3000 (the 0.16 default) when the health check gives none', () => {
    assert.equal(configOf('servers: [h1]\nhealthcheck:\n  path: /up\n').proxy.app_port, 3000);
  });

  it('lets explicit Kamal 2 settings win over the 0.16 ones', () => {
    const config = configOf(
      'servers: [h1]\nhealthcheck:\n  path: /old\n  port: 4000\nproxy:\n  app_port: 8080\n  healthcheck:\n    path: /new\nstop_timeout: 3\nstop_wait_time: 30\n',
    );
    assert.equal(config.proxy.app_port, 8080);
    assert.equal(config.proxy.healthcheck.path, '/new');
    assert.equal(config.stop_timeout, 3);
  });

  it('says what to write under proxy: for a traefik: section', () => {
    assert.equal(
      traefikMigration({ labels: { 'traefik.http.routers.x.rule': 'Host(`a.test`) && PathPrefix(`/api`)' }, host_port: 8000 }),
      'Kamal 1 routed traffic with Traefik; Sextant (like Kamal 2) uses kamal-proxy, so traefik: is not read. ' +
        'Fix: remove traefik: and write under proxy: host: a.test (from the Host rule); path_prefix: /api (from the PathPrefix rule); ' +
        'run: { http_port: 8000 } (from host_port)',
    );
    assert.match(traefikMigration(undefined, [{ 'traefik.http.routers.y.rule': 'Host(`a.test`) || Host(`b.test`)' }]), /hosts: \[a\.test, b\.test\]/);
  });
});
