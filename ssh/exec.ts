// Drives one remote command on an open session channel: stdin, streamed and capped output,
// exit status, local deadline, abort.
import * as os from 'os';
import type { ClientChannel } from 'ssh2';
import { BOUNDED_TIMEOUT_EXIT_CODE } from '../commands/remote';
import type { Connection } from './connection';
import { SshError } from './errors';
import { TailBuffer } from './output';
import { abortError } from './semaphore';

export interface ExecOptions {
  /** Sent to the command's stdin, then EOF. Without it stdin is closed at once. Never logged. */
  stdin?: string | Buffer;
  /**
   * Whole seconds. Bounds the remote process: argv runs under `timeout --kill-after=5 <N>s` on the
   * host (commands/remote.ts bounded(); exit 124, or 137 if it had to be killed), and the call
   * also gives up locally a little later (SshError 'timeout').
   */
  timeoutSeconds?: number;
  onStdout?(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  /** Abort: the channel is closed (the remote process gets SIGPIPE/HUP on its next write). */
  signal?: AbortSignal;
  /** Interactive: a PTY on the host, fed from `input` until the command exits (instead of `stdin`). */
  pty?: PtyOptions;
}

export interface PtyOptions {
  input: NodeJS.ReadableStream;
  rows: number;
  cols: number;
  term: string;
}

export interface ExecResult {
  /** Exit status; 128+N when the remote process died from signal N. */
  code: number;
  /** Last 1 MB of output. */
  stdout: string;
  stderr: string;
  /** timeoutSeconds was given and the remote `timeout` ended the command (code 124 or 137). */
  timedOut: boolean;
}

/** Seconds `timeout --kill-after` waits after TERM before KILL (as in commands/remote.ts bounded()). */
const KILL_AFTER_SECONDS = 5;
/** Extra seconds the local deadline waits beyond the remote timeout, for output to arrive. */
const LOCAL_DEADLINE_GRACE_SECONDS = 10;
/** After the channel closes, how long to wait for the last stderr bytes. */
const STDERR_DRAIN_MS = 1000;

export interface RunningCommand {
  /** Settles when the command exits, or at once on abort / local deadline / a throwing callback. */
  result: Promise<ExecResult>;
  /**
   * Resolves when the server has closed the channel. After an abort this can be much later:
   * OpenSSH keeps a session until its process exits (and refuses "signal" requests for root
   * logins), so the session slot stays taken until then.
   */
  closed: Promise<void>;
}

function signalExitCode(signal: string | undefined): number {
  const name = signal ? (signal.startsWith('SIG') ? signal : `SIG${signal}`) : '';
  const num = (os.constants.signals as Record<string, number | undefined>)[name];
  return 128 + (num ?? 0);
}

export function runChannel(conn: Connection, channel: ClientChannel, opts: ExecOptions): RunningCommand {
  const dest = conn.destination;
  let markClosed!: () => void;
  const closed = new Promise<void>((r) => (markClosed = r));
  const result = new Promise<ExecResult>((resolve, reject) => {
    const stdout = new TailBuffer();
    const stderr = new TailBuffer();
    let exitCode: number | undefined;
    let channelClosed = false;
    let stderrEnded = false;
    let failure: Error | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const finish = () => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      if (exitCode === undefined) {
        return reject(
          connectionLost ?? new SshError('disconnected', dest, `${dest}: the session closed before the command reported an exit status`),
        );
      }
      resolve({
        code: exitCode,
        stdout: stdout.toString(),
        stderr: stderr.toString(),
        timedOut: opts.timeoutSeconds !== undefined && (exitCode === BOUNDED_TIMEOUT_EXIT_CODE || exitCode === 128 + 9),
      });
    };
    const maybeFinish = () => {
      if (channelClosed && stderrEnded) finish();
    };

    // Stop the command from our side (abort, local deadline, failing callback): ask sshd to
    // signal the process group, close the channel (the process gets EOF/SIGPIPE), reject now.
    const stop = (err: Error) => {
      if (failure || settled) return;
      failure = err;
      sendSignal(channel, 'TERM');
      try {
        channel.close();
      } catch {
        // already closed
      }
      finish();
    };

    const deliver = (cb: ((chunk: Buffer) => void) | undefined, chunk: Buffer) => {
      if (!cb) return;
      try {
        cb(chunk);
      } catch (err) {
        stop(err instanceof Error ? err : new Error(String(err)));
      }
    };

    let connectionLost: SshError | undefined;
    const offClose = conn.onClose((err) => {
      connectionLost = err;
      markClosed();
    });

    const onAbort = () => stop(abortError(opts.signal!));
    if (opts.signal) {
      if (opts.signal.aborted) onAbort();
      else opts.signal.addEventListener('abort', onAbort, { once: true });
    }

    if (opts.timeoutSeconds !== undefined) {
      const limit = opts.timeoutSeconds + KILL_AFTER_SECONDS + LOCAL_DEADLINE_GRACE_SECONDS;
      const t = setTimeout(
        () => stop(new SshError('timeout', dest, `${dest}: the command did not finish within ${limit}s (remote timeout ${opts.timeoutSeconds}s)`)),
        limit * 1000,
      );
      timers.push(t);
    }

    channel.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      deliver(opts.onStdout, chunk);
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      deliver(opts.onStderr, chunk);
    });
    channel.on('exit', (code: number | null, signal?: string) => {
      exitCode = code ?? signalExitCode(signal);
    });
    channel.on('error', (err: Error) => {
      if (!failure) failure = new SshError('disconnected', dest, `${dest}: session error: ${err.message}`, { cause: err });
    });
    const onStderrEnd = () => {
      stderrEnded = true;
      maybeFinish();
    };
    channel.stderr.on('end', onStderrEnd);
    channel.stderr.on('close', onStderrEnd);
    // ssh2 repeats the exit status on 'close'. A command that ends at once can report it before
    // these listeners exist (between the exec reply and here): then only 'close' has it.
    channel.on('close', (code?: number | null, signal?: string) => {
      if (exitCode === undefined && (typeof code === 'number' || signal)) exitCode = typeof code === 'number' ? code : signalExitCode(signal);
      channelClosed = true;
      offClose();
      markClosed();
      if (!stderrEnded) {
        const t = setTimeout(onStderrEnd, STDERR_DRAIN_MS);
        t.unref();
        timers.push(t);
      }
      maybeFinish();
    });

    if (opts.pty) {
      const input = opts.pty.input;
      input.pipe(channel);
      channel.on('close', () => input.unpipe(channel));
    } else if (opts.stdin !== undefined) channel.end(opts.stdin);
    else channel.end();
  });
  return { result, closed };
}

/**
 * ssh2's Channel.signal() sends nothing once stdin is ended (we always end it), so send the
 * "signal" channel request through its protocol object. Best effort: sshd may refuse it.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const ch = channel as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, sig: string) => void } };
  };
  const id = ch.outgoing?.id;
  const state = ch.outgoing?.state;
  const proto = ch._client?._protocol;
  if (id === undefined || (state !== 'open' && state !== 'eof') || typeof proto?.signal !== 'function') return;
  try {
    proto.signal(id, name);
  } catch {
    // connection gone
  }
}
