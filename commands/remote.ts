// How a command is handed to a host: argv, and optionally bytes for its stdin.

/** A command whose input goes over stdin, so it never appears in argv or a host's process list. */
export interface CommandWithInput {
  argv: string[];
  /** May hold secrets: pass to the process, never log it. */
  stdin: string;
}

/** Exit status of `timeout` when it had to stop the command. */
export const BOUNDED_TIMEOUT_EXIT_CODE = 124;

/**
 * Wraps argv in GNU `timeout` on the host, so that a retried step can never race an earlier
 * attempt that is still running there: the earlier one is TERM'd at `seconds`, KILLed 5s later.
 */
export function bounded(argv: readonly string[], seconds: number): string[] {
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`bounded: timeout must be a positive whole number of seconds, got ${seconds}`);
  }
  return ['timeout', '--kill-after=5', `${seconds}s`, ...argv];
}

// Runs the first $1 words as a command and, if it succeeded, the rest as another. eval sees only
// references to positional parameters ("${1}" "${2}" ...), never their values.
const FIRST_THEN = 'n=$1; shift; refs=; i=1; while [ "$i" -le "$n" ]; do refs="$refs \\"\\${$i}\\""; i=$((i + 1)); done; eval "$refs" || exit; shift "$n"; ';

function firstThen(first: readonly string[], second: readonly string[], rest: string): string[] {
  if (!first.length || !second.length) throw new Error('both commands need argv');
  return ['sh', '-c', FIRST_THEN + rest, 'sh', String(first.length), ...first, ...second];
}

/**
 * `first`, then `second` if it succeeded, in one round trip where two would follow each other;
 * the exit status is the first's (the second's failure shows on stderr only). Both travel as
 * positional parameters, never as shell text.
 */
export function thenTry(first: readonly string[], second: readonly string[]): string[] {
  return firstThen(first, second, '"$@" || true');
}

/** `first` (which reads no input), then `second` with its input if it succeeded: one round trip; the status is the failed one's, or the second's. */
export function andThen(first: readonly string[], second: CommandWithInput): CommandWithInput {
  return { argv: firstThen(first, second.argv, 'exec "$@"'), stdin: second.stdin };
}
