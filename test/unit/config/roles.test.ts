import { strict as assert } from 'node:assert';
import { allHosts, bootGroupSize, loadConfig, primaryRole, roles } from '../../../config';
import { cleanEnv, cleanupProjects, project } from './helpers';

function configOf(yaml: string) {
  return loadConfig({ cwd: project({ 'config/deploy.yml': yaml }), env: cleanEnv() }).config;
}

const DEFAULT_PROXY = {
  app_port: 80,
  ssl: false,
  ssl_redirect: true,
  strip_path_prefix: true,
  healthcheck: { path: '/up', interval: 1, timeout: 5 },
  response_timeout: 30,
};

describe('config: roles', () => {
  after(cleanupProjects);

  it('a plain list of servers is the primary role web, behind the proxy', () => {
    const config = configOf('service: a\nimage: b\nservers: [h1, h2]\nlabels:\n  app: a\nenv:\n  X: 1\n');
    assert.deepEqual(roles(config), [
      {
        name: 'web',
        primary: true,
        hosts: ['h1', 'h2'],
        hostTags: {},
        env: { clear: { X: '1' }, secret: [] },
        labels: { app: 'a' },
        options: {},
        logging: { options: { 'max-size': '10m' } },
        proxy: DEFAULT_PROXY,
      },
    ]);
    assert.equal(primaryRole(config).name, 'web');
  });

  it('merges env, labels and proxy settings of each role over the top-level ones', () => {
    const config = configOf(`service: a
image: b
servers:
  web:
    hosts: [h1]
    proxy:
      host: www.example.com
      healthcheck:
        path: /ready
  api:
    hosts: [h2, h3]
    cmd: bin/api
    labels:
      tier: api
    options:
      memory: 1g
    env:
      clear:
        ROLE: api
        SHARED: api
      secret: [API_TOKEN, DB:API_DB]
    proxy:
      app_port: 4000
  jobs:
    - h3
  admin:
    hosts: [h4]
    proxy: true
  quiet:
    hosts: [h5]
labels:
  app: a
env:
  clear:
    SHARED: top
    DB: not-secret-here
  secret: [MASTER_KEY]
proxy:
  hosts: [a.example.com, b.example.com]
  app_port: 3000
  healthcheck:
    interval: 2
`);
    const byName = Object.fromEntries(roles(config).map((r) => [r.name, r]));
    assert.deepEqual(Object.keys(byName), ['web', 'api', 'jobs', 'admin', 'quiet']);
    const top = { ...DEFAULT_PROXY, hosts: ['a.example.com', 'b.example.com'], app_port: 3000, healthcheck: { path: '/up', interval: 2, timeout: 5 } };
    // The role's host replaces the top-level hosts; the health check merges key by key.
    assert.deepEqual(byName.web.proxy, {
      ...DEFAULT_PROXY,
      host: 'www.example.com',
      app_port: 3000,
      healthcheck: { path: '/ready', interval: 2, timeout: 5 },
    });
    assert.deepEqual(byName.api, {
      name: 'api',
      primary: false,
      hosts: ['h2', 'h3'],
      hostTags: {},
      logging: { options: { 'max-size': '10m' } },
      cmd: 'bin/api',
      env: {
        clear: { SHARED: 'api', ROLE: 'api' },
        secret: [
          { name: 'MASTER_KEY', secret: 'MASTER_KEY' },
          { name: 'API_TOKEN', secret: 'API_TOKEN' },
          { name: 'DB', secret: 'API_DB' },
        ],
      },
      labels: { app: 'a', tier: 'api' },
      options: { memory: '1g' },
      proxy: { ...top, app_port: 4000 },
    });
    assert.equal(byName.jobs.proxy, false, 'other roles run without proxy by default');
    assert.deepEqual(byName.admin.proxy, top, 'proxy: true takes the top-level settings');
    assert.equal(byName.quiet.proxy, false);
    assert.deepEqual(byName.jobs.env.clear, { SHARED: 'top', DB: 'not-secret-here' });
    assert.deepEqual(allHosts(config), ['h1', 'h2', 'h3', 'h4', 'h5']);
  });

  it('the primary role can opt out of the proxy, and primary_role moves the default', () => {
    const config = configOf('service: a\nimage: b\nprimary_role: api\nservers:\n  api:\n    hosts: [h1]\n    proxy: false\n  web: [h2]\n');
    const [api, web] = roles(config);
    assert.equal(api.primary, true);
    assert.equal(api.proxy, false);
    assert.equal(web.primary, false);
    assert.equal(web.proxy, false);
  });

  it('computes boot group sizes as Kamal does', () => {
    const cfg = (limit?: number | string) => ({ boot: limit === undefined ? {} : { limit } });
    assert.equal(bootGroupSize(cfg(), 7), 7);
    assert.equal(bootGroupSize(cfg(2), 7), 2);
    assert.equal(bootGroupSize(cfg(10), 3), 3);
    assert.equal(bootGroupSize(cfg('25%'), 8), 2);
    assert.equal(bootGroupSize(cfg('25%'), 3), 1);
    assert.equal(bootGroupSize(cfg('100%'), 5), 5);
  });
});
