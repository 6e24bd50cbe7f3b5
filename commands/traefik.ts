// Traefik as Kamal 0.16 and 1.x ran it in front of apps: container `traefik` from Docker Hub's
// image, which carries the title label Kamal 2's cleanup filters on. `sextant upgrade` finds it,
// stops it at the switch to kamal-proxy, and removes it after.
import { PROXY_CONTAINER } from './naming';

export const TRAEFIK_CONTAINER = 'traefik';
const TRAEFIK_IMAGES = 'label=org.opencontainers.image.title=Traefik';

/** The container's state (running, exited, ...); exits non-zero when there is none. */
export function inspect(): string[] {
  return ['docker', 'container', 'inspect', '--format', '{{.State.Status}}', TRAEFIK_CONTAINER];
}

/** Stopped containers of Traefik's image (the stopped `traefik` among them). */
export function removeContainers(): string[] {
  return ['docker', 'container', 'prune', '--force', '--filter', TRAEFIK_IMAGES];
}

/** Traefik images no container uses any more. */
export function removeImages(): string[] {
  return ['docker', 'image', 'prune', '--all', '--force', '--filter', TRAEFIK_IMAGES];
}

// Port 80 passes from Traefik to kamal-proxy: the gap is one `docker stop` plus one `docker
// start`, run on the host without a round trip between them. Traefik stops accepting at SIGTERM
// but under load does not exit before its 10 s grace time, refusing every new connection
// meanwhile (3-11 s seen in the lab); requests in flight get one second instead. Stopping a missing
// or stopped Traefik is not an error; when kamal-proxy cannot start, Traefik is started again, so
// the host keeps answering as before.
const SWITCH = 'docker container stop --time 1 "$1" >/dev/null 2>&1; docker container start "$2" >/dev/null || { docker container start "$1" >/dev/null 2>&1; exit 1; }';

/** Stops Traefik and starts the (created, routed) kamal-proxy container in its place. */
export function switchToProxy(): string[] {
  return ['sh', '-c', SWITCH, 'sh', TRAEFIK_CONTAINER, PROXY_CONTAINER];
}
