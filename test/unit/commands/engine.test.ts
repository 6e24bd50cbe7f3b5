import assert from 'node:assert/strict';
import * as app from '../../../commands/app';
import * as engine from '../../../commands/engine';
import * as prune from '../../../commands/prune';
import * as proxy from '../../../commands/proxy';
import { inspectNetwork } from '../../../commands/network';

const ok = (body: unknown, status = 200): engine.EngineReply => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body) });
const cli = (stdout: string, code = 0, stderr = ''): engine.CliReply => ({ code, stdout, stderr });
const query = (path: string) => Object.fromEntries(new URL(`http://x${path}`).searchParams);

describe('commands/engine', () => {
  it('asks the docker CLI for its current endpoint; only unix sockets are used directly', () => {
    assert.deepEqual(engine.engineEndpoint(), ['docker', 'context', 'inspect', '--format', '{{.Endpoints.docker.Host}}']);
    assert.equal(engine.parseEngineEndpoint('unix:///var/run/docker.sock\n'), '/var/run/docker.sock');
    assert.equal(engine.parseEngineEndpoint('unix:///run/user/1000/docker.sock'), '/run/user/1000/docker.sock');
    for (const other of ['tcp://10.0.0.5:2375', 'ssh://me@box', 'npipe:////./pipe/docker_engine', '', 'unix://relative.sock', 'unix:///a b']) {
      assert.equal(engine.parseEngineEndpoint(other), null, other);
    }
  });

  it('lists containers with the same filters as the CLI, all states, newest first', () => {
    const f = { service: 'app', destination: 'staging', role: 'web', statuses: ['running'] };
    const call = engine.containers(f);
    assert.deepEqual(call.cli, app.listContainers(f));
    assert.equal(call.api.method, 'GET');
    assert.equal(
      call.api.path,
      '/containers/json?all=1&filters=%7B%22label%22%3A%5B%22service%3Dapp%22%2C%22destination%3Dstaging%22%2C%22role%3Dweb%22%5D%2C%22status%22%3A%5B%22running%22%5D%7D',
    );
    // No destination is Kamal's empty destination label, as on the command line.
    assert.deepEqual(JSON.parse(query(engine.containers({ service: 'app' }).api.path).filters!), { label: ['service=app', 'destination='] });
    assert.deepEqual(JSON.parse(query(engine.serviceContainers({ service: 'app' }).api.path).filters!), { label: ['service=app'] });
    assert.deepEqual(engine.serviceContainers({ service: 'app' }).cli, prune.listServiceContainers({ service: 'app' }));
    assert.throws(() => engine.containers({ service: 'a b' }), /invalid service/);
  });

  it("reads /containers/json as the CLI's --no-trunc format prints it", () => {
    const reply = ok([
      {
        Id: 'f00d', Names: ['/app-web-v2'], Image: 'reg/app:v2', Created: 1714564800, State: 'running', Status: 'Up 3 minutes (healthy)',
        Labels: { service: 'app', role: 'web', destination: '', 'sextant.deploy-id': 'd-1', other: 'x' },
      },
      { Id: 'beef', Names: ['/app-web-v1', '/other/alias'], Image: '', Created: 1714478400, State: 'exited', Status: 'Exited (0) 1 hour ago', Labels: null },
    ]);
    assert.deepEqual(engine.containers({ service: 'app' }).fromApi(reply), [
      { name: 'app-web-v2', id: 'f00d', state: 'running', status: 'Up 3 minutes (healthy)', image: 'reg/app:v2', createdAt: '2024-05-01 12:00:00 +0000 UTC', service: 'app', role: 'web', destination: '', deployId: 'd-1' },
      { name: 'app-web-v1,other/alias', id: 'beef', state: 'exited', status: 'Exited (0) 1 hour ago', image: '<no image>', createdAt: '2024-04-30 12:00:00 +0000 UTC', service: '', role: '', destination: '', deployId: '' },
    ]);
    assert.deepEqual(engine.serviceContainers({ service: 'app' }).fromApi(reply), [
      { name: 'app-web-v2', image: 'reg/app:v2' },
      { name: 'app-web-v1,other/alias', image: '<no image>' },
    ]);
    // The CLI's own line parses to the same value.
    const line = '{"name":"app-web-v2","id":"f00d","state":"running","status":"Up 3 minutes (healthy)","image":"reg/app:v2","createdAt":"2024-05-01 12:00:00 +0000 UTC","service":"app","role":"web","destination":"","deployId":"d-1"}';
    assert.deepEqual(engine.containers({ service: 'app' }).fromCli(cli(`${line}\n`)), [engine.containers({ service: 'app' }).fromApi(reply)[0]]);
  });

  it('a failed list is one error with the engine\'s (or the CLI\'s) words', () => {
    const call = engine.containers({ service: 'app' });
    assert.throws(() => call.fromApi(ok({ message: 'invalid filter "labl"' }, 400)), (e: Error) => e instanceof engine.DockerCallError && e.message === 'invalid filter "labl"');
    assert.throws(() => call.fromApi(ok('Bad Gateway', 502)), /^DockerCallError: Bad Gateway$/);
    assert.throws(() => call.fromApi(ok('', 500)), /HTTP 500/);
    assert.throws(() => call.fromCli(cli('', 1, 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock\n')), /^DockerCallError: Cannot connect to the Docker daemon/);
  });

  it('reads /images/json as a line per tag, untagged ones as <none>', () => {
    const call = engine.serviceImages({ service: 'app' });
    assert.deepEqual(call.cli, prune.listServiceImages({ service: 'app' }));
    assert.equal(call.api.path, '/images/json?filters=%7B%22label%22%3A%5B%22service%3Dapp%22%5D%7D');
    assert.deepEqual(
      call.fromApi(ok([
        { Id: 'sha256:aa', RepoTags: ['10.77.0.1:5443/app:v2', '10.77.0.1:5443/app:latest'], RepoDigests: [] },
        { Id: 'sha256:bb', RepoTags: ['<none>:<none>'], RepoDigests: ['10.77.0.1:5443/app@sha256:cc'] },
        { Id: 'sha256:dd', RepoTags: null },
      ])),
      [
        { id: 'sha256:aa', repository: '10.77.0.1:5443/app', tag: 'v2' },
        { id: 'sha256:aa', repository: '10.77.0.1:5443/app', tag: 'latest' },
        { id: 'sha256:bb', repository: '10.77.0.1:5443/app', tag: '<none>' },
        { id: 'sha256:dd', repository: '<none>', tag: '<none>' },
      ],
    );
  });

  it('inspects one container: null when there is none', () => {
    const call = engine.containerDetails('app-web-v2');
    assert.deepEqual(call.cli, app.inspectContainer('app-web-v2'));
    assert.deepEqual(call.api, { method: 'GET', path: '/containers/app-web-v2/json' });
    assert.deepEqual(
      call.fromApi(ok({
        Id: 'f00d', Name: '/app-web-v2', RestartCount: 1,
        State: { Status: 'running', ExitCode: 0, StartedAt: '2024-05-01T12:00:01.5Z', Health: { Status: 'healthy' } },
        Config: { Image: 'reg/app:v2', Labels: { 'sextant.deploy-id': 'd-1' } },
        NetworkSettings: { Networks: { kamal: { IPAddress: '172.18.0.3' }, bridge: { IPAddress: '172.17.0.2' } } },
      })),
      { id: 'f00d', name: 'app-web-v2', status: 'running', health: 'healthy', exitCode: 0, restartCount: 1, startedAt: '2024-05-01T12:00:01.5Z', image: 'reg/app:v2', deployId: 'd-1', ip: '172.18.0.3' },
    );
    assert.deepEqual(call.fromApi(ok({ Name: '/x', State: { Status: 'exited', ExitCode: 3 }, Config: {}, NetworkSettings: { Networks: { kamal: { IPAddress: '' } } } })), {
      id: '', name: 'x', status: 'exited', health: null, exitCode: 3, restartCount: 0, startedAt: '', image: '', deployId: '', ip: null,
    });
    assert.equal(call.fromApi(ok({ message: 'No such container: app-web-v2' }, 404)), null);
    assert.equal(call.fromCli(cli('', 1, 'Error: No such container: app-web-v2')), null);
    assert.throws(() => call.fromApi(ok({ message: 'boom' }, 500)), /boom/);
    assert.throws(() => engine.containerDetails('../images'), /invalid container name/);
  });

  it("kamal-proxy's state and the kamal network", () => {
    const state = engine.proxyState();
    assert.deepEqual(state.cli, proxy.inspect());
    assert.deepEqual(state.api, { method: 'GET', path: '/containers/kamal-proxy/json' });
    assert.deepEqual(state.fromApi(ok({ State: { Status: 'running' }, NetworkSettings: { Networks: { kamal: {} } } })), { status: 'running', onNetwork: true });
    assert.deepEqual(state.fromApi(ok({ State: { Status: 'exited' }, NetworkSettings: { Networks: { bridge: {} } } })), { status: 'exited', onNetwork: false });
    assert.equal(state.fromApi(ok({ message: 'No such container: kamal-proxy' }, 404)), null);
    assert.deepEqual(state.fromCli(cli('{"status":"running","image":"basecamp/kamal-proxy:v0.9.2","onNetwork":true}\n')), { status: 'running', onNetwork: true });
    assert.equal(state.fromCli(cli('', 1)), null);

    const net = engine.networkExists();
    assert.deepEqual(net.cli, inspectNetwork());
    assert.deepEqual(net.api, { method: 'GET', path: '/networks/kamal' });
    assert.equal(net.fromApi(ok({ Name: 'kamal' })), true);
    assert.equal(net.fromApi(ok({ message: 'network kamal not found' }, 404)), false);
    assert.equal(net.fromCli(cli('kamal\n')), true);
    assert.equal(net.fromCli(cli('', 1, 'Error response from daemon: network kamal not found')), false);
  });

  it('stops with the same grace as `docker stop -t`; already stopped is done, missing is an error', () => {
    const call = engine.stop('app-web-v1', 30);
    assert.deepEqual(call.cli, ['docker', 'stop', '-t', '30', 'app-web-v1']);
    assert.deepEqual(call.api, { method: 'POST', path: '/containers/app-web-v1/stop?t=30' });
    assert.equal(call.fromApi(ok('', 204)), undefined);
    assert.equal(call.fromApi(ok('', 304)), undefined);
    assert.throws(() => call.fromApi(ok({ message: 'No such container: app-web-v1' }, 404)), /No such container/);
    assert.equal(call.fromCli(cli('app-web-v1\n')), undefined);
    assert.throws(() => call.fromCli(cli('', 1, 'Error response from daemon: No such container: app-web-v1')), /No such container/);
    assert.throws(() => engine.stop('app web', 1), /invalid container name/);
    assert.throws(() => engine.stop('app', -1), /whole number/);
  });

  it('renames as `docker rename` does: a missing container or a taken name is an error', () => {
    const call = engine.rename('app-web-v1', 'app-web-v1_replaced_ab12');
    assert.deepEqual(call.cli, ['docker', 'rename', 'app-web-v1', 'app-web-v1_replaced_ab12']);
    assert.deepEqual(call.api, { method: 'POST', path: '/containers/app-web-v1/rename?name=app-web-v1_replaced_ab12' });
    assert.equal(call.fromApi(ok('', 204)), undefined);
    assert.throws(() => call.fromApi(ok({ message: 'No such container: app-web-v1' }, 404)), /No such container/);
    assert.throws(() => call.fromApi(ok({ message: 'Conflict. The container name "/app-web-v1_replaced_ab12" is already in use' }, 409)), /already in use/);
    assert.throws(() => engine.rename('app-web-v1', '../x'), /invalid container name/);
  });

  it('runs a plain `docker exec` as exec create, start and inspect', () => {
    const cli = proxy.deploy({ service: 'app-web', target: 'app-web-v2:3000', deployTimeoutSeconds: 30, drainTimeoutSeconds: 30 });
    const call = engine.execOf(cli);
    assert.deepEqual(call.cli, cli);
    assert.deepEqual(call.create, { method: 'POST', path: '/containers/kamal-proxy/exec', body: JSON.stringify({ AttachStdout: true, AttachStderr: true, Cmd: cli.slice(3) }) });
    assert.equal(call.createdId(ok({ Id: 'ab12' }, 201)), 'ab12');
    assert.throws(() => call.createdId(ok({ message: 'Container 1234 is not running' }, 409)), /^DockerCallError: Container 1234 is not running$/);
    assert.throws(() => call.createdId(ok({ Id: '../x' }, 201)), /no exec ID/);
    assert.deepEqual(call.start('ab12'), { method: 'POST', path: '/exec/ab12/start', body: '{"Detach":false,"Tty":false}', output: true });
    assert.deepEqual(call.output({ status: 200, body: 'out', stderr: 'err' }), { stdout: 'out', stderr: 'err' });
    assert.throws(() => call.output(ok({ message: 'No such exec instance: ab12' }, 404)), /No such exec instance/);
    assert.deepEqual(call.inspect('ab12'), { method: 'GET', path: '/exec/ab12/json' });
    assert.equal(call.exitCode(ok({ Running: false, ExitCode: 3 })), 3);
    assert.equal(call.exitCode(ok({ Running: true, ExitCode: 0 })), null);
    assert.equal(call.exitCode(ok({ Running: false, ExitCode: null })), null);
    for (const bad of [['docker', 'exec', '--interactive', 'kamal-proxy', 'sh'], ['docker', 'ps'], ['docker', 'exec', 'kamal-proxy'], ['docker', 'exec', 'a b', 'sh']]) {
      assert.throws(() => engine.execOf(bad), /plain docker exec|invalid container/, bad.join(' '));
    }
  });

  it("splits Docker's multiplexed stream into stdout and stderr, bytes as they came", () => {
    const frame = (stream: number, text: string) => {
      const payload = Buffer.from(text, 'utf8');
      const header = Buffer.alloc(8);
      header[0] = stream;
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    const raw = Buffer.concat([frame(1, 'Deployed '), frame(2, 'warn: é\n'), frame(1, 'app-web'), frame(1, ''), frame(2, '∞')]);
    assert.deepEqual(engine.demultiplex(raw), { stdout: 'Deployed app-web', stderr: 'warn: é\n∞' });
    // A multi-byte character split across frames is joined before decoding.
    const snow = Buffer.from('☃', 'utf8');
    const split = Buffer.concat([frame(1, ''), Buffer.from([1, 0, 0, 0, 0, 0, 0, 1]), snow.subarray(0, 1), Buffer.from([1, 0, 0, 0, 0, 0, 0, 2]), snow.subarray(1)]);
    assert.equal(engine.demultiplex(split).stdout, '☃');
    assert.deepEqual(engine.demultiplex(Buffer.alloc(0)), { stdout: '', stderr: '' });
  });

  it("prunes the service's dangling images as `docker image prune` does", () => {
    const call = engine.pruneDanglingImages({ service: 'app' });
    assert.deepEqual(call.cli, prune.pruneDanglingImages({ service: 'app' }));
    assert.equal(call.api.method, 'POST');
    assert.deepEqual(JSON.parse(query(call.api.path).filters!), { dangling: ['true'], label: ['service=app'] });
    assert.equal(call.fromApi(ok({ ImagesDeleted: null, SpaceReclaimed: 0 })), undefined);
  });
});
