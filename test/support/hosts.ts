// Reads the real state of lab hosts (containers, proxy routes, files), over plain OpenSSH.
import { onHost, type Lab, type LabHost } from './lab';

export interface ContainerInfo {
  id: string;
  name: string;
  state: string;
  labels: Record<string, string>;
}

export function labHost(lab: Lab, address: string): LabHost {
  const host = lab.hosts.find((h) => h.address === address || h.name === address);
  if (!host) throw new Error(`no lab host ${address}`);
  return host;
}

export function containers(host: LabHost, service: string): ContainerInfo[] {
  const out = onHost(host, `docker ps -a --no-trunc --filter label=service=${service} --format '{{json .}}'`);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const c = JSON.parse(line) as { ID: string; Names: string; State: string; Labels: string };
      const labels = Object.fromEntries(
        c.Labels.split(',')
          .filter(Boolean)
          .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
      );
      return { id: c.ID, name: c.Names, state: c.State, labels };
    });
}

export function runningContainers(host: LabHost, service: string): ContainerInfo[] {
  return containers(host, service).filter((c) => c.state === 'running');
}

/** kamal-proxy's routes on a host: service name → target. */
export function proxyRoutes(host: LabHost): string {
  return onHost(host, 'docker exec kamal-proxy kamal-proxy list').replace(/\x1b\[[0-9;]*m/g, '');
}

/** A fingerprint of everything a deploy may change on a host, to prove a step changed nothing. */
export function hostSnapshot(host: LabHost, service: string): string {
  return onHost(
    host,
    `docker ps -a --no-trunc --filter label=service=${service} --format '{{.ID}} {{.Names}} {{.State}}' | sort; ` +
      `docker exec kamal-proxy kamal-proxy list 2>/dev/null; ` +
      `docker image ls --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' | sort; ` +
      `find .kamal -type f -printf '%p %m %s\\n' 2>/dev/null | sort; ` +
      `find .kamal -type f -name '*.env' -exec md5sum {} + 2>/dev/null | sort`,
  );
}

/** Leaves a host with nothing of the service: containers, proxy routes, its files under .kamal. */
export function removeService(host: LabHost, service: string): void {
  onHost(
    host,
    `docker ps -aq --filter label=service=${service} | xargs -r docker rm -f >/dev/null; ` +
      `for s in $(docker exec kamal-proxy kamal-proxy list 2>/dev/null | sed 's/\\x1b\\[[0-9;]*m//g' | awk '{print $1}' | grep '^${service}-'); do docker exec kamal-proxy kamal-proxy remove "$s"; done; ` +
      `rm -rf .kamal/apps/${service} .kamal/apps/${service}-* .kamal/lock-${service} .kamal/lock-${service}-*; true`,
  );
}
