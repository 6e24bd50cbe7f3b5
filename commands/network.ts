// The `kamal` bridge network that app containers and kamal-proxy share.
import { NETWORK, assertNamePart } from './naming';

export function createNetwork(): string[] {
  return ['docker', 'network', 'create', NETWORK];
}

/** Prints the network's name; exits non-zero when it does not exist. */
export function inspectNetwork(): string[] {
  return ['docker', 'network', 'inspect', '--format', '{{.Name}}', NETWORK];
}

/** Joins a container (running or only created) to a network, without restarting it. */
export function connect(container: string, to: string = NETWORK): string[] {
  assertNamePart('container', container);
  assertNamePart('network', to);
  return ['docker', 'network', 'connect', to, container];
}

/** The container's networks and its address on each, as JSON: {"bridge":{"IPAddress":"172.17.0.2",...}}. */
export function networksOf(container: string): string[] {
  assertNamePart('container', container);
  return ['docker', 'container', 'inspect', '--format', '{{json .NetworkSettings.Networks}}', container];
}

export function parseNetworks(stdout: string): Record<string, string> {
  const nets = JSON.parse(stdout.trim() || '{}') as Record<string, { IPAddress?: string }> | null;
  return Object.fromEntries(Object.entries(nets ?? {}).filter(([, n]) => n.IPAddress).map(([name, n]) => [name, n.IPAddress!]));
}
