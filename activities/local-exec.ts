// Runs a program on the worker's own machine (hooks, docker build/push) with heartbeats, so
// a killed worker is noticed, and cancellation, so an aborted deploy stops it.
import { Context } from '@temporalio/activity';
import { spawn } from 'node:child_process';

export interface LocalResult {
  code: number | null;
  /** stdout and stderr interleaved, last 20 000 characters. */
  output: string;
}

export async function runLocal(
  argv: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string },
): Promise<LocalResult> {
  const ctx = Context.current();
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-20000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.stdin.end(options.stdin ?? '');
  const beat = setInterval(() => ctx.heartbeat(), 5000);
  const onCancel = () => child.kill('SIGTERM');
  ctx.cancellationSignal.addEventListener('abort', onCancel);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    return { code, output };
  } finally {
    clearInterval(beat);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}
