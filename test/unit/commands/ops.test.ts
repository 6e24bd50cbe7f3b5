// The argv of the app/proxy/server commands (issue 5), as exact strings, like Kamal's own tests.
import assert from 'node:assert/strict';
import * as app from '../../../commands/app';
import { removeTree } from '../../../commands/files';
import { containerLogs } from '../../../commands/logs';
import * as proxy from '../../../commands/proxy';
import * as server from '../../../commands/server';
import { shellJoin } from '../../../commands/shell';

const scope = { service: 'app', destination: 'staging', role: 'web' };

describe('commands: app exec, logs, proxy removal, server bootstrap', () => {
  it('app exec --reuse: docker exec in the running container, -e as --env, -i as --interactive --tty', () => {
    assert.equal(shellJoin(app.execIn('app-web-staging-abc', { cmd: ['bin/rails', 'runner', 'puts 1'] })), "docker exec app-web-staging-abc bin/rails runner 'puts 1'");
    assert.equal(
      shellJoin(app.execIn('app-web-staging-abc', { cmd: ['sh'], env: { A: 'b c' }, interactive: true })),
      "docker exec --interactive --tty --env 'A=b c' app-web-staging-abc sh",
    );
    assert.throws(() => app.execIn('app-web-abc', { cmd: [] }), /no command/);
    assert.throws(() => app.execIn('--privileged', { cmd: ['sh'] }), /invalid container name/);
  });

  it('app exec: a new container of the role image and env on the kamal network, removed after', () => {
    assert.equal(
      shellJoin(app.runOnce({ ...scope, image: 'reg:5000/acme/app:abc', clearEnv: { MODE: 'prod' }, env: { X: '1' }, cmd: ['bin/rails', 'db:migrate'] })),
      'docker run --rm --network kamal --env-file .kamal/apps/app-staging/env/roles/web.env --env MODE=prod --env X=1 reg:5000/acme/app:abc bin/rails db:migrate',
    );
    assert.equal(
      shellJoin(app.runOnce({ ...scope, image: 'acme/app:abc', cmd: ['sh'], interactive: true })),
      'docker run --rm --interactive --tty --network kamal --env-file .kamal/apps/app-staging/env/roles/web.env acme/app:abc sh',
    );
    assert.equal(
      shellJoin(app.runOnce({ ...scope, image: 'acme/app:abc', cmd: ['bin/jobs'], detach: true })),
      'docker run --detach --network kamal --env-file .kamal/apps/app-staging/env/roles/web.env acme/app:abc bin/jobs',
    );
    assert.throws(() => app.runOnce({ ...scope, image: '-v', cmd: ['sh'] }), /invalid image/);
  });

  it('logs: Kamal options, grep on the host through one sh -c argument', () => {
    assert.deepEqual(containerLogs('app-web-abc'), ['docker', 'logs', '--timestamps', 'app-web-abc']);
    assert.deepEqual(containerLogs('app-web-abc', { since: '5m', lines: 20, follow: true, timestamps: false }), [
      'docker', 'logs', '--since', '5m', '--tail', '20', '--follow', 'app-web-abc',
    ]);
    assert.deepEqual(containerLogs('kamal-proxy', { lines: 10, grep: "it's $(bad)", grepOptions: '-i -C 2' }), [
      'sh', '-c', `docker logs --timestamps --tail 10 kamal-proxy 2>&1 | grep -i -C 2 -- 'it'\\''s $(bad)'`,
    ]);
    assert.throws(() => containerLogs('app-web-abc', { lines: 0 }), /positive/);
    assert.throws(() => containerLogs('app-web-abc', { since: '--until' }), /invalid --since/);
    assert.throws(() => containerLogs('app', { grep: 'x', grepOptions: '-e $(id)' }), /would evaluate/);
  });

  it('proxy: remove the container and image, details', () => {
    assert.deepEqual(proxy.removeContainer(), ['docker', 'container', 'rm', '--force', 'kamal-proxy']);
    assert.deepEqual(proxy.removeImage('basecamp/kamal-proxy:v0.9.2'), ['docker', 'image', 'rm', '--force', 'basecamp/kamal-proxy:v0.9.2']);
    assert.deepEqual(proxy.details(), ['docker', 'ps', '--all', '--filter', 'name=^kamal-proxy$']);
    assert.deepEqual(proxy.startedBy(), ['docker', 'container', 'inspect', '--format', '{{index .Config.Labels "sextant.deploy-id"}}', 'kamal-proxy']);
    assert.throws(() => proxy.removeImage('-a'), /invalid image/);
  });

  it('server bootstrap: find docker, check root, run Docker’s install script', () => {
    assert.equal(shellJoin(server.findDocker()), "sh -c 'command -v docker'");
    assert.deepEqual(server.userId(), ['id', '-u']);
    assert.equal(
      shellJoin(server.installDocker()),
      `sh -c '{ curl -fsSL "$1" || wget -qO- "$1"; } > /tmp/sextant-get-docker.sh && sh /tmp/sextant-get-docker.sh' sh https://get.docker.com`,
    );
    assert.throws(() => server.installDocker('http://x; rm -rf /'), /https URL/);
  });

  it('files: remove a directory tree', () => {
    assert.deepEqual(removeTree('.kamal/apps/app-staging'), ['rm', '-rf', '--', '.kamal/apps/app-staging']);
    assert.throws(() => removeTree('-rf'), /invalid file path/);
  });
});
