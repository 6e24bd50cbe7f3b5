import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { accessoryHosts, loadConfig } from '../../../config';
import { buildAccessoryPlan, runParamsOf } from '../../../plan/accessory';
import { openMap, openValue } from '../../../plan/seal';
import { cleanEnv, cleanupProjects, project } from '../config/helpers';

const BASE = `service: app
image: acme/app
registry: { server: reg.example:5000, username: deploy, password: [REGISTRY_PASSWORD] }
servers:
  web: [10.0.0.1, { 10.0.0.2: [db] }]
  job: { hosts: [10.0.0.3] }
`;

describe('plan/accessory', () => {
  const key = randomBytes(32);
  const secrets = { REGISTRY_PASSWORD: 'reg-secret', DB_PASSWORD: 'db-secret', OTHER_PASSWORD: 'other-secret' };
  after(cleanupProjects);

  function load(accessories: string, files: Record<string, string> = {}) {
    const cwd = project({ 'config/deploy.yml': `${BASE}accessories:\n${accessories}`, ...files });
    return { cwd, config: loadConfig({ cwd, env: cleanEnv() }).config };
  }

  it('hosts come from host, hosts, roles or tags', () => {
    const { config } = load(`  a: { image: x:1, host: 10.0.0.9 }\n  b: { image: x:1, hosts: [10.0.0.8, 10.0.0.9] }\n  c: { image: x:1, roles: [web, job] }\n  d: { image: x:1, tags: [db] }\n`);
    const hosts = (n: string) => accessoryHosts(config, config.accessories[n]!);
    assert.deepEqual([hosts('a'), hosts('b'), hosts('c'), hosts('d')], [['10.0.0.9'], ['10.0.0.8', '10.0.0.9'], ['10.0.0.1', '10.0.0.2', '10.0.0.3'], ['10.0.0.2']]);
  });

  it('seals env secrets, file contents and the registry password; the rest stays readable', () => {
    const { cwd, config } = load(
      `  db:\n    image: reg.example:5000/mysql:8\n    host: 10.0.0.9\n    port: 3306\n    env: { clear: { A: "1" }, secret: [DB_PASSWORD, "ROOT:OTHER_PASSWORD"] }\n    files: ["config/my.cnf:/etc/my.cnf"]\n    directories: ["data:/var/lib/mysql"]\n    volumes: ["/srv:/srv"]\n    options: { "add-host": [a, b] }\n`,
      { 'config/my.cnf': 'password=db-secret\n' },
    );
    const plan = buildAccessoryPlan({ config, name: 'db', secrets, sealKey: key, cwd });
    for (const v of Object.values(secrets)) assert.ok(!JSON.stringify(plan).includes(v), `${v} is in the clear`);
    assert.deepEqual(openMap(key, plan.env.secret), { DB_PASSWORD: 'db-secret', ROOT: 'other-secret' });
    assert.equal(openValue(key, plan.files[0]!.content, 'f'), 'password=db-secret\n');
    assert.equal(plan.registry?.server, 'reg.example:5000', "the image is in the app's registry: its login");
    assert.equal(openValue(key, plan.registry!.password, 'p'), 'reg-secret');
    assert.deepEqual(
      { ...plan, env: { clear: plan.env.clear }, files: plan.files.map((f) => f.entry), registry: null },
      {
        name: 'db', container: 'app-db', image: 'reg.example:5000/mysql:8', hosts: ['10.0.0.9'], network: 'kamal', port: '3306', cmd: null,
        env: { clear: { A: '1' } }, labels: {}, options: { 'add-host': ['a', 'b'] }, logging: { options: { 'max-size': '10m' } },
        volumes: ['/srv:/srv'], files: ['config/my.cnf:/etc/my.cnf'], directories: ['data:/var/lib/mysql'], registry: null,
      },
    );
    assert.deepEqual(runParamsOf(plan, { service: 'app' }, '/home/u', 'op-1').mounts, [
      { local: 'config/my.cnf', hostPath: '/home/u/app-db/etc/my.cnf', containerPath: '/etc/my.cnf' },
      { hostPath: '/home/u/app-db/data', containerPath: '/var/lib/mysql' },
    ]);
  });

  it("an accessory's own registry prefixes its image; an image elsewhere needs no login", () => {
    const { cwd, config } = load(
      `  a: { image: org/cache:7, host: 10.0.0.9, service: cache, registry: { server: ghcr.io, username: u, password: [OTHER_PASSWORD] } }\n  b: { image: redis:7, host: 10.0.0.9 }\n`,
    );
    const a = buildAccessoryPlan({ config, name: 'a', secrets, sealKey: key, cwd });
    assert.deepEqual([a.container, a.image, a.registry?.server, a.registry?.username], ['cache', 'ghcr.io/org/cache:7', 'ghcr.io', 'u']);
    assert.equal(buildAccessoryPlan({ config, name: 'b', secrets, sealKey: key, cwd }).registry, null);
  });

  it('refuses, naming the key: a missing file, an ERB file, proxy:', () => {
    const { cwd, config } = load(`  a: { image: x:1, host: h, files: ["missing.conf:/etc/x"] }\n  b: { image: x:1, host: h, files: ["x.conf.erb:/etc/x"] }\n  c: { image: x:1, host: h, proxy: { host: c.example } }\n`);
    const build = (name: string) => () => buildAccessoryPlan({ config, name, secrets, sealKey: key, cwd });
    assert.throws(build('a'), /accessories\.a\.files: cannot read missing\.conf \(ENOENT\)\. Fix: create it/);
    assert.throws(build('b'), /accessories\.b\.files: x\.conf\.erb: ERB templates .* not supported/);
    assert.throws(build('c'), /accessories\.c\.proxy: .* not supported by Sextant yet\. Fix: remove proxy:/);
  });

  it('refuses entries no command line can be made of, before any host is touched', () => {
    const { cwd, config } = load(`  a: { image: x:1, host: h, directories: ["data"] }
  b: { image: x:1, host: h, port: "-p 1" }
  c: { image: x:1, host: h, network: "-x" }
`);
    const build = (name: string) => () => buildAccessoryPlan({ config, name, secrets, sealKey: key, cwd });
    assert.throws(build('a'), /accessories\.a: directories entry "data": expected local:\/path\/in\/container.*Fix: correct it under accessories\.a/);
    assert.throws(build('b'), /accessories\.b: invalid accessory port "-p 1"/);
    assert.throws(build('c'), /accessories\.c: invalid network "-x"/);
  });
});
