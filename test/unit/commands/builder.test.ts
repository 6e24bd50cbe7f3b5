// Every builder option's argv, plain `docker build` and buildx, as exact strings.
import assert from 'node:assert/strict';
import * as builder from '../../../commands/builder';

const base = { repository: '10.0.0.1:5443/acme/app', tags: ['abc123', 'latest'], service: 'app', context: '/src/app' };

describe('commands/builder', () => {
  it('plain docker build: platform, tags, label, args, secrets by env name, Dockerfile, target, ssh', () => {
    assert.deepEqual(
      builder.build({
        ...base,
        platforms: ['linux/amd64'],
        buildArgs: { RUBY_VERSION: '3.3' },
        secrets: ['GITHUB_TOKEN', 'NPM_TOKEN'],
        dockerfile: 'Dockerfile.prod',
        target: 'release',
        ssh: 'default',
      }).join(' '),
      'docker build --platform linux/amd64 -t 10.0.0.1:5443/acme/app:abc123 -t 10.0.0.1:5443/acme/app:latest --label service=app ' +
        '--build-arg RUBY_VERSION=3.3 --secret id=GITHUB_TOKEN,env=GITHUB_TOKEN --secret id=NPM_TOKEN,env=NPM_TOKEN ' +
        '-f Dockerfile.prod --target release --ssh default /src/app',
    );
  });

  it('buildx build to the registry with a registry cache, provenance and sbom', () => {
    assert.deepEqual(
      builder.buildxBuild({
        ...base,
        output: 'registry',
        builder: 'sextant-local-docker-container',
        platforms: ['linux/amd64', 'linux/arm64'],
        secrets: ['GITHUB_TOKEN'],
        cache: { type: 'registry', ref: '10.0.0.1:5443/acme/app-build-cache', options: 'mode=max' },
        provenance: 'mode=max',
        sbom: true,
      }).join(' '),
      'docker buildx build --output=type=registry --builder sextant-local-docker-container --platform linux/amd64,linux/arm64 ' +
        '-t 10.0.0.1:5443/acme/app:abc123 -t 10.0.0.1:5443/acme/app:latest --label service=app --secret id=GITHUB_TOKEN,env=GITHUB_TOKEN ' +
        '--cache-to type=registry,mode=max,ref=10.0.0.1:5443/acme/app-build-cache --cache-from type=registry,ref=10.0.0.1:5443/acme/app-build-cache ' +
        '--provenance=mode=max --sbom=true /src/app',
    );
  });

  it('buildx build into the engine (dev) with a gha cache and provenance off', () => {
    assert.deepEqual(
      builder.buildxBuild({ ...base, tags: ['abc123-dirty'], output: 'docker', cache: { type: 'gha' }, provenance: false }).join(' '),
      'docker buildx build --output=type=docker -t 10.0.0.1:5443/acme/app:abc123-dirty --label service=app --cache-to type=gha --cache-from type=gha --provenance=false /src/app',
    );
    assert.throws(() => builder.buildxBuild({ ...base, output: 'registry', cache: { type: 'registry' } }), /invalid cache image ""/);
  });

  it('detection, builder instances and the remote engine relay', () => {
    assert.deepEqual(builder.buildxVersion(), ['docker', 'buildx', 'version']);
    assert.deepEqual(builder.clientVersion(), ['docker', 'version', '--format', '{{.Client.Version}}']);
    assert.deepEqual(builder.buildxCreate({ name: 'sextant-local-docker-container', driver: 'docker-container' }), [
      'docker', 'buildx', 'create', '--name', 'sextant-local-docker-container', '--driver=docker-container',
    ]);
    assert.deepEqual(
      builder.buildxCreate({ name: 'sextant-remote-ssh-root-10-0-0-9', driver: 'docker-container', platforms: ['linux/arm64'], endpoint: 'unix:///tmp/sextant-engine-1.sock' }),
      ['docker', 'buildx', 'create', '--name', 'sextant-remote-ssh-root-10-0-0-9', '--driver=docker-container', '--platform', 'linux/arm64', 'unix:///tmp/sextant-engine-1.sock'],
    );
    assert.deepEqual(builder.buildxRemove('b1'), ['docker', 'buildx', 'rm', 'b1']);
    assert.deepEqual(builder.buildxInspect('b1'), ['docker', 'buildx', 'inspect', 'b1']);
    assert.deepEqual(builder.dialStdio(), ['docker', 'system', 'dial-stdio']);
  });

  it('refuses values that would read as flags', () => {
    assert.throws(() => builder.build({ ...base, ssh: '--privileged' }), /invalid ssh spec/);
    assert.throws(() => builder.buildxRemove('-f'), /invalid builder name/);
    assert.throws(() => builder.push('--all-tags'), /invalid image reference/);
  });
});
