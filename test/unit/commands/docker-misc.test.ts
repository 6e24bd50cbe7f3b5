import assert from 'node:assert/strict';
import * as builder from '../../../commands/builder';
import * as images from '../../../commands/images';
import * as network from '../../../commands/network';
import * as registry from '../../../commands/registry';
import { loggingArgs, optionize } from '../../../commands/options';

describe('commands: registry, network, images, builder, options', () => {
  it('registry login reads the password from stdin', () => {
    assert.deepEqual(registry.login({ server: 'registry.lab:5000', username: 'deploy', password: 'pw' }), {
      argv: ['docker', 'login', 'registry.lab:5000', '-u', 'deploy', '--password-stdin'],
      stdin: 'pw',
    });
    assert.deepEqual(registry.login({ username: 'deploy', password: 'pw' }).argv, ['docker', 'login', '-u', 'deploy', '--password-stdin']);
    assert.deepEqual(registry.logout('registry.lab:5000'), ['docker', 'logout', 'registry.lab:5000']);
    assert.deepEqual(registry.logout(), ['docker', 'logout']);
    assert.throws(() => registry.login({ username: 'deploy', password: '' }), /password is empty/);
  });

  it('network', () => {
    assert.deepEqual(network.createNetwork(), ['docker', 'network', 'create', 'kamal']);
    assert.deepEqual(network.inspectNetwork(), ['docker', 'network', 'inspect', '--format', '{{.Name}}', 'kamal']);
    assert.deepEqual(network.connect('app-web-v1'), ['docker', 'network', 'connect', 'kamal', 'app-web-v1']);
    assert.deepEqual(network.connect('kamal-proxy', 'bridge'), ['docker', 'network', 'connect', 'bridge', 'kamal-proxy']);
    assert.deepEqual(network.networksOf('app-web-v1'), ['docker', 'container', 'inspect', '--format', '{{json .NetworkSettings.Networks}}', 'app-web-v1']);
    assert.deepEqual(network.parseNetworks('{"bridge":{"IPAddress":"172.17.0.2","Gateway":"172.17.0.1"},"kamal":{"IPAddress":"172.18.0.3"},"none":{"IPAddress":""}}\n'), {
      bridge: '172.17.0.2',
      kamal: '172.18.0.3',
    });
    assert.throws(() => network.connect('--help'), /invalid container/);
    assert.throws(() => network.connect('app', '-x'), /invalid network/);
  });

  it('images: pull, tag, inspect, digest', () => {
    assert.deepEqual(images.pull('acme/app:abc'), ['docker', 'pull', 'acme/app:abc']);
    assert.deepEqual(images.tag('acme/app:abc', 'acme/app:latest'), ['docker', 'tag', 'acme/app:abc', 'acme/app:latest']);
    assert.deepEqual(images.inspectImage('acme/app:abc'), [
      'docker', 'image', 'inspect', '--format', '{"id":{{json .Id}},"repoDigests":{{json .RepoDigests}}}', 'acme/app:abc',
    ]);
    const details = images.parseImageInspect('{"id":"sha256:1","repoDigests":["other/app@sha256:aa","registry.lab:5000/acme/app@sha256:bb"]}\n');
    assert.deepEqual(details, { id: 'sha256:1', repoDigests: ['other/app@sha256:aa', 'registry.lab:5000/acme/app@sha256:bb'] });
    assert.equal(images.digestIn(details, 'registry.lab:5000/acme/app'), 'sha256:bb');
    assert.equal(images.digestIn(details, 'acme/app'), undefined);
    assert.deepEqual(images.parseImageInspect('{"id":"sha256:1","repoDigests":null}').repoDigests, []);
    assert.throws(() => images.pull('--all-tags'), /invalid image reference/);
  });

  it('builder: docker build with tags, service label, build args, Dockerfile', () => {
    assert.deepEqual(
      builder.build({
        repository: 'registry.lab:5000/acme/app',
        tags: ['abc123', 'latest'],
        service: 'app',
        buildArgs: { RUBY_VERSION: '3.3' },
        dockerfile: 'Dockerfile.prod',
        target: 'release',
        context: '.',
      }),
      [
        'docker', 'build',
        '-t', 'registry.lab:5000/acme/app:abc123', '-t', 'registry.lab:5000/acme/app:latest',
        '--label', 'service=app',
        '--build-arg', 'RUBY_VERSION=3.3',
        '-f', 'Dockerfile.prod',
        '--target', 'release',
        '.',
      ],
    );
    assert.deepEqual(builder.build({ repository: 'acme/app', tags: ['v1'], service: 'app', context: '.' }), [
      'docker', 'build', '-t', 'acme/app:v1', '--label', 'service=app', '.',
    ]);
    assert.deepEqual(builder.push('acme/app:v1'), ['docker', 'push', 'acme/app:v1']);
    assert.throws(() => builder.build({ repository: 'acme/app', tags: [], service: 'app', context: '.' }), /at least one tag/);
  });

  it('builder: buildx variant pushes to the registry', () => {
    assert.deepEqual(
      builder.buildxBuild({ repository: 'acme/app', tags: ['v1', 'latest'], service: 'app', context: '.', platforms: ['linux/amd64', 'linux/arm64'], builder: 'sextant', output: 'registry' }),
      [
        'docker', 'buildx', 'build', '--output=type=registry', '--builder', 'sextant', '--platform', 'linux/amd64,linux/arm64',
        '-t', 'acme/app:v1', '-t', 'acme/app:latest', '--label', 'service=app', '.',
      ],
    );
  });

  it('options and logging map like Kamal', () => {
    assert.deepEqual(optionize({ memory: '1g', init: true, 'add-host': ['a:1', 'b:2'], cpus: 1.5, x: null, y: undefined, tty: false }), [
      '--memory', '1g', '--init', '--add-host', 'a:1', '--add-host', 'b:2', '--cpus', '1.5', '--tty=false',
    ]);
    assert.deepEqual(optionize({ memory: '1g', debug: true }, true), ['--memory=1g', '--debug']);
    assert.deepEqual(loggingArgs(undefined), ['--log-opt', 'max-size=10m']);
    assert.deepEqual(loggingArgs({ options: { 'max-size': '100m', 'max-file': '3' } }), ['--log-opt', 'max-size=100m', '--log-opt', 'max-file=3']);
    assert.deepEqual(loggingArgs({ driver: 'syslog' }), ['--log-driver', 'syslog']);
  });
});
