// The `kamal` bridge network that app containers and kamal-proxy share.
import { NETWORK, assertNamePart } from './naming';

export function createNetwork(): string[] {
  return ['docker', 'network', 'create', NETWORK];
}

/** Prints the network's name; exits non-zero when it does not exist. */
export function inspectNetwork(): string[] {
  return ['docker', 'network', 'inspect', '--format', '{{.Name}}', NETWORK];
}

/** Joins a running container to the network (a Kamal 1.x container, without restarting it). */
export function connect(container: string): string[] {
  assertNamePart('container', container);
  return ['docker', 'network', 'connect', NETWORK, container];
}

/** The container's address on the network; an empty line when it is not on it. */
export function addressOn(container: string): string[] {
  assertNamePart('container', container);
  return ['docker', 'container', 'inspect', '--format', `{{with index .NetworkSettings.Networks "${NETWORK}"}}{{.IPAddress}}{{end}}`, container];
}
