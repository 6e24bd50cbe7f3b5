// Which builder a build uses, what it refuses up front (naming the key and the fix), and the
// commands it runs for buildx, built-in BuildKit and the legacy builder.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConfigSchema } from '../../../config/schema';
import { buildSettings } from '../../../plan/build';
import { buildEnv, builderKind, builderProblem, buildSteps, buildxBuilderName, buildxOnlyKeys, createSteps, parseRemote, platforms } from '../../../plan/builder';
import { openValue } from '../../../plan/seal';
import type { BuildPlan } from '../../../plan/types';

const BUILDX = { version: '27.3.1', buildx: true };
const BUILDKIT = { version: '20.10.24+dfsg1', buildx: false };
const LEGACY = { version: '28.1.1', buildx: false };
const request = { repository: 'reg:5443/acme/app', tags: ['v1', 'latest'], service: 'app', context: '/src', push: true };
const plan = (b: Partial<BuildPlan> = {}): BuildPlan => ({ dockerfile: 'Dockerfile', args: {}, context: '.', driver: 'docker-container', ...b });
const argv = (b: BuildPlan, kind: ReturnType<typeof builderKind>, push = true) => buildSteps(b, kind, { ...request, push }).map((s) => s.argv.join(' '));

describe('plan/builder', () => {
  it('buildx when the client has it; built-in BuildKit before Docker 23; else the legacy builder', () => {
    assert.equal(builderKind(BUILDX), 'buildx');
    assert.equal(builderKind(BUILDKIT), 'buildkit');
    assert.equal(builderKind(LEGACY), 'legacy');
    assert.equal(builderKind({ version: 'unknown', buildx: false }), 'legacy');
    assert.deepEqual(buildEnv('buildkit'), { DOCKER_BUILDKIT: '1' });
    assert.deepEqual(buildEnv('legacy', 'unix:///tmp/e.sock'), { DOCKER_HOST: 'unix:///tmp/e.sock', DOCKER_BUILDKIT: '0' });
    assert.deepEqual(buildEnv('buildx'), {});
  });

  it('platforms from arch, and from Kamal 0.16 multiarch', () => {
    assert.deepEqual(platforms(plan({ arch: ['amd64'] })), ['linux/amd64']);
    assert.deepEqual(platforms(plan({ multiarch: true })), ['linux/amd64', 'linux/arm64']);
    assert.deepEqual(platforms(plan({ multiarch: false })), []);
    assert.deepEqual(buildxOnlyKeys(plan({ arch: ['amd64'] })), []);
    assert.deepEqual(buildxOnlyKeys(plan({ arch: ['amd64', 'arm64'], cache: { type: 'gha' }, sbom: true, provenance: false })), [
      'builder.arch (more than one architecture)', 'builder.cache', 'builder.sbom', 'builder.provenance',
    ]);
  });

  it('without buildx, a buildx-only key fails with one message naming it and the fix', () => {
    assert.equal(builderProblem(plan({ cache: { type: 'registry' } }), BUILDX), null);
    assert.equal(
      builderProblem(plan({ cache: { type: 'registry' } }), LEGACY),
      'config/deploy.yml: builder.cache needs docker buildx, and this docker client (28.1.1) has no buildx plugin. ' +
        'Fix: install the buildx plugin (https://docs.docker.com/go/buildx/), or remove the key from config/deploy.yml',
    );
    assert.match(builderProblem(plan({ arch: ['amd64', 'arm64'], sbom: true }), BUILDKIT)!, /builder.arch \(more than one architecture\), builder.sbom need docker buildx.*remove these keys/);
  });

  it('build secrets and ssh need BuildKit: fine with buildx or built-in BuildKit, refused by the legacy builder', () => {
    const b = plan({ secrets: { GITHUB_TOKEN: { sealed: 'aes-256-gcm', iv: '', tag: '', data: '' } }, ssh: 'default' });
    assert.equal(builderProblem(b, BUILDX), null);
    assert.equal(builderProblem(b, BUILDKIT), null);
    assert.match(builderProblem(b, LEGACY, 'config/deploy.staging.yml')!, /^config\/deploy.staging.yml: builder.secrets, builder.ssh need BuildKit.*remove builder.secrets and builder.ssh from config\/deploy.staging.yml$/);
  });

  it('remote builders: ssh:// URLs only', () => {
    assert.deepEqual(parseRemote('ssh://root@10.77.0.13'), { user: 'root', host: '10.77.0.13', port: 22 });
    assert.deepEqual(parseRemote('ssh://builder.example.com:2222'), { user: 'root', host: 'builder.example.com', port: 2222 });
    assert.deepEqual(parseRemote('ssh://docker@[fd00::1]:22'), { user: 'docker', host: 'fd00::1', port: 22 });
    assert.equal(parseRemote('tcp://10.0.0.1:2375'), null);
    assert.match(builderProblem(plan({ remote: 'builder.example.com' }), BUILDKIT)!, /builder.remote must be an SSH URL.*got "builder.example.com"\. Fix: write it as ssh:\/\/USER@HOST\[:PORT\]/);
  });

  it('buildx builder names: none for driver docker, one per driver, one per remote', () => {
    assert.equal(buildxBuilderName(plan({ driver: 'docker' })), null);
    assert.equal(buildxBuilderName(plan()), 'sextant-local-docker-container');
    assert.equal(buildxBuilderName(plan({ remote: 'ssh://root@10.77.0.13' })), 'sextant-remote-ssh-root-10-77-0-13');
    assert.deepEqual(createSteps(plan({ driver: 'docker' })), []);
    assert.deepEqual(createSteps(plan({ remote: 'ssh://root@10.77.0.13', arch: ['arm64'] }), 'unix:///tmp/e.sock')[0]!.argv.join(' '),
      'docker buildx create --name sextant-remote-ssh-root-10-77-0-13 --driver=docker-container --platform linux/arm64 unix:///tmp/e.sock');
  });

  it('buildx: one build straight to the registry (or into the engine for dev), cache in the app registry', () => {
    const b = plan({ target: 'web', cache: { type: 'registry', options: 'mode=max' }, secrets: { TOKEN: { sealed: 'aes-256-gcm', iv: '', tag: '', data: '' } } });
    assert.deepEqual(argv(b, 'buildx'), [
      'docker buildx build --output=type=registry --builder sextant-local-docker-container -t reg:5443/acme/app:v1 -t reg:5443/acme/app:latest ' +
        '--label service=app --secret id=TOKEN,env=TOKEN -f Dockerfile --target web ' +
        '--cache-to type=registry,mode=max,ref=reg:5443/acme/app-build-cache --cache-from type=registry,ref=reg:5443/acme/app-build-cache /src',
    ]);
    assert.match(argv(plan({ cache: { type: 'registry', image: 'acme/cache' } }), 'buildx')[0]!, /ref=reg:5443\/acme\/cache /);
    assert.match(argv(plan({ driver: 'docker' }), 'buildx', false)[0]!, /^docker buildx build --output=type=docker -t /);
    assert.deepEqual(buildSteps(b, 'buildx', request).map((s) => s.build), [true]);
  });

  it('plain docker: build, then push each tag; only the build step gets the secrets', () => {
    const steps = buildSteps(plan({ arch: ['amd64'], args: { A: '1' } }), 'buildkit', request);
    assert.deepEqual(steps.map((s) => [s.what, s.argv.join(' '), s.build ?? false]), [
      ['docker build', 'docker build --platform linux/amd64 -t reg:5443/acme/app:v1 -t reg:5443/acme/app:latest --label service=app --build-arg A=1 -f Dockerfile /src', true],
      ['docker push reg:5443/acme/app:v1', 'docker push reg:5443/acme/app:v1', false],
      ['docker push reg:5443/acme/app:latest', 'docker push reg:5443/acme/app:latest', false],
    ]);
    assert.deepEqual(argv(plan(), 'legacy', false), ['docker build -t reg:5443/acme/app:v1 -t reg:5443/acme/app:latest --label service=app -f Dockerfile /src']);
  });

  it('the plan carries builder settings as written and build secrets sealed', () => {
    const config = ConfigSchema.parse({
      service: 'app', image: 'acme/app', servers: ['10.0.0.1'],
      builder: { arch: 'arm64', remote: 'ssh://root@10.0.0.9', secrets: ['GITHUB_TOKEN'], target: 'web', cache: { type: 'gha' } },
    });
    const key = randomBytes(32);
    const b = buildSettings(config, { GITHUB_TOKEN: 'gh-secret-value' }, key);
    assert.ok(!JSON.stringify(b).includes('gh-secret-value'));
    assert.equal(openValue(key, b.secrets!.GITHUB_TOKEN!, 'x'), 'gh-secret-value');
    const { secrets: _s, ...rest } = b;
    assert.deepEqual(rest, { dockerfile: 'Dockerfile', args: {}, context: '.', arch: ['arm64'], remote: 'ssh://root@10.0.0.9', target: 'web', cache: { type: 'gha' }, driver: 'docker-container' });
  });
});
