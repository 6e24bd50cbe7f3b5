// Runs a program on this machine (hooks, docker build/push). In an activity it heartbeats, so a
// killed worker is noticed, and honours cancellation, so an aborted deploy stops it.
import { asyncLocalStorage } from '@temporalio/activity';
import { spawn } from 'node:child_process';

export interface LocalResult {
  code: number | null;
  /** Set when the program was killed (then code is null). */
  signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved, last 20 000 characters. */
  output: string;
}

export async function runLocal(
  argv: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string; onOutput?: (chunk: string) => void },
): Promise<LocalResult> {
  // Outside an activity (a CLI build command) there is nothing to heartbeat; Ctrl-C reaches the child itself.
  const ctx = asyncLocalStorage.getStore();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c: Buffer) => {
    output = (output + c.toString()).slice(-20000);
    options.onOutput?.(c.toString());
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // EPIPE when the program exits without reading its stdin: unhandled, it would kill the worker.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  const beat = ctx && setInterval(() => ctx.heartbeat(), 5000);
  const onCancel = () => child.kill('SIGTERM');
  ctx?.cancellationSignal.addEventListener('abort', onCancel);
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    return { code, signal, output };
  } finally {
    if (beat) clearInterval(beat);
    ctx?.cancellationSignal.removeEventListener('abort', onCancel);
  }
}

/** The last `count` lines of a program's output, for an error message. */
export function lastLines(output: string, count: number): string {
  return output.trimEnd().split('\n').slice(-count).join('\n');
}
