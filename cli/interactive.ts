// An interactive command on a host (`accessory exec -i`): OpenSSH's own client with `-t`, so the
// user's terminal gets a real PTY on the host, checked against Sextant's known_hosts file.
import { spawn } from 'node:child_process';
import { shellJoin } from '../commands/shell';
import { targetPort, targetUser, type SshTarget } from '../ssh/target';

export function sshTtyArgs(target: SshTarget, knownHostsFile: string, argv: readonly string[]): string[] {
  return [
    '-t',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${knownHostsFile}`,
    // Without "Connection to ... closed." after the command's own output.
    '-o', 'LogLevel=ERROR',
    '-p', String(targetPort(target)),
    ...(target.keys ?? []).flatMap((k) => ['-i', k]),
    `${targetUser(target)}@${target.host}`,
    shellJoin(argv),
  ];
}

/** Runs argv on the host with the terminal attached; resolves with its exit status. */
export function runInteractive(target: SshTarget, knownHostsFile: string, argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshTtyArgs(target, knownHostsFile, argv), { stdio: 'inherit' });
    child.on('error', (err) => reject(new Error(`cannot run ssh for an interactive session: ${err.message}. Fix: install the OpenSSH client`)));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
