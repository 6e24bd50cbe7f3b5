import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../../config';
import { cleanEnv, cleanupProjects, project, thrown } from './helpers';

const MINIMAL = `service: myapp
image: myorg/myapp
servers:
  - 10.0.0.1
`;

function load(files: Record<string, string>, options: { destination?: string; env?: Record<string, string>; configFile?: string } = {}) {
  const cwd = project(files);
  return { cwd, ...loadConfig({ cwd, destination: options.destination, configFile: options.configFile, env: cleanEnv(options.env) }) };
}

describe('config: loadConfig', () => {
  after(cleanupProjects);

  it('applies every default to a minimal config', () => {
    const { config, files, destination, cwd } = load({ 'config/deploy.yml': MINIMAL });
    assert.deepEqual(files, [join(cwd, 'config/deploy.yml')]);
    assert.equal(destination, undefined);
    assert.deepEqual(config, {
      service: 'myapp',
      image: 'myorg/myapp',
      servers: ['10.0.0.1'],
      primary_role: 'web',
      allow_empty_roles: false,
      env: { clear: {}, secret: [], tags: {} },
      proxy: {
        app_port: 80,
        ssl: false,
        ssl_redirect: true,
        strip_path_prefix: true,
        healthcheck: { path: '/up', interval: 1, timeout: 5 },
        response_timeout: 30,
        run: {
          repository: 'basecamp/kamal-proxy',
          version: 'v0.9.2',
          http_port: 80,
          https_port: 443,
          debug: false,
          log_max_size: '10m',
          publish: true,
        },
      },
      ssh: { user: 'root', port: 22, keys_only: false, config: true, log_level: 'fatal', forward_agent: false },
      sshkit: { max_concurrent_starts: 30, pool_idle_timeout: 900, dns_retries: 3 },
      builder: { dockerfile: 'Dockerfile', args: {}, secrets: [], local: true, driver: 'docker-container' },
      accessories: {},
      boot: { parallel_roles: false },
      logging: { options: { 'max-size': '10m' } },
      retain_containers: 5,
      deploy_timeout: 30,
      drain_timeout: 30,
      readiness_delay: 7,
      labels: {},
      volumes: [],
      hooks_path: '.kamal/hooks',
      secrets_path: '.kamal/secrets',
      require_destination: false,
      aliases: {},
    });
  });

  it('accepts a full Kamal 2 style config with roles', () => {
    const { config } = load({
      'config/deploy.yml': `
service: hey
image: 37s/hey
servers:
  web:
    - 10.0.0.1
  job:
    hosts:
      - 10.0.0.3
    cmd: bin/jobs
    env:
      clear:
        QUEUES: "*"
      secret:
        - JOB_TOKEN
    labels:
      team: jobs
    options:
      memory: 2g
      cap-add: true
    proxy: false
registry:
  server: ghcr.io
  username: deployer
  password:
    - KAMAL_REGISTRY_PASSWORD
env:
  clear:
    RAILS_ENV: production
    WEB_CONCURRENCY: 2
    DEBUG: false
  secret:
    - RAILS_MASTER_KEY
    - DB_PASSWORD:MAIN_DB_PASSWORD
proxy:
  host: hey.example.com
  app_port: 3000
  ssl: true
  healthcheck:
    path: /health
    interval: 2
  response_timeout: 60
  run:
    registry: registry.local:5000
    version: v0.9.2
ssh:
  user: app
  port: "2222"
  keys: [~/.ssh/deploy]
  keys_only: true
builder:
  arch: amd64
  dockerfile: Dockerfile.prod
  context: .
  args:
    RUBY_VERSION: 3.3.0
    BUILD_NUMBER: 42
boot:
  limit: 25%
  wait: 2
retain_containers: 3
deploy_timeout: 60
drain_timeout: 10
readiness_delay: 4
stop_timeout: 20
labels:
  app: hey
volumes:
  - /data:/rails/storage
hooks_path: bin/hooks
secrets_path: config/secrets
minimum_version: 2.3.0
aliases:
  console: app exec -i "bin/rails console"
`,
    });
    assert.deepEqual(config.servers, {
      web: ['10.0.0.1'],
      job: {
        hosts: ['10.0.0.3'],
        cmd: 'bin/jobs',
        env: { clear: { QUEUES: '*' }, secret: ['JOB_TOKEN'] },
        labels: { team: 'jobs' },
        options: { memory: '2g', 'cap-add': true },
        proxy: false,
      },
    });
    assert.deepEqual(config.registry, { server: 'ghcr.io', username: 'deployer', password: ['KAMAL_REGISTRY_PASSWORD'] });
    assert.deepEqual(config.env, {
      clear: { RAILS_ENV: 'production', WEB_CONCURRENCY: '2', DEBUG: 'false' },
      secret: ['RAILS_MASTER_KEY', 'DB_PASSWORD:MAIN_DB_PASSWORD'],
      tags: {},
    });
    assert.deepEqual(config.proxy, {
      host: 'hey.example.com',
      app_port: 3000,
      ssl: true,
      ssl_redirect: true,
      strip_path_prefix: true,
      healthcheck: { path: '/health', interval: 2, timeout: 5 },
      response_timeout: 60,
      run: {
        registry: 'registry.local:5000',
        repository: 'basecamp/kamal-proxy',
        version: 'v0.9.2',
        http_port: 80,
        https_port: 443,
        debug: false,
        log_max_size: '10m',
        publish: true,
      },
    });
    assert.deepEqual(config.ssh, { user: 'app', port: 2222, keys: ['~/.ssh/deploy'], keys_only: true, config: true, log_level: 'fatal', forward_agent: false });
    assert.deepEqual(config.builder, {
      arch: ['amd64'],
      dockerfile: 'Dockerfile.prod',
      context: '.',
      args: { RUBY_VERSION: '3.3.0', BUILD_NUMBER: '42' },
      secrets: [],
      local: true,
      driver: 'docker-container',
    });
    assert.deepEqual(config.boot, { limit: '25%', wait: 2, parallel_roles: false });
    assert.equal(config.stop_timeout, 20);
    assert.equal(config.minimum_version, '2.3.0');
    assert.equal(config.hooks_path, 'bin/hooks');
    assert.equal(config.secrets_path, 'config/secrets');
    assert.deepEqual(config.aliases, { console: 'app exec -i "bin/rails console"' });
  });

  it('reads a flat env map as clear values, converting numbers and booleans to text', () => {
    const { config } = load({ 'config/deploy.yml': `${MINIMAL}env:\n  PORT: 3000\n  VERBOSE: yes\n  NAME: app\n` });
    assert.deepEqual(config.env, { clear: { PORT: '3000', VERBOSE: 'true', NAME: 'app' }, secret: [], tags: {} });
  });

  it('uses YAML 1.1 like Kamal: yes/no are booleans, and merge keys work', () => {
    const { config } = load({
      'config/deploy.yml': `service: myapp
image: myorg/myapp
x-role: &role
  cmd: bin/worker
  options:
    memory: 1g
servers:
  web: [10.0.0.1]
  worker:
    <<: *role
    hosts: [10.0.0.2]
proxy:
  ssl: no
`,
    });
    assert.deepEqual((config.servers as Record<string, unknown>).worker, {
      cmd: 'bin/worker',
      options: { memory: '1g' },
      hosts: ['10.0.0.2'],
    });
    assert.equal(config.proxy.ssl, false);
    assert.ok(!('x-role' in config));
  });

  it('accepts a registry on localhost without credentials, and literal credentials', () => {
    const a = load({ 'config/deploy.yml': `${MINIMAL}registry:\n  server: localhost:5555\n` });
    assert.deepEqual(a.config.registry, { server: 'localhost:5555' });
    const b = load({ 'config/deploy.yml': `${MINIMAL}registry:\n  username: [REG_USER]\n  password: secret-literal\n` });
    assert.deepEqual(b.config.registry, { username: ['REG_USER'], password: 'secret-literal' });
  });

  it('accepts boot limits as numbers and percentages, and empty roles when allowed', () => {
    assert.equal(load({ 'config/deploy.yml': `${MINIMAL}boot:\n  limit: 2\n` }).config.boot.limit, 2);
    assert.equal(load({ 'config/deploy.yml': `${MINIMAL}boot:\n  limit: 100%\n` }).config.boot.limit, '100%');
    const { config } = load({
      'config/deploy.yml': `service: a\nimage: b\nallow_empty_roles: true\nservers:\n  web: [h1]\n  jobs: []\n`,
    });
    assert.deepEqual(config.servers, { web: ['h1'], jobs: [] });
  });

  it('takes a custom primary role', () => {
    const { config } = load({
      'config/deploy.yml': `service: a\nimage: b\nprimary_role: api\nservers:\n  api: [h1]\n  jobs: [h2]\n`,
    });
    assert.equal(config.primary_role, 'api');
  });

  it('reads another config file with -c, and its destination file next to it', () => {
    const { config, files, cwd } = load(
      {
        'deploy/app.yaml': MINIMAL,
        'deploy/app.beta.yml': 'image: myorg/beta\n',
      },
      { configFile: 'deploy/app.yaml', destination: 'beta' },
    );
    assert.equal(config.image, 'myorg/beta');
    assert.deepEqual(files, [join(cwd, 'deploy/app.yaml'), join(cwd, 'deploy/app.beta.yml')]);
  });

  describe('destinations', () => {
    const base = `service: myapp
image: myorg/myapp
servers:
  web:
    hosts: [10.0.0.1, 10.0.0.2]
    labels:
      tier: front
  jobs:
    hosts: [10.0.0.3]
    cmd: bin/jobs
env:
  clear:
    RAILS_ENV: production
    LOG_LEVEL: info
  secret: [RAILS_MASTER_KEY]
proxy:
  host: app.example.com
  app_port: 3000
require_destination: true
`;
    const staging = `servers:
  web:
    hosts: [10.1.0.1]
env:
  clear:
    RAILS_ENV: staging
  secret: [STAGING_KEY]
proxy:
  host: staging.example.com
`;

    it('deep-merges config/deploy.<dest>.yml: maps merge, lists and scalars replace', () => {
      const { config, files, destination, cwd } = load(
        { 'config/deploy.yml': base, 'config/deploy.staging.yml': staging },
        { destination: 'staging' },
      );
      assert.equal(destination, 'staging');
      assert.deepEqual(files, [join(cwd, 'config/deploy.yml'), join(cwd, 'config/deploy.staging.yml')]);
      assert.deepEqual(config.servers, {
        web: { hosts: ['10.1.0.1'], labels: { tier: 'front' } },
        jobs: { hosts: ['10.0.0.3'], cmd: 'bin/jobs' },
      });
      assert.deepEqual(config.env, { clear: { RAILS_ENV: 'staging', LOG_LEVEL: 'info' }, secret: ['STAGING_KEY'], tags: {} });
      assert.equal(config.proxy.host, 'staging.example.com');
      assert.equal(config.proxy.app_port, 3000);
    });

    it('refuses to run without a destination when require_destination is set', () => {
      const err = thrown(() => load({ 'config/deploy.yml': base }));
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /^config\/deploy\.yml:19: require_destination: this configuration requires a destination/);
    });

    it('allows an empty destination file', () => {
      const { config } = load({ 'config/deploy.yml': MINIMAL, 'config/deploy.qa.yml': '' }, { destination: 'qa' });
      assert.equal(config.service, 'myapp');
    });
  });

  describe('ERB', () => {
    it('evaluates ENV[...], ENV.fetch, backticks, %x() and .strip', () => {
      const { config } = load(
        {
          'config/deploy.yml': `<%# a comment, dropped %>
service: <%= ENV["SERVICE"] %>
image: <%= ENV['IMAGE_ORG'] %>/<%= ENV.fetch("IMAGE_NAME") %>
servers:
  - <%= ENV.fetch("HOST", "10.9.9.9") %>
  - <%= \`printf ' 10.0.0.2 \\n'\`.strip %>
  - <%= %x(cat host3.txt).strip %>
env:
  EMPTY: "<%= ENV["UNSET_VARIABLE"] %>"
  FROM_FILE: <%= %x(printf '%s' "$(cat host3.txt)" | tr . -) %>
  LITERAL: "<%% not erb %>"
`,
          'host3.txt': '10.0.0.3\n',
        },
        { env: { SERVICE: 'erbapp', IMAGE_ORG: 'org', IMAGE_NAME: 'img' } },
      );
      assert.equal(config.service, 'erbapp');
      assert.equal(config.image, 'org/img');
      assert.deepEqual(config.servers, ['10.9.9.9', '10.0.0.2', '10.0.0.3']);
      assert.deepEqual(config.env.clear, { EMPTY: '', FROM_FILE: '10-0-0-3', LITERAL: '<% not erb %>' });
    });

    it('keeps line numbers of later keys when a command outputs several lines', () => {
      const err = thrown(() =>
        load({
          'config/deploy.yml': `service: myapp
image: myorg/myapp
servers:
<%= \`printf '  - a\\n  - b\\n  - c\\n  - d'\` %>
ssh:
  user: deploy
  prot: 22
`,
        }),
      );
      assert.equal(err.message, 'config/deploy.yml:7: ssh.prot: unknown key. Did you mean port? Fix: rename it to port');
    });
  });

  it('fails on any document only with a readable ConfigError (property)', () => {
    const cwd = project({ 'config/deploy.yml': '' });
    const keys = ['service', 'image', 'servers', 'primary_role', 'registry', 'env', 'proxy', 'ssh', 'builder', 'boot', 'labels',
      'volumes', 'retain_containers', 'x-a', 'traefik', 'web', 'jobs', 'hosts', 'cmd', 'clear', 'secret', 'limit', 'host',
      'hosts', 'ssl', 'healthcheck', 'password', 'username', 'app_port', 'path', 'run', 'options'];
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(null, true, false, 'web', '10.0.0.1', '25%', 0, 1, 80, -1, 1.5, 'a b', '', '/up'),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 8 }), (doc) => {
        writeFileSync(join(cwd, 'config/deploy.yml'), JSON.stringify(doc));
        try {
          loadConfig({ cwd, env: cleanEnv() });
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          assert.doesNotMatch(e.message, /sextant-hint|Invalid input|\[object Object\]|undefined/);
          for (const p of e.problems) assert.ok(p.file === 'config/deploy.yml' && / Fix: /.test(p.message), p.message);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a host listed twice is one problem; entries that are no host are not counted as hosts', () => {
    const twice = thrown(() => load({ 'config/deploy.yml': 'service: myapp\nimage: myorg/myapp\nservers: [10.0.0.1, 10.0.0.2, 10.0.0.1]\n' })) as ConfigError;
    assert.deepEqual(twice.problems.map((p) => [p.path, p.message]), [['servers[2]', 'host 10.0.0.1 is listed twice (first at [0]). Fix: remove the duplicate']]);
    // Found by the property below: two empty maps were also reported as "host undefined is listed twice".
    const empty = thrown(() => load({ 'config/deploy.yml': 'service: myapp\nimage: myorg/myapp\nservers: [{}, {}]\n' })) as ConfigError;
    assert.deepEqual(empty.problems.map((p) => p.path), ['servers[0]', 'servers[1]']);
    assert.doesNotMatch(empty.message, /undefined|twice/);
  });

  it('reports a missing config file', () => {
    const err = thrown(() => load({}));
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^config\/deploy\.yml: the configuration file does not exist/);
  });

  it('gives each problem its file, line and path in ConfigError.problems', () => {
    const err = thrown(() =>
      load({ 'config/deploy.yml': `service: myapp\nimage: myorg/myapp\nservers: [a]\nboot:\n  limit: 0\nssh:\n  port: x\n` }),
    ) as ConfigError;
    assert.deepEqual(
      err.problems.map((p) => [p.file, p.line, p.path]),
      [
        ['config/deploy.yml', 5, 'boot.limit'],
        ['config/deploy.yml', 7, 'ssh.port'],
      ],
    );
    assert.match(err.message, /^2 configuration problems in config\/deploy\.yml:\n/);
  });
});
