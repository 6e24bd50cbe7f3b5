import assert from 'node:assert/strict';
import * as proxy from '../../../commands/proxy';
import { shellJoin } from '../../../commands/shell';

// `kamal-proxy list` output captured from kamal-proxy v0.9.2 (every cell wrapped in ANSI styles).
const LIST_OUTPUT =
  '\u001b[3;94mService\u001b[0m      \u001b[3;94mHost\u001b[0m                             \u001b[3;94mPath\u001b[0m  \u001b[3;94mTarget\u001b[0m           \u001b[3;94mState\u001b[0m    \u001b[3;94mTLS\u001b[0m  \n' +
  '\u001b[1;34mapp-root\u001b[0m     \u001b[mroot.example.com\u001b[0m                 \u001b[m/api\u001b[0m  \u001b[m127.0.0.1:18081\u001b[0m  \u001b[mrunning\u001b[0m  \u001b[mno\u001b[0m   \n' +
  '\u001b[1;34mapp-web\u001b[0m      \u001b[mapp.example.com,www.example.com\u001b[0m  \u001b[m/\u001b[0m     \u001b[m127.0.0.1:18081\u001b[0m  \u001b[mrunning\u001b[0m  \u001b[mno\u001b[0m   \n' +
  '\u001b[1;34mapp-workers\u001b[0m  \u001b[m*\u001b[0m                                \u001b[m/\u001b[0m     \u001b[m127.0.0.1:18081\u001b[0m  \u001b[mrunning\u001b[0m  \u001b[mno\u001b[0m   \n';

describe('commands/proxy', () => {
  it('image: default basecamp/kamal-proxy:v0.9.2, or registry/repository:version', () => {
    assert.equal(proxy.proxyImage(), 'basecamp/kamal-proxy:v0.9.2');
    assert.equal(proxy.proxyImage({ registry: 'registry.lab:5000', version: 'v0.9.3' }), 'registry.lab:5000/basecamp/kamal-proxy:v0.9.3');
    assert.equal(proxy.proxyImage({ repository: 'acme/proxy' }), 'acme/proxy:v0.9.2');
  });

  it('run: defaults', () => {
    assert.equal(
      shellJoin(proxy.run()),
      'docker run --name kamal-proxy --network kamal --detach --restart unless-stopped ' +
        '--volume kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy ' +
        '--publish 80:80 --publish 443:443 --log-opt max-size=10m basecamp/kamal-proxy:v0.9.2 kamal-proxy run',
    );
  });

  it('run: created and not started, or under another name (upgrade\'s staging proxy)', () => {
    assert.equal(
      shellJoin(proxy.run({}, { create: true })),
      'docker create --name kamal-proxy --network kamal --restart unless-stopped ' +
        '--volume kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy ' +
        '--publish 80:80 --publish 443:443 --log-opt max-size=10m basecamp/kamal-proxy:v0.9.2 kamal-proxy run',
    );
    assert.equal(
      shellJoin(proxy.run({ publish: false }, { name: 'kamal-proxy-upgrade' })),
      'docker run --name kamal-proxy-upgrade --network kamal --detach --restart unless-stopped ' +
        '--volume kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy --log-opt max-size=10m basecamp/kamal-proxy:v0.9.2 kamal-proxy run',
    );
    assert.equal(shellJoin(proxy.list('kamal-proxy-upgrade')), 'docker exec kamal-proxy-upgrade kamal-proxy list');
    assert.match(shellJoin(proxy.deploy({ service: 'app-web', target: '172.18.0.5:3000', container: 'kamal-proxy-upgrade' })), /^docker exec kamal-proxy-upgrade kamal-proxy deploy app-web --target=172\.18\.0\.5:3000 /);
    assert.throws(() => proxy.list('-x'), /invalid proxy container/);
  });

  it('run: ports, bind IPs, apps-config, metrics, debug, options', () => {
    assert.deepEqual(
      proxy.run({
        image: { registry: 'registry.lab:5000' },
        httpPort: 8080,
        httpsPort: 8443,
        bindIps: ['10.0.0.1', '::1'],
        logMaxSize: '50m',
        debug: true,
        metricsPort: 9090,
        appsConfigHostDir: '/home/deploy/.kamal/proxy/apps-config',
        options: { memory: '256m' },
      }),
      [
        'docker', 'run', '--name', 'kamal-proxy', '--network', 'kamal', '--detach', '--restart', 'unless-stopped',
        '--volume', 'kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy',
        '--volume', '/home/deploy/.kamal/proxy/apps-config:/home/kamal-proxy/.apps-config',
        '--publish', '10.0.0.1:8080:80', '--publish', '10.0.0.1:8443:443',
        '--publish', '[::1]:8080:80', '--publish', '[::1]:8443:443',
        '--log-opt', 'max-size=50m',
        '--expose=9090',
        '--memory', '256m',
        'registry.lab:5000/basecamp/kamal-proxy:v0.9.2',
        'kamal-proxy', 'run', '--debug', '--metrics-port', '9090',
      ],
    );
    assert.deepEqual(proxy.run({ publish: false, logMaxSize: null }).slice(11), ['basecamp/kamal-proxy:v0.9.2', 'kamal-proxy', 'run']);
    assert.throws(() => proxy.run({ appsConfigHostDir: '.kamal/proxy' }), /absolute/);
    assert.throws(() => proxy.run({ httpPort: 0 }), /invalid proxy http port/);
  });

  it('start, inspect', () => {
    assert.deepEqual(proxy.start(), ['docker', 'container', 'start', 'kamal-proxy']);
    assert.deepEqual(proxy.stopContainer(), ['docker', 'container', 'stop', 'kamal-proxy']);
    assert.deepEqual(proxy.inspect(), [
      'docker', 'container', 'inspect', '--format',
      '{"status":{{json .State.Status}},"image":{{json .Config.Image}},"onNetwork":{{with index .NetworkSettings.Networks "kamal"}}true{{else}}false{{end}}}', 'kamal-proxy',
    ]);
    assert.deepEqual(proxy.parseInspect('{"status":"running","image":"basecamp/kamal-proxy:v0.9.2","onNetwork":true}\n'), { status: 'running', onNetwork: true });
    assert.deepEqual(proxy.parseInspect('{"status":"exited","image":"basecamp/kamal-proxy:v0.9.2","onNetwork":false}'), { status: 'exited', onNetwork: false });
  });

  // Every deploy/stop/resume argv below was also accepted by a real kamal-proxy v0.9.2.
  it('deploy: Kamal defaults', () => {
    assert.equal(
      shellJoin(proxy.deploy({ service: 'app-web', target: 'app-web-abc123:3000' })),
      'docker exec kamal-proxy kamal-proxy deploy app-web --target=app-web-abc123:3000 ' +
        '--deploy-timeout=30s --drain-timeout=30s --buffer-requests --buffer-responses ' +
        '--log-request-header=Cache-Control --log-request-header=Last-Modified --log-request-header=User-Agent',
    );
  });

  it('deploy: every option', () => {
    assert.deepEqual(
      proxy.deploy({
        service: 'app-web-staging',
        target: '172.18.0.5:80',
        hosts: ['app.example.com', 'www.example.com'],
        pathPrefixes: ['/api'],
        stripPathPrefix: false,
        tls: true,
        tlsRedirect: false,
        deployTimeoutSeconds: 60,
        drainTimeoutSeconds: 10,
        healthCheck: { path: '/health', intervalSeconds: 2, timeoutSeconds: 3 },
        targetTimeoutSeconds: 45,
        bufferRequests: false,
        bufferResponses: true,
        bufferMemory: 2000000,
        maxRequestBody: 1000,
        maxResponseBody: 2000,
        forwardHeaders: true,
        logRequestHeaders: ['X-A'],
        logResponseHeaders: ['X-B', 'X-C'],
      }),
      [
        'docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'deploy', 'app-web-staging',
        '--target=172.18.0.5:80',
        '--host=app.example.com', '--host=www.example.com',
        '--path-prefix=/api', '--strip-path-prefix=false',
        '--tls', '--tls-redirect=false',
        '--deploy-timeout=60s', '--drain-timeout=10s',
        '--health-check-interval=2s', '--health-check-timeout=3s', '--health-check-path=/health',
        '--target-timeout=45s',
        '--buffer-requests=false', '--buffer-responses', '--buffer-memory=2000000',
        '--max-request-body=1000', '--max-response-body=2000',
        '--forward-headers',
        '--log-request-header=X-A', '--log-response-header=X-B', '--log-response-header=X-C',
      ],
    );
  });

  it('deploy: refuses a target without port and TLS without host', () => {
    assert.throws(() => proxy.deploy({ service: 'app-web', target: 'app-web-abc' }), /address:port/);
    assert.throws(() => proxy.deploy({ service: 'app-web', target: 'a:1', tls: true }), /TLS needs at least one host/);
    assert.throws(() => proxy.deploy({ service: '--all', target: 'a:1' }), /invalid proxy service/);
  });

  it('remove, stop (maintenance), resume, list', () => {
    assert.deepEqual(proxy.remove('app-web'), ['docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'remove', 'app-web']);
    assert.deepEqual(proxy.stop('app-web'), ['docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'stop', 'app-web']);
    assert.deepEqual(proxy.stop('app-web', { drainTimeoutSeconds: 5, message: 'Back soon' }), [
      'docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'stop', 'app-web', '--drain-timeout=5s', '--message=Back soon',
    ]);
    assert.deepEqual(proxy.resume('app-web'), ['docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'resume', 'app-web']);
    assert.deepEqual(proxy.list(), ['docker', 'exec', 'kamal-proxy', 'kamal-proxy', 'list']);
  });

  it('parses the list table', () => {
    assert.deepEqual(proxy.parseList(LIST_OUTPUT), [
      { service: 'app-root', host: 'root.example.com', path: '/api', target: '127.0.0.1:18081', state: 'running', tls: false },
      { service: 'app-web', host: 'app.example.com,www.example.com', path: '/', target: '127.0.0.1:18081', state: 'running', tls: false },
      { service: 'app-workers', host: '*', path: '/', target: '127.0.0.1:18081', state: 'running', tls: false },
    ]);
    assert.deepEqual(proxy.parseList(LIST_OUTPUT.split('\n')[0]!), []);
    assert.deepEqual(proxy.parseList(''), []);
    assert.throws(() => proxy.parseList('something else\n'), /unexpected kamal-proxy list header/);
  });
});
