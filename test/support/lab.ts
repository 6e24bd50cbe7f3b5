// The lab as tests see it: test/lab/lab.json, written by `npm run lab:up`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LabHost {
  name: string;
  address: string;
  user: string;
  key: string;
}

export interface Lab {
  hosts: LabHost[];
  registry: { server: string; username: string; password: string; ca: string };
  temporal: { address: string; ui: string };
  docker: { host: string };
  proxy: { registry: string; repository: string; version: string };
  /** Traefik v2.10 as Kamal 0.16/1.x ran it in front of apps. */
  traefikImage: string;
  baseImage: string;
  dir?: string;
  /** Per-run directory removed by lab:down (processes mentioning it are killed too). */
  stateDir?: string;
}

export const repoRoot = join(__dirname, '..', '..', '..');
export const labFile = join(repoRoot, 'test', 'lab', 'lab.json');

export function readLab(): Lab {
  if (!existsSync(labFile)) throw new Error(`${labFile} is missing: run \`npm run lab:up\` first (npm test does it for you)`);
  return JSON.parse(readFileSync(labFile, 'utf8')) as Lab;
}

/** Runs a command on a lab host over plain OpenSSH (independent of Sextant's own ssh/). */
export function onHost(host: LabHost, command: string, input?: string): string {
  return execFileSync(
    'ssh',
    ['-i', host.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${host.user}@${host.address}`, command],
    { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60000 },
  );
}

/** The deployer's Docker engine (for building fixture images). */
export function deployerDocker(lab: Lab, args: string[], input?: string): string {
  return execFileSync('/usr/bin/docker', args, { encoding: 'utf8', input, env: { ...process.env, DOCKER_HOST: lab.docker.host }, stdio: ['pipe', 'pipe', 'pipe'] });
}
