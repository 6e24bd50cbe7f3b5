// Writing files on a host. Content always travels over stdin; the shell scripts are constants and
// the paths are positional parameters, so no data is ever spliced into shell text.
import { CommandWithInput } from './remote';

// Writes a temp file beside the target and renames it, so a reader never sees half a file and a
// retried write replaces a half-written one. The directory keeps the default umask (kamal-proxy
// must read some of them); the file is created private, then given its mode.
const WRITE_SCRIPT =
  'mkdir -p -- "$(dirname -- "$1")" && umask 077 && cat > "$1.tmp" && chmod "$2" -- "$1.tmp" && mv -f -- "$1.tmp" "$1"';
// Appends the line read from stdin unless the file already holds it, so a retried step adds it once.
const APPEND_LINE_ONCE_SCRIPT =
  'mkdir -p -- "$(dirname -- "$1")" && line=$(cat) && { grep -qxF -- "$line" "$1" 2>/dev/null || printf \'%s\\n\' "$line" >> "$1"; }';

function checkPath(path: string): void {
  if (!path || path.startsWith('-') || path.endsWith('/')) throw new Error(`invalid file path ${JSON.stringify(path)}`);
}

/** Replace `path` with `content`; `mode` is octal, e.g. '600'. */
export function writeFile(path: string, content: string, mode = '644'): CommandWithInput {
  checkPath(path);
  if (!/^[0-7]{3,4}$/.test(mode)) throw new Error(`invalid file mode ${JSON.stringify(mode)}`);
  return { argv: ['sh', '-c', WRITE_SCRIPT, 'sh', path, mode], stdin: content };
}

/**
 * `write`, then (if it succeeded) argv in its place: one round trip where two would follow each
 * other. argv travels as positional parameters after the write's own two, never as shell text.
 */
export function writeFileThen(write: CommandWithInput, argv: readonly string[]): CommandWithInput {
  const [sh, c, script, name, ...params] = write.argv;
  if (sh !== 'sh' || c !== '-c' || script !== WRITE_SCRIPT || params.length !== 2) throw new Error('writeFileThen: the first command must come from writeFile');
  return { argv: [sh, c, `${WRITE_SCRIPT} && shift 2 && exec "$@"`, name!, ...params, ...argv], stdin: write.stdin };
}

/** Appends one line (no newline in it) unless that exact line is already in the file. */
export function appendLineOnce(path: string, line: string): CommandWithInput {
  checkPath(path);
  if (/[\r\n]/.test(line)) throw new Error('appendLineOnce: the line must not contain a line break');
  return { argv: ['sh', '-c', APPEND_LINE_ONCE_SCRIPT, 'sh', path], stdin: line };
}

/** Succeeds when the file is already gone, so retries are no-ops. */
export function removeFile(path: string): string[] {
  checkPath(path);
  return ['rm', '-f', '--', path];
}

export function readFile(path: string): string[] {
  checkPath(path);
  return ['cat', '--', path];
}

/** Removes a directory and everything in it; succeeds when it is already gone. */
export function removeTree(path: string): string[] {
  checkPath(path);
  return ['rm', '-rf', '--', path];
}
