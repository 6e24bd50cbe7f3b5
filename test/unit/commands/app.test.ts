import assert from 'node:assert/strict';
import * as app from '../../../commands/app';
import { shellJoin } from '../../../commands/shell';

describe('commands/app', () => {
  const base: app.AppRunParams = {
    service: 'app',
    role: 'web',
    version: 'abc123',
    deployId: 'dep-1',
    repository: 'registry.example.com/acme/app',
    host: '10.0.0.1',
  };

  describe('run', () => {
    it('minimal: Kamal 2 order, env file, default logging, labels, no publish', () => {
      assert.deepEqual(app.run(base), [
        'docker', 'run', '--detach', '--restart', 'unless-stopped',
        '--name', 'app-web-abc123', '--network', 'kamal',
        '--env', 'KAMAL_CONTAINER_NAME=app-web-abc123',
        '--env', 'KAMAL_VERSION=abc123',
        '--env', 'KAMAL_HOST=10.0.0.1',
        '--env-file', '.kamal/apps/app/env/roles/web.env',
        '--log-opt', 'max-size=10m',
        '--label', 'service=app', '--label', 'role=web', '--label', 'destination=', '--label', 'sextant.deploy-id=dep-1',
        'registry.example.com/acme/app:abc123',
      ]);
    });

    it('everything: destination, hostname, clear env, volumes, user labels, options, cmd', () => {
      const argv = app.run({
        ...base,
        destination: 'staging',
        hostname: 'web-1',
        clearEnv: { RAILS_ENV: 'production', GREETING: 'hello world' },
        logging: { driver: 'journald', options: { tag: 'app' } },
        volumes: ['/data/storage:/rails/storage'],
        labels: { team: 'core' },
        options: { memory: '1g', init: true, 'add-host': ['db:10.0.0.9', 'cache:10.0.0.8'], cpus: 2, privileged: false, skip: null },
        cmd: `bin/jobs --queue 'a b'`,
      });
      assert.deepEqual(argv, [
        'docker', 'run', '--detach', '--restart', 'unless-stopped',
        '--name', 'app-web-staging-abc123', '--network', 'kamal', '--hostname', 'web-1',
        '--env', 'KAMAL_CONTAINER_NAME=app-web-staging-abc123',
        '--env', 'KAMAL_VERSION=abc123',
        '--env', 'KAMAL_HOST=10.0.0.1',
        '--env', 'KAMAL_DESTINATION=staging',
        '--env', 'RAILS_ENV=production', '--env', 'GREETING=hello world',
        '--env-file', '.kamal/apps/app-staging/env/roles/web.env',
        '--log-driver', 'journald', '--log-opt', 'tag=app',
        '--volume', '/data/storage:/rails/storage',
        '--label', 'service=app', '--label', 'role=web', '--label', 'destination=staging', '--label', 'sextant.deploy-id=dep-1',
        '--label', 'team=core',
        '--memory', '1g', '--init', '--add-host', 'db:10.0.0.9', '--add-host', 'cache:10.0.0.8', '--cpus', '2', '--privileged=false',
        'registry.example.com/acme/app:abc123',
        'bin/jobs', '--queue', 'a b',
      ]);
      assert.equal(
        shellJoin(argv.slice(-3)),
        `bin/jobs --queue 'a b'`,
      );
    });

    it('cmd as an array passes through untouched', () => {
      assert.deepEqual(app.run({ ...base, cmd: ['sh', '-c', 'echo $HOME'] }).slice(-4), ['registry.example.com/acme/app:abc123', 'sh', '-c', 'echo $HOME']);
    });

    it('shell line is readable and exact', () => {
      assert.equal(
        shellJoin(app.run({ ...base, clearEnv: { MSG: "it's $HOME" } })),
        'docker run --detach --restart unless-stopped --name app-web-abc123 --network kamal ' +
          '--env KAMAL_CONTAINER_NAME=app-web-abc123 --env KAMAL_VERSION=abc123 --env KAMAL_HOST=10.0.0.1 ' +
          `--env 'MSG=it'\\''s $HOME' --env-file .kamal/apps/app/env/roles/web.env --log-opt max-size=10m ` +
          `--label service=app --label role=web --label destination= --label sextant.deploy-id=dep-1 ` +
          'registry.example.com/acme/app:abc123',
      );
    });

    it('refuses overriding reserved labels and bad option names', () => {
      assert.throws(() => app.run({ ...base, labels: { service: 'other' } }), /set by Sextant/);
      assert.throws(() => app.run({ ...base, options: { '--memory': '1g' } }), /invalid option name/);
      assert.throws(() => app.run({ ...base, cmd: 'bin/run && rm -rf /' }), /host shell would evaluate/);
    });
  });

  describe('envFileContent', () => {
    it('writes KEY=VALUE lines, values literal', () => {
      assert.equal(
        app.envFileContent({ DATABASE_URL: 'postgres://u:p@db/app', QUOTED: '"x" \'y\' $Z #n \\t', EMPTY: '' }),
        'DATABASE_URL=postgres://u:p@db/app\nQUOTED="x" \'y\' $Z #n \\t\nEMPTY=\n',
      );
      assert.equal(app.envFileContent({}), '\n');
    });

    it('refuses what Docker cannot read back, naming the key but not the value', () => {
      assert.throws(() => app.envFileContent({ CERT: 'line1\nline2' }), (e: Error) => /CERT/.test(e.message) && /newline/.test(e.message) && !e.message.includes('line1'));
      assert.throws(() => app.envFileContent({ K: 'v\r' }), /carriage return/);
      assert.throws(() => app.envFileContent({ 'BAD KEY': 'v' }), /BAD KEY/);
      assert.throws(() => app.envFileContent({ 'A=B': 'v' }), /A=B/);
      assert.throws(() => app.envFileContent({ '#A': 'v' }), /#A/);
      assert.throws(() => app.envFileContent({ BIG: 'x'.repeat(70_000) }), /too long/);
    });

    it('writeEnvFile uploads it with mode 0600 over stdin', () => {
      const cmd = app.writeEnvFile({ service: 'app', role: 'web' }, { SECRET: 's3cr3t' });
      assert.deepEqual(cmd.argv.slice(-2), ['.kamal/apps/app/env/roles/web.env', '600']);
      assert.equal(cmd.stdin, 'SECRET=s3cr3t\n');
    });
  });

  it('start, stop, remove, rename, logs', () => {
    assert.deepEqual(app.start('app-web-abc'), ['docker', 'start', 'app-web-abc']);
    assert.deepEqual(app.stop('app-web-abc'), ['docker', 'stop', 'app-web-abc']);
    assert.deepEqual(app.stop('app-web-abc', 30), ['docker', 'stop', '-t', '30', 'app-web-abc']);
    assert.deepEqual(app.remove('app-web-abc'), ['docker', 'rm', 'app-web-abc']);
    assert.deepEqual(app.forceRemove('app-web-abc'), ['docker', 'rm', '--force', 'app-web-abc']);
    assert.deepEqual(app.rename('app-web-abc', 'app-web-abc_replaced_12ab'), ['docker', 'rename', 'app-web-abc', 'app-web-abc_replaced_12ab']);
    assert.deepEqual(app.logs('app-web-abc'), ['docker', 'logs', '--tail', '50', '--timestamps', 'app-web-abc']);
    assert.throws(() => app.stop('--all'), /invalid container name/);
  });

  describe('listing', () => {
    it('filters by labels like Kamal (empty destination label when none)', () => {
      const argv = app.listContainers({ service: 'app', role: 'web' });
      assert.deepEqual(argv.slice(0, 10), [
        'docker', 'ps', '--all', '--no-trunc',
        '--filter', 'label=service=app', '--filter', 'label=destination=', '--filter', 'label=role=web',
      ]);
      assert.equal(argv[10], '--format');
      assert.deepEqual(app.filterArgs({ service: 'app', destination: 'staging', statuses: ['running', 'restarting'] }), [
        '--filter', 'label=service=app', '--filter', 'label=destination=staging', '--filter', 'status=running', '--filter', 'status=restarting',
      ]);
      assert.deepEqual(app.filterArgs({ service: 'app', allDestinations: true }), ['--filter', 'label=service=app']);
    });

    it('parses one JSON line per container', () => {
      const out =
        '{"name":"app-web-b","id":"f00","state":"running","status":"Up 2 minutes (healthy)","image":"acme/app:b","createdAt":"2024-05-01 12:00:00 +0000 UTC","service":"app","role":"web","destination":"","deployId":"d2"}\n' +
        '{"name":"app-web-a","id":"ba4","state":"exited","status":"Exited (0) 1 hour ago","image":"acme/app:a","createdAt":"2024-04-01 12:00:00 +0000 UTC","service":"app","role":"web","destination":"","deployId":""}\n';
      assert.deepEqual(app.parseContainerList(out), [
        { name: 'app-web-b', id: 'f00', state: 'running', status: 'Up 2 minutes (healthy)', image: 'acme/app:b', createdAt: '2024-05-01 12:00:00 +0000 UTC', service: 'app', role: 'web', destination: '', deployId: 'd2' },
        { name: 'app-web-a', id: 'ba4', state: 'exited', status: 'Exited (0) 1 hour ago', image: 'acme/app:a', createdAt: '2024-04-01 12:00:00 +0000 UTC', service: 'app', role: 'web', destination: '', deployId: '' },
      ]);
      assert.deepEqual(app.parseContainerList(''), []);
    });
  });

  describe('inspect', () => {
    it('asks for the whole state (Health is absent without a health check) and the kamal network IP', () => {
      assert.deepEqual(app.inspectContainer('app-web-abc'), [
        'docker', 'container', 'inspect', '--format',
        '{"id":{{json .Id}},"name":{{json .Name}},"state":{{json .State}},"restartCount":{{json .RestartCount}},"image":{{json .Config.Image}},' +
          '"deployId":{{json (index .Config.Labels "sextant.deploy-id")}},"ip":{{with index .NetworkSettings.Networks "kamal"}}{{json .IPAddress}}{{else}}null{{end}}}',
        'app-web-abc',
      ]);
      assert.deepEqual(app.containerIp('app-web-abc'), [
        'docker', 'container', 'inspect', '--format', '{{with index .NetworkSettings.Networks "kamal"}}{{.IPAddress}}{{end}}', 'app-web-abc',
      ]);
    });

    it('parses healthy and health-less containers', () => {
      assert.deepEqual(
        app.parseContainerInspect('{"id":"x","name":"/app-web-abc","state":{"Status":"running","ExitCode":0,"StartedAt":"2024-05-01T12:00:00.5Z","Health":{"Status":"healthy","Log":[]}},"restartCount":0,"image":"acme/app:abc","deployId":"d1","ip":"172.18.0.3"}\n'),
        { id: 'x', name: 'app-web-abc', status: 'running', health: 'healthy', exitCode: 0, restartCount: 0, startedAt: '2024-05-01T12:00:00.5Z', image: 'acme/app:abc', deployId: 'd1', ip: '172.18.0.3' },
      );
      const stopped = app.parseContainerInspect('{"id":"x","name":"/a","state":{"Status":"exited","ExitCode":1,"StartedAt":""},"restartCount":2,"image":"i","deployId":"","ip":null}');
      assert.equal(stopped.health, null);
      assert.equal(stopped.ip, null);
      assert.equal(stopped.exitCode, 1);
      assert.equal(app.parseContainerInspect('{"ip":""}').ip, null);
    });
  });
});
