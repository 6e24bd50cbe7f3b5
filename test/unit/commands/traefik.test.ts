import assert from 'node:assert/strict';
import * as traefik from '../../../commands/traefik';
import { shellJoin } from '../../../commands/shell';

describe('commands/traefik', () => {
  it('inspects, and removes containers and images by the title label, as Kamal 2 does', () => {
    assert.equal(shellJoin(traefik.inspect()), "docker container inspect --format '{{.State.Status}}' traefik");
    assert.equal(shellJoin(traefik.removeContainers()), 'docker container prune --force --filter label=org.opencontainers.image.title=Traefik');
    assert.equal(shellJoin(traefik.removeImages()), 'docker image prune --all --force --filter label=org.opencontainers.image.title=Traefik');
  });

  it('switches in one remote command: stop Traefik, start kamal-proxy, or start Traefik again', () => {
    assert.equal(
      shellJoin(traefik.switchToProxy()),
      `sh -c 'docker container stop --time 1 "$1" >/dev/null 2>&1; docker container start "$2" >/dev/null || { docker container start "$1" >/dev/null 2>&1; exit 1; }' sh traefik kamal-proxy`,
    );
  });
});
