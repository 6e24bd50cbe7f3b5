// Errors raised by ssh/. Messages name the host, the user and the cause; never key contents,
// stdin, or (for SshError) the command.

export type SshErrorKind = 'auth' | 'hostkey-changed' | 'unreachable' | 'timeout' | 'disconnected';

export class SshError extends Error {
  override readonly name = 'SshError';
  readonly kind: SshErrorKind;
  /** "user@host:port" */
  readonly destination: string;
  /** Underlying error code where there is one (ECONNREFUSED, EHOSTUNREACH, ...). */
  readonly code?: string;

  constructor(kind: SshErrorKind, destination: string, message: string, opts: { code?: string; cause?: unknown } = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.kind = kind;
    this.destination = destination;
    if (opts.code !== undefined) this.code = opts.code;
  }
}

/** A remote command ran and exited non-zero (or was killed by a signal). */
export class SshCommandError extends Error {
  override readonly name = 'SshCommandError';
  readonly destination: string;
  /** The command as sent (shell-escaped), shortened for display. */
  readonly command: string;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the remote `timeout` wrapper (timeoutSeconds) ended the command. */
  readonly timedOut: boolean;

  constructor(init: {
    destination: string;
    command: string;
    code: number;
    stdout: string;
    stderr: string;
    timedOut: boolean;
    timeoutSeconds?: number;
  }) {
    const tail = stderrTail(init.stderr);
    const what = init.timedOut ? `timed out after ${init.timeoutSeconds}s (exit ${init.code})` : `exited with code ${init.code}`;
    super(`${init.destination}: \`${shorten(init.command)}\` ${what}${tail ? `: ${tail}` : ''}`);
    this.destination = init.destination;
    this.command = shorten(init.command);
    this.code = init.code;
    this.stdout = init.stdout;
    this.stderr = init.stderr;
    this.timedOut = init.timedOut;
  }
}

/** Transient failures worth retrying (the host may come back); auth and host key problems are not. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof SshError) return err.kind === 'unreachable' || err.kind === 'timeout' || err.kind === 'disconnected';
  return false;
}

const MAX_COMMAND_DISPLAY = 200;
const MAX_STDERR_TAIL_LINES = 10;
const MAX_STDERR_TAIL_CHARS = 2000;

export function shorten(command: string, max = MAX_COMMAND_DISPLAY): string {
  const oneLine = command.replace(/\s*\n\s*/g, ' ');
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

function stderrTail(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  let tail = lines.slice(-MAX_STDERR_TAIL_LINES).join('\n').trim();
  if (tail.length > MAX_STDERR_TAIL_CHARS) tail = `…${tail.slice(-MAX_STDERR_TAIL_CHARS)}`;
  return tail;
}
