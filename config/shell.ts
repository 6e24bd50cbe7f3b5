/** Runs a command line of a config or secrets file locally, as Ruby's backticks would: /bin/sh -c. */
import { execFileSync } from 'node:child_process';
import { delimiter, resolve } from 'node:path';

export type CommandResult = { ok: true; output: string } | { ok: false; reason: string };

export function runLocalCommand(command: string, cwd: string, env: NodeJS.ProcessEnv): CommandResult {
  try {
    const output = execFileSync('/bin/sh', ['-c', command], {
      cwd,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 * 1024 * 1024,
    });
    return { ok: true, output };
  } catch (e) {
    const err = e as { status?: number | null; signal?: string | null; stderr?: string };
    const stderr = (err.stderr ?? '').trim().split('\n').pop() ?? '';
    const status = err.status != null ? `exit ${err.status}` : err.signal ? `signal ${err.signal}` : 'could not run';
    return { ok: false, reason: `${status}${stderr ? `: ${stderr}` : ''}` };
  }
}

/** The sentence used when a command fails. */
export function commandFailed(command: string, reason: string): string {
  return `the command \`${command.trim()}\` failed (${reason}). Fix: run it in a shell in the project directory to see why`;
}

/** Holds a `kamal` that runs `sextant secrets`, so Kamal's secrets files work without Kamal. */
export const KAMAL_SHIM_DIR = resolve(__dirname, '..', '..', 'bin', 'kamal-compat');

/** The environment for commands of a secrets file: the `kamal` shim first on PATH. */
export function withKamalShim(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: env.PATH ? `${KAMAL_SHIM_DIR}${delimiter}${env.PATH}` : KAMAL_SHIM_DIR, SEXTANT_NODE: process.execPath };
}
