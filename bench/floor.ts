// The physical floor of a deploy: over plain OpenSSH, in parallel to every host, pull the
// prebuilt image, run it, and poll /up until it answers. Nothing a deploy tool adds.
import { execFile } from 'node:child_process';
import { shellJoin } from '../commands/shell';
import type { LabHost } from '../test/support/lab';

const FLOOR_CONTAINER = 'sextant-bench-floor';
const FLOOR_PORT = 3999;

function ssh(host: LabHost, command: string): Promise<void> {
  const args = ['-i', host.key, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', `${host.user}@${host.address}`, command];
  return new Promise((resolve, reject) =>
    execFile('ssh', args, { timeout: 300000 }, (err, _out, stderr) => (err ? reject(new Error(`${host.address}: ${stderr || err.message}`)) : resolve())),
  );
}

/** One floor run: the wall time in ms until every host answers /up from the new container. */
export async function floorRun(hosts: readonly LabHost[], image: string): Promise<number> {
  const work = [
    `${shellJoin(['docker', 'pull', '--quiet', image])} >/dev/null`,
    `${shellJoin(['docker', 'run', '--detach', '--name', FLOOR_CONTAINER, '--publish', `${FLOOR_PORT}:3000`, image])} >/dev/null`,
    `until ${shellJoin(['busybox', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${FLOOR_PORT}/up`])} 2>/dev/null; do sleep 0.05; done`,
  ].join(' && ');
  const started = performance.now();
  await Promise.all(hosts.map((h) => ssh(h, work)));
  const ms = performance.now() - started;
  await Promise.all(hosts.map((h) => ssh(h, `${shellJoin(['docker', 'rm', '--force', FLOOR_CONTAINER])} >/dev/null`)));
  return ms;
}
