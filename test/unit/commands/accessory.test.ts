import assert from 'node:assert/strict';
import * as accessory from '../../../commands/accessory';

describe('commands/accessory', () => {
  const scope = { service: 'app', accessory: 'db' };
  const home = '/root';
  const base: accessory.AccessoryRunParams = { ...scope, container: 'app-db', image: 'mysql:8.0', network: 'kamal' };

  it('names: container <service>-<accessory> (or service:), env file under the app directory', () => {
    assert.equal(accessory.accessoryContainer(scope), 'app-db');
    assert.equal(accessory.accessoryContainer(scope, 'mydb'), 'mydb');
    assert.equal(accessory.accessoryEnvFile(scope), '.kamal/apps/app/env/accessories/db.env');
    assert.equal(accessory.accessoryEnvFile({ ...scope, destination: 'staging' }), '.kamal/apps/app-staging/env/accessories/db.env');
    assert.equal(accessory.serviceDirectory(home, 'app-db'), '/root/app-db');
    assert.throws(() => accessory.accessoryContainer(scope, '-x'), /invalid accessory container name/);
  });

  it('files go under ~/<container><remote>; relative directories under ~/<container>/, absolute ones stay', () => {
    assert.deepEqual(accessory.fileMounts(home, 'app-db', ['config/my.cnf:/etc/mysql/my.cnf', 'init.sql:/docker-entrypoint-initdb.d/init.sql:ro']), [
      { local: 'config/my.cnf', hostPath: '/root/app-db/etc/mysql/my.cnf', containerPath: '/etc/mysql/my.cnf' },
      { local: 'init.sql', hostPath: '/root/app-db/docker-entrypoint-initdb.d/init.sql', containerPath: '/docker-entrypoint-initdb.d/init.sql', options: 'ro' },
    ]);
    assert.deepEqual(accessory.directoryMounts(home, 'app-db', ['data:/var/lib/mysql', './logs/:/logs', '/srv/db:/backup:ro']), [
      { hostPath: '/root/app-db/data', containerPath: '/var/lib/mysql' },
      { hostPath: '/root/app-db/logs', containerPath: '/logs' },
      { hostPath: '/srv/db', containerPath: '/backup', options: 'ro' },
    ]);
    assert.throws(() => accessory.fileMounts(home, 'app-db', ['my.cnf']), /files entry "my.cnf": expected local:\/path\/in\/container/);
    assert.throws(() => accessory.directoryMounts(home, 'app-db', ['data:relative']), /expected local:\/path/);
    assert.throws(() => accessory.directoryMounts(home, 'app-db', ['../etc:/x']), /'\.\.' is not allowed/);
    assert.throws(() => accessory.fileMounts('relative', 'app-db', []), /invalid home directory/);
  });

  describe('run', () => {
    it('minimal: Kamal 2 order, default restart and logging, env file, service label', () => {
      assert.deepEqual(accessory.run(base), [
        'docker', 'run', '--name', 'app-db', '--detach', '--restart', 'unless-stopped', '--network', 'kamal',
        '--log-opt', 'max-size=10m',
        '--env-file', '.kamal/apps/app/env/accessories/db.env',
        '--label', 'service=app-db',
        'mysql:8.0',
      ]);
    });

    it('everything: port, clear env, volumes, mounts, labels, options (restart replaces the default), logging, cmd', () => {
      assert.deepEqual(
        accessory.run({
          ...base,
          destination: 'staging',
          network: 'backend',
          port: '127.0.0.1:3306:3306',
          clearEnv: { MYSQL_ROOT_HOST: '%', GREETING: 'hello world' },
          logging: { driver: 'journald' },
          volumes: ['db-data:/var/lib/mysql'],
          mounts: [{ hostPath: '/root/app-db/etc/my.cnf', containerPath: '/etc/my.cnf', options: 'ro' }, { hostPath: '/root/app-db/data', containerPath: '/data' }],
          labels: { team: 'core' },
          options: { restart: 'always', memory: '1g', 'cap-add': true },
          cmd: `mysqld --character-set-server 'utf8mb4'`,
          deployId: 'op-1',
        }),
        [
          'docker', 'run', '--name', 'app-db', '--detach', '--restart', 'always', '--network', 'backend',
          '--log-driver', 'journald',
          '--publish', '127.0.0.1:3306:3306',
          '--env', 'MYSQL_ROOT_HOST=%', '--env', 'GREETING=hello world',
          '--env-file', '.kamal/apps/app-staging/env/accessories/db.env',
          '--volume', 'db-data:/var/lib/mysql',
          '--volume', '/root/app-db/etc/my.cnf:/etc/my.cnf:ro',
          '--volume', '/root/app-db/data:/data',
          '--label', 'service=app-db', '--label', 'sextant.deploy-id=op-1', '--label', 'team=core',
          '--memory', '1g', '--cap-add',
          'mysql:8.0',
          'mysqld', '--character-set-server', 'utf8mb4',
        ],
      );
    });

    it('refuses what would change the meaning of the command line', () => {
      assert.throws(() => accessory.run({ ...base, labels: { service: 'other' } }), /label "service"/);
      assert.throws(() => accessory.run({ ...base, image: '--privileged' }), /invalid accessory image/);
      assert.throws(() => accessory.run({ ...base, port: '-p1' }), /invalid accessory port/);
      assert.throws(() => accessory.run({ ...base, network: '--x' }), /invalid network/);
      assert.throws(() => accessory.run({ ...base, cmd: 'redis-server $(id)' }), /unquoted \$/);
    });
  });

  it('container life cycle', () => {
    assert.deepEqual(accessory.homeDirectory(), ['printenv', 'HOME']);
    assert.deepEqual(accessory.start('app-db'), ['docker', 'container', 'start', 'app-db']);
    assert.deepEqual(accessory.stop('app-db'), ['docker', 'container', 'stop', 'app-db']);
    assert.deepEqual(accessory.info('app-db'), ['docker', 'ps', '--filter', 'label=service=app-db']);
    assert.deepEqual(accessory.info('app-db', { all: true, quiet: true }), ['docker', 'ps', '--all', '--quiet', '--filter', 'label=service=app-db']);
    assert.deepEqual(accessory.removeContainer('app-db'), ['docker', 'container', 'prune', '--force', '--filter', 'label=service=app-db']);
    assert.deepEqual(accessory.removeImage('mysql:8.0'), ['docker', 'image', 'rm', '--force', 'mysql:8.0']);
    assert.deepEqual(accessory.currentImageId('app-db'), ['docker', 'container', 'inspect', '--format', '{{.Image}}', 'app-db']);
    assert.deepEqual(accessory.removeImageId('sha256:0123456789ab'), ['docker', 'image', 'rm', 'sha256:0123456789ab']);
    assert.throws(() => accessory.removeImageId('mysql'), /invalid image ID/);
    assert.deepEqual(accessory.makeDirectory('/root/app-db/data'), ['mkdir', '-p', '--', '/root/app-db/data']);
    assert.throws(() => accessory.makeDirectory('data'), /absolute path/);
  });

  it('exec in the running container or in a new one with the same env and mounts', () => {
    assert.deepEqual(accessory.execInExisting('app-db', ['mysql', '-e', 'select 1']), ['docker', 'exec', 'app-db', 'mysql', '-e', 'select 1']);
    assert.deepEqual(accessory.execInExisting('app-db', ['sh'], true), ['docker', 'exec', '-it', 'app-db', 'sh']);
    assert.deepEqual(accessory.execInNew({ ...base, clearEnv: { A: '1' }, volumes: ['v:/v'], port: '3306', labels: { x: 'y' } }, ['sh', '-c', 'echo $A'], true), [
      'docker', 'run', '-it', '--rm', '--network', 'kamal',
      '--env', 'A=1', '--env-file', '.kamal/apps/app/env/accessories/db.env', '--volume', 'v:/v',
      'mysql:8.0', 'sh', '-c', 'echo $A',
    ]);
    assert.throws(() => accessory.execInExisting('app-db', []), /exec needs a command/);
  });
});
