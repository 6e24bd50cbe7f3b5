// Secrets reach a host only through stdin (the env file upload, docker login), never argv: argv shows
// up in logs, workflow history and every host's process list. Each exported function of commands/
// is called here with a config whose secrets are a sentinel; a new export fails this test until
// it is added below.
import assert from 'node:assert/strict';
import * as accessory from '../../../commands/accessory';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as app from '../../../commands/app';
import * as audit from '../../../commands/audit';
import * as builder from '../../../commands/builder';
import * as engine from '../../../commands/engine';
import * as files from '../../../commands/files';
import * as images from '../../../commands/images';
import * as lock from '../../../commands/lock';
import * as logs from '../../../commands/logs';
import * as naming from '../../../commands/naming';
import * as network from '../../../commands/network';
import * as options from '../../../commands/options';
import * as proxy from '../../../commands/proxy';
import * as prune from '../../../commands/prune';
import * as registry from '../../../commands/registry';
import * as remote from '../../../commands/remote';
import * as server from '../../../commands/server';
import * as shell from '../../../commands/shell';
import * as timestamp from '../../../commands/timestamp';
import * as traefik from '../../../commands/traefik';

const SENTINEL = 'sentinel-7c1e-do-not-leak';

// What a loaded config might hold: clear values next to secrets.
const config = {
  service: 'app',
  destination: 'staging',
  image: 'acme/app',
  registry: { server: 'registry.lab:5000', username: 'deploy', password: SENTINEL },
  env: { clear: { RAILS_ENV: 'production' }, secret: { DATABASE_PASSWORD: SENTINEL, API_KEY: `k-${SENTINEL}` } },
  role: { name: 'web', options: { memory: '1g' }, labels: { team: 'core' }, cmd: 'bin/rails server', volumes: ['/data:/data'] },
  proxy: { hosts: ['app.example.com'], appPort: 3000, healthCheck: { path: '/up' } },
};
const scope = { service: config.service, destination: config.destination, role: config.role.name };
const repository = naming.imageRepository({ image: config.image, registryServer: config.registry.server });
const version = 'abc123';
const name = naming.containerName(scope, version);
const at = new Date('2024-05-01T12:00:00Z');

type Out = unknown;
// Calls allowed to carry the secret, and only on stdin.
const STDIN_MAY_HOLD_SECRETS = new Set(['app.envFileContent', 'app.writeEnvFile', 'registry.login', 'remote.andThen']);

const acc = { service: config.service, destination: config.destination, accessory: 'db' };
const accRun: accessory.AccessoryRunParams = {
  ...acc, container: 'app-db', image: 'mysql:8.0', network: 'kamal', port: '3306', clearEnv: config.env.clear,
  volumes: config.role.volumes, mounts: accessory.directoryMounts('/root', 'app-db', ['data:/data']), labels: config.role.labels, options: config.role.options, cmd: 'mysqld', deployId: 'd1',
};

const calls: Record<string, () => Out> = {
  'accessory.accessoryContainer': () => accessory.accessoryContainer(acc),
  'accessory.accessoryEnvFile': () => accessory.accessoryEnvFile(acc),
  'accessory.fileMounts': () => accessory.fileMounts('/root', 'app-db', ['my.cnf:/etc/my.cnf']),
  'accessory.directoryMounts': () => accessory.directoryMounts('/root', 'app-db', ['data:/data']),
  'accessory.serviceDirectory': () => accessory.serviceDirectory('/root', 'app-db'),
  'accessory.run': () => accessory.run(accRun),
  'accessory.homeDirectory': () => accessory.homeDirectory(),
  'accessory.start': () => accessory.start('app-db'),
  'accessory.stop': () => accessory.stop('app-db'),
  'accessory.info': () => accessory.info('app-db', { all: true }),
  'accessory.removeContainer': () => accessory.removeContainer('app-db'),
  'accessory.removeImage': () => accessory.removeImage('mysql:8.0'),
  'accessory.currentImageId': () => accessory.currentImageId('app-db'),
  'accessory.removeImageId': () => accessory.removeImageId('sha256:0123456789ab'),
  'accessory.makeDirectory': () => accessory.makeDirectory('/root/app-db/data'),
  'accessory.execInExisting': () => accessory.execInExisting('app-db', ['mysql']),
  'accessory.execInNew': () => accessory.execInNew(accRun, ['mysql']),
  'app.run': () =>
    app.run({
      ...scope, version, deployId: 'd1', repository, host: '10.0.0.1', clearEnv: config.env.clear,
      volumes: config.role.volumes, labels: config.role.labels, options: config.role.options, cmd: config.role.cmd,
    }),
  'app.envFileContent': () => app.envFileContent(config.env.secret),
  'app.writeEnvFile': () => app.writeEnvFile(scope, config.env.secret),
  'app.start': () => app.start(name),
  'app.stop': () => app.stop(name, 10),
  'app.remove': () => app.remove(name),
  'app.forceRemove': () => app.forceRemove(name),
  'app.rename': () => app.rename(name, naming.replacedName(name, 'ab12')),
  'app.containerFilters': () => app.containerFilters(scope),
  'app.filterArgs': () => app.filterArgs(scope),
  'app.listContainers': () => app.listContainers(scope),
  'app.parseContainerList': () => app.parseContainerList(''),
  'app.inspectContainer': () => app.inspectContainer(name),
  'app.parseContainerInspect': () => app.parseContainerInspect('{}'),
  'app.containerIp': () => app.containerIp(name),
  'app.logs': () => app.logs(name),
  'app.execIn': () => app.execIn(name, { cmd: ['bin/rails', 'runner', 'x'], env: config.env.clear }),
  'app.runOnce': () =>
    app.runOnce({ ...scope, image: `${repository}:${version}`, clearEnv: config.env.clear, env: { X: '1' }, cmd: ['bin/rails', 'console'], interactive: true }),
  'logs.containerLogs': () => logs.containerLogs(name, { since: '5m', lines: 10, grep: 'error', grepOptions: '-i' }),
  'server.findDocker': () => server.findDocker(),
  'server.userId': () => server.userId(),
  'server.installDocker': () => server.installDocker(),
  'audit.auditLine': () => audit.auditLine({ at, performer: 'ada', role: 'web', message: 'deployed' }),
  'audit.appendAudit': () => audit.appendAudit(scope, { at, performer: 'ada', message: 'deployed' }),
  'audit.readAudit': () => audit.readAudit(scope),
  'builder.build': () => builder.build({ repository, tags: [version], service: config.service, context: '.', secrets: ['DATABASE_PASSWORD'] }),
  'builder.push': () => builder.push(`${repository}:${version}`),
  'builder.buildxBuild': () => builder.buildxBuild({ repository, tags: [version], service: config.service, context: '.', platforms: ['linux/amd64'], output: 'registry', secrets: ['DATABASE_PASSWORD'] }),
  'builder.buildxVersion': () => builder.buildxVersion(),
  'builder.clientVersion': () => builder.clientVersion(),
  'builder.buildxCreate': () => builder.buildxCreate({ name: 'sextant-local-docker-container', driver: 'docker-container' }),
  'builder.buildxRemove': () => builder.buildxRemove('sextant-local-docker-container'),
  'builder.buildxInspect': () => builder.buildxInspect('sextant-local-docker-container'),
  'builder.dialStdio': () => builder.dialStdio(),
  'engine.DockerCallError': () => new engine.DockerCallError('refused').message,
  'engine.engineEndpoint': () => engine.engineEndpoint(),
  'engine.parseEngineEndpoint': () => engine.parseEngineEndpoint('unix:///var/run/docker.sock'),
  'engine.cliTime': () => engine.cliTime(0),
  'engine.summaryFromApi': () => engine.summaryFromApi({}),
  'engine.containers': () => engine.containers(scope),
  'engine.serviceContainers': () => engine.serviceContainers(scope),
  'engine.imagesFromApi': () => engine.imagesFromApi({}),
  'engine.serviceImages': () => engine.serviceImages(scope),
  'engine.detailsFromApi': () => engine.detailsFromApi({}),
  'engine.containerDetails': () => engine.containerDetails(name),
  'engine.proxyState': () => engine.proxyState(),
  'engine.networkExists': () => engine.networkExists(),
  'engine.stop': () => engine.stop(name, 10),
  'engine.rename': () => engine.rename(name, naming.replacedName(name, 'ab12')),
  'engine.pruneDanglingImages': () => engine.pruneDanglingImages(scope),
  'engine.execOf': () => engine.execOf(proxy.deploy({ service: 'app-web', target: 'app-web-v1:3000', deployTimeoutSeconds: 30, drainTimeoutSeconds: 30 })),
  'engine.demultiplex': () => engine.demultiplex(Buffer.alloc(0)),
  'files.writeFile': () => files.writeFile('.kamal/x', 'content'),
  'files.writeFileThen': () => files.writeFileThen(files.writeFile('.kamal/x', 'content'), ['docker', 'ps']),
  'files.appendLineOnce': () => files.appendLineOnce('.kamal/x', 'content'),
  'files.removeFile': () => files.removeFile('.kamal/x'),
  'files.readFile': () => files.readFile('.kamal/x'),
  'files.removeTree': () => files.removeTree(naming.appDirectory(scope)),
  'images.pull': () => images.pull(`${repository}:${version}`),
  'images.tag': () => images.tag(`${repository}:${version}`, naming.latestImage({ image: repository, destination: config.destination })),
  'images.inspectImage': () => images.inspectImage(`${repository}:${version}`),
  'images.parseImageInspect': () => images.parseImageInspect('{}'),
  'images.digestIn': () => images.digestIn({ id: '', repoDigests: [] }, repository),
  'lock.lockDetails': () => lock.lockDetails({ lockedBy: 'ada', at, version, message: 'deploy', deployId: 'd1' }),
  'lock.encodeLockDetails': () => lock.encodeLockDetails('x'),
  'lock.lockDetailsFile': () => lock.lockDetailsFile(scope),
  'lock.acquireLock': () => lock.acquireLock(scope, { lockedBy: 'ada', at, version, message: 'deploy', deployId: 'd1' }),
  'lock.readLockDetails': () => lock.readLockDetails(scope),
  'lock.releaseLock': () => lock.releaseLock(scope),
  'lock.releaseOwnLock': () => lock.releaseOwnLock(scope, 'd1'),
  'lock.decodeLockDetails': () => lock.decodeLockDetails(''),
  'lock.showLock': () => lock.showLock(scope),
  'lock.parseShownLock': () => lock.parseShownLock({ code: 0, stdout: '', stderr: '' }),
  'lock.lockHolder': () => lock.lockHolder(lock.decodeLockDetails('')),
  'naming.assertNamePart': () => naming.assertNamePart('service', config.service),
  'naming.assertVersion': () => naming.assertVersion(version),
  'naming.serviceWithDestination': () => naming.serviceWithDestination(scope),
  'naming.proxyServiceName': () => naming.proxyServiceName(scope),
  'naming.containerPrefix': () => naming.containerPrefix(scope),
  'naming.containerName': () => name,
  'naming.versionFromName': () => naming.versionFromName(scope, name),
  'naming.replacedName': () => naming.replacedName(name, 'ab12'),
  'naming.unreplacedName': () => naming.unreplacedName(`${name}_replaced_ab12`),
  'naming.appLabels': () => naming.appLabels(scope, 'd1'),
  'naming.appDirectory': () => naming.appDirectory(scope),
  'naming.roleEnvFile': () => naming.roleEnvFile(scope),
  'naming.lockDirectory': () => naming.lockDirectory(scope),
  'naming.auditLogFile': () => naming.auditLogFile(scope),
  'naming.imageRepository': () => repository,
  'naming.versionedImage': () => naming.versionedImage({ image: config.image, registryServer: config.registry.server }, version),
  'naming.latestTag': () => naming.latestTag(config.destination),
  'naming.latestImage': () => naming.latestImage({ image: config.image, registryServer: config.registry.server, destination: config.destination }),
  'network.createNetwork': () => network.createNetwork(),
  'network.inspectNetwork': () => network.inspectNetwork(),
  'network.connect': () => network.connect(name),
  'network.networksOf': () => network.networksOf(name),
  'network.parseNetworks': () => network.parseNetworks('{}'),
  'options.optionize': () => options.optionize(config.role.options),
  'options.loggingArgs': () => options.loggingArgs(undefined),
  'options.keyValueArgs': () => options.keyValueArgs('--env', config.env.clear),
  'proxy.proxyImage': () => proxy.proxyImage(),
  'proxy.run': () => proxy.run({ image: { registry: config.registry.server } }),
  'proxy.start': () => proxy.start(),
  'proxy.stopContainer': () => proxy.stopContainer(),
  'proxy.inspect': () => proxy.inspect(),
  'proxy.removeContainer': () => proxy.removeContainer(),
  'proxy.removeImage': () => proxy.removeImage(proxy.proxyImage({ registry: config.registry.server })),
  'proxy.details': () => proxy.details(),
  'proxy.startedBy': () => proxy.startedBy(),
  'proxy.deploy': () =>
    proxy.deploy({ service: naming.proxyServiceName(scope), target: `${name}:${config.proxy.appPort}`, hosts: config.proxy.hosts, healthCheck: config.proxy.healthCheck }),
  'proxy.remove': () => proxy.remove(naming.proxyServiceName(scope)),
  'proxy.stop': () => proxy.stop(naming.proxyServiceName(scope), { message: 'maintenance' }),
  'proxy.resume': () => proxy.resume(naming.proxyServiceName(scope)),
  'proxy.list': () => proxy.list(),
  'proxy.parseList': () => proxy.parseList(''),
  'proxy.parseInspect': () => proxy.parseInspect('{}'),
  'prune.selectContainersToPrune': () => prune.selectContainersToPrune([], 5),
  'prune.removeContainers': () => prune.removeContainers([name]),
  'prune.listServiceContainers': () => prune.listServiceContainers(scope),
  'prune.listServiceImages': () => prune.listServiceImages(scope),
  'prune.parseImageList': () => prune.parseImageList(''),
  'prune.parseServiceContainers': () => prune.parseServiceContainers(''),
  'prune.selectImagesToRemove': () => prune.selectImagesToRemove([], []),
  'prune.removeImages': () => prune.removeImages([`${repository}:${version}`]),
  'prune.pruneDanglingImages': () => prune.pruneDanglingImages(scope),
  'registry.login': () => registry.login(config.registry),
  'registry.logout': () => registry.logout(config.registry.server),
  'remote.bounded': () => remote.bounded(app.start(name), 60),
  'remote.andThen': () => remote.andThen(app.rename(name, naming.replacedName(name, 'ab12')), app.writeEnvFile(scope, config.env.secret)),
  'remote.thenTry': () => remote.thenTry(prune.removeContainers([name]), prune.removeImages([`${repository}:${version}`])),
  'shell.shellQuote': () => shell.shellQuote(name),
  'shell.shellJoin': () => shell.shellJoin(app.start(name)),
  'shell.shellSplit': () => shell.shellSplit(config.role.cmd),
  'timestamp.utcIso8601': () => timestamp.utcIso8601(at),
  'traefik.inspect': () => traefik.inspect(),
  'traefik.removeContainers': () => traefik.removeContainers(),
  'traefik.removeImages': () => traefik.removeImages(),
  'traefik.switchToProxy': () => traefik.switchToProxy(),
};

const modules: Record<string, Record<string, unknown>> = { accessory, app, audit, builder, engine, files, images, lock, logs, naming, network, options, proxy, prune, registry, remote, server, shell, timestamp, traefik };

describe('commands: secrets never reach argv', () => {
  it('every exported function is exercised here', () => {
    const exported = Object.entries(modules).flatMap(([m, mod]) =>
      Object.entries(mod).filter(([, v]) => typeof v === 'function').map(([f]) => `${m}.${f}`),
    );
    const missing = exported.filter((f) => !(f in calls));
    assert.deepEqual(missing, [], `add these to the secrets test: ${missing.join(', ')}`);
  });

  it('every module of commands/ is imported here', () => {
    // the compiled commands/ next to this compiled test: a new file there fails until it is added above
    const files = readdirSync(join(__dirname, '..', '..', '..', 'commands')).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3));
    assert.deepEqual(files.sort(), Object.keys(modules).sort(), 'import the new module of commands/ and add its functions to the secrets test');
  });

  for (const [fn, call] of Object.entries(calls)) {
    it(fn, () => {
      const out = call();
      const withInput = out !== null && typeof out === 'object' && 'stdin' in out;
      // envFileContent's result is what goes on stdin, not a command line
      const stdin = withInput ? (out as remote.CommandWithInput).stdin : fn === 'app.envFileContent' ? (out as string) : undefined;
      const visible = withInput ? (out as remote.CommandWithInput).argv : fn === 'app.envFileContent' ? null : out;
      assert.ok(!JSON.stringify(visible ?? null).includes(SENTINEL), `${fn} put a secret where it can be seen`);
      if (STDIN_MAY_HOLD_SECRETS.has(fn)) {
        assert.ok(JSON.stringify(out).includes(SENTINEL), `${fn} should carry the secret (on stdin)`);
      } else if (stdin !== undefined) {
        assert.ok(!stdin.includes(SENTINEL), `${fn} put a secret on stdin`);
      }
    });
  }

  it('the secret is on stdin, not argv, for the env file and docker login', () => {
    const env = app.writeEnvFile(scope, config.env.secret);
    assert.ok(env.stdin.includes(`DATABASE_PASSWORD=${SENTINEL}\n`));
    assert.ok(!env.argv.join(' ').includes(SENTINEL));
    const login = registry.login(config.registry);
    assert.equal(login.stdin, SENTINEL);
    assert.ok(!shell.shellJoin(login.argv).includes(SENTINEL));
  });
});
