import assert from 'node:assert/strict';
import type { ContainerSummary } from '../../../commands/app';
import * as prune from '../../../commands/prune';

const c = (name: string, state: string, createdAt: string, image = `acme/app:${name.split('-').pop()}`): ContainerSummary => ({
  name, id: `id-${name}`, state, status: '', image, createdAt, service: 'app', role: 'web', destination: '', deployId: '',
});

describe('commands/prune', () => {
  it('keeps the newest `retain` stopped containers, never running ones', () => {
    const list = [
      c('app-web-v6', 'running', '2024-06-01 00:00:00 +0000 UTC'),
      c('app-web-v1', 'exited', '2024-01-01 00:00:00 +0000 UTC'),
      c('app-web-v5', 'exited', '2024-05-01 00:00:00 +0000 UTC'),
      c('app-web-v3', 'dead', '2024-03-01 00:00:00 +0000 UTC'),
      c('app-web-v4', 'created', '2024-04-01 00:00:00 +0000 UTC'),
      c('app-web-v2', 'exited', '2024-02-01 02:00:00 +0200 EET'),
      c('app-web-v0', 'restarting', '2023-01-01 00:00:00 +0000 UTC'),
    ];
    assert.deepEqual(prune.selectContainersToPrune(list, 2), ['app-web-v3', 'app-web-v2', 'app-web-v1']);
    assert.deepEqual(prune.selectContainersToPrune(list, 0), ['app-web-v5', 'app-web-v4', 'app-web-v3', 'app-web-v2', 'app-web-v1']);
    assert.deepEqual(prune.selectContainersToPrune(list, 5), []);
    assert.deepEqual(prune.selectContainersToPrune(list, 2, ['app-web-v3', 'id-app-web-v1']), ['app-web-v2']);
    assert.throws(() => prune.selectContainersToPrune(list, -1), /retain/);
  });

  it('falls back to Docker order (newest first) for unparsable dates', () => {
    const list = [c('app-web-b', 'exited', 'soon'), c('app-web-a', 'exited', 'later')];
    assert.deepEqual(prune.selectContainersToPrune(list, 1), ['app-web-a']);
  });

  it('removal and listing argv', () => {
    assert.deepEqual(prune.removeContainers(['app-web-v1', 'app-web-v2']), ['docker', 'rm', 'app-web-v1', 'app-web-v2']);
    assert.throws(() => prune.removeContainers([]), /no containers/);
    assert.deepEqual(prune.listServiceContainers({ service: 'app' }), [
      'docker', 'ps', '--all', '--no-trunc', '--filter', 'label=service=app', '--format', '{"name":{{json .Names}},"image":{{json .Image}}}',
    ]);
    assert.deepEqual(prune.listServiceImages({ service: 'app' }), [
      'docker', 'image', 'ls', '--no-trunc', '--filter', 'label=service=app',
      '--format', '{"id":{{json .ID}},"repository":{{json .Repository}},"tag":{{json .Tag}}}',
    ]);
    assert.deepEqual(prune.removeImages(['acme/app:v1']), ['docker', 'rmi', 'acme/app:v1']);
    assert.deepEqual(prune.pruneDanglingImages({ service: 'app' }), ['docker', 'image', 'prune', '--force', '--filter', 'label=service=app']);
  });

  it('selects images no container uses, keeping latest tags and untagged ones', () => {
    const images = prune.parseImageList(
      [
        '{"id":"sha256:aaaaaaaaaaaaaaaa","repository":"acme/app","tag":"v1"}',
        '{"id":"sha256:bbbbbbbbbbbbbbbb","repository":"acme/app","tag":"v2"}',
        '{"id":"sha256:cccccccccccccccc","repository":"acme/app","tag":"v3"}',
        '{"id":"sha256:cccccccccccccccc","repository":"acme/app","tag":"latest"}',
        '{"id":"sha256:dddddddddddddddd","repository":"acme/app","tag":"latest-staging"}',
        '{"id":"sha256:eeeeeeeeeeeeeeee","repository":"<none>","tag":"<none>"}',
        '{"id":"sha256:ffffffffffffffff","repository":"acme/app","tag":"v0"}',
      ].join('\n') + '\n',
    );
    // v2 runs by tag; v0's tag moved, so its container shows the image ID
    const containers = prune.parseServiceContainers('{"name":"app-web-v2","image":"acme/app:v2"}\n{"name":"app-web-v0","image":"ffffffffffff"}\n');
    assert.deepEqual(containers, [{ name: 'app-web-v2', image: 'acme/app:v2' }, { name: 'app-web-v0', image: 'ffffffffffff' }]);
    const used = containers.map((c) => c.image);
    assert.deepEqual(prune.selectImagesToRemove(images, used), ['acme/app:v1', 'acme/app:v3']);
  });

  it('removes the unused tags of an image another, used tag shares (identical builds)', () => {
    const images = prune.parseImageList(
      ['v1', 'v2', 'v3'].map((t) => `{"id":"sha256:aaaaaaaaaaaaaaaa","repository":"acme/app","tag":"${t}"}`).join('\n') + '\n',
    );
    assert.deepEqual(prune.selectImagesToRemove(images, ['acme/app:v2', 'acme/app:v3']), ['acme/app:v1']);
  });
});
