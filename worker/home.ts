// SEXTANT_HOME: this machine's Sextant state (sealing key, known_hosts, agent files, dev DB).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';

export function sextantHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.SEXTANT_HOME || join(homedir(), '.local', 'share', 'sextant');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  return home;
}

export const knownHostsFile = (home: string) => join(home, 'known_hosts');
export const agentDir = (home: string) => {
  const dir = join(home, 'agent');
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** A stable name for this machine's local task queue: hostname plus an ID made once. */
export function machineId(home: string): string {
  const file = join(home, 'machine-id');
  if (!existsSync(file)) writeFileSync(file, randomBytes(4).toString('hex') + '\n', { flag: 'wx' });
  const id = readFileSync(file, 'utf8').trim();
  const name = hostname().toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);
  return `${name}-${id}`;
}
