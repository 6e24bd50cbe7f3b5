// The agent's warm CLI: a CLI process that has loaded its modules ahead of time and waits on
// a Unix socket for one command (worker/warm-cli.ts), so that command skips Node's module
// loading, most of a deploy's start. bin/sextant hands it the command (cli/warm-client.ts).
// Frames are JSON lines; both ends are the same build (checked first), on the same machine,
// as the same user (the socket lives in SEXTANT_HOME, mode 0700).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { agentDir } from '../worker/home';

/** `SEXTANT_NO_WARM=1`: every command runs in its own process, and the agent keeps no warm one. */
export const warmDisabled = (env: NodeJS.ProcessEnv) => env.SEXTANT_NO_WARM === '1';

export const warmSocketPath = (home: string) => join(agentDir(home), 'cli.sock');
/** The pid of the warm CLI process that waits, or ran the last command (for `npm run bench`). */
export const warmPidPath = (home: string) => join(agentDir(home), 'cli.pid');
/** The pid of the warm CLI process once it has loaded its modules (a command handed to it then starts at once). */
export const warmLoadedPath = (home: string) => join(agentDir(home), 'cli.loaded');

/** The build the code on disk comes from (stamped by `npm run build`); null before the first build. */
export function buildId(): string | null {
  try {
    return readFileSync(join(__dirname, '..', 'build-id'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

export interface Terminal {
  tty: boolean;
  columns?: number;
  rows?: number;
}

/** The signals bin/sextant passes on to the command. */
export const RELAYED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** What bin/sextant sends: the command, then `go` once the warm process said it is ready. */
export type ClientFrame =
  | { t: 'run'; build: string; argv: string[]; cwd: string; env: Record<string, string>; stdout: Terminal; stderr: Terminal }
  | { t: 'go' }
  | { t: 'signal'; name: NodeJS.Signals }
  | { t: 'resize'; columns: number; rows: number };

/** What the warm process sends: loading (its modules, first), ready (or stale: another build), output as text or base64, the exit code. */
export type WarmFrame = { t: 'loading' } | { t: 'ready' } | { t: 'stale' } | { t: 'out' | 'err'; d?: string; b?: string } | { t: 'exit'; code: number };

export function sendFrame(socket: Socket, frame: ClientFrame | WarmFrame, done?: () => void): void {
  socket.write(JSON.stringify(frame) + '\n', done && (() => done()));
}

/** Calls `handle` with each frame that arrives on the socket. */
export function onFrames<T extends ClientFrame | WarmFrame>(socket: Socket, handle: (frame: T) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line) handle(JSON.parse(line) as T);
    }
  });
}

/** A chunk written to stdout or stderr, as a frame: text stays text, bytes go as base64. */
export function outputFrame(t: 'out' | 'err', chunk: string | Uint8Array): WarmFrame {
  return typeof chunk === 'string' ? { t, d: chunk } : { t, b: Buffer.from(chunk).toString('base64') };
}
