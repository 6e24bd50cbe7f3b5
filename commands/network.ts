// The `kamal` bridge network that app containers and kamal-proxy share.
import { NETWORK } from './naming';

export function createNetwork(): string[] {
  return ['docker', 'network', 'create', NETWORK];
}

/** Prints the network's name; exits non-zero when it does not exist. */
export function inspectNetwork(): string[] {
  return ['docker', 'network', 'inspect', '--format', '{{.Name}}', NETWORK];
}
