// Read-only and interactive commands (`app logs`, `app exec`, `proxy details`...) go straight
// over SSH, no workflow: one pool for the run, each selected host in parallel, output per host.
import { StringDecoder } from 'node:string_decoder';
import { SshPool } from '../ssh/pool';
import { knownHostsFile, sextantHome } from '../worker/home';
import { UsageError } from './args';
import { EXIT } from './exit-codes';
import { outputOptionsFromEnv, Output } from './output';
import { loadService, type Service } from './project';
import type { CommandContext } from './registry';

export interface HostReader {
  service: Service;
  out: Output;
  /** Runs argv on a host; a non-zero exit fails this host's part of the command. */
  run(host: string, argv: readonly string[], onChunk?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void): Promise<string>;
  /** Prints text from a host, a line at a time, prefixed with the host (or as `output` events with --json). */
  print(host: string, text: string, stream?: 'stdout' | 'stderr'): void;
  /** Runs argv and prints its output as it arrives, line by line. */
  stream(host: string, argv: readonly string[]): Promise<void>;
  /** Runs argv in a PTY on the host, wired to this terminal (raw bytes both ways); fails on a non-zero exit. */
  interactive(host: string, argv: readonly string[]): Promise<void>;
}

export async function readHosts(
  ctx: CommandContext,
  each: (host: string, reader: HostReader) => Promise<void>,
  pickHosts: (service: Service) => string[] = (s) => s.hosts,
): Promise<number> {
  const service = await loadService(ctx);
  const hosts = pickHosts(service);
  const out = new Output(outputOptionsFromEnv(ctx.flags), hosts);
  const pool = new SshPool({ knownHostsFile: knownHostsFile(sextantHome(ctx.env)) });
  const width = Math.max(0, ...hosts.map((h) => h.length));
  const reader: HostReader = {
    service,
    out,
    async run(host, argv, onChunk) {
      const res = await pool.execOrThrow(service.sshTarget(host), argv, {
        onStdout: onChunk && ((c) => onChunk('stdout', c)),
        onStderr: onChunk && ((c) => onChunk('stderr', c)),
      });
      return res.stdout;
    },
    print(host, text, stream = 'stdout') {
      for (const line of text.replace(/\n$/, '').split('\n')) {
        if (out.options.json) out.emit({ event: 'output', host, stream, line });
        else (stream === 'stdout' ? process.stdout : process.stderr).write(`${out.paint('cyan', host.padEnd(width))}  ${line}\n`);
      }
    },
    async stream(host, argv) {
      const split = { stdout: lineSplitter((l) => reader.print(host, l)), stderr: lineSplitter((l) => reader.print(host, l, 'stderr')) };
      try {
        await reader.run(host, argv, (stream, chunk) => split[stream].push(chunk));
      } finally {
        split.stdout.end();
        split.stderr.end();
      }
    },
    async interactive(host, argv) {
      const stdin = process.stdin;
      const raw = stdin.isTTY === true;
      if (raw) stdin.setRawMode(true);
      try {
        const pty = { input: stdin, rows: process.stdout.rows ?? 24, cols: process.stdout.columns ?? 80, term: ctx.env.TERM ?? 'xterm' };
        const res = await pool.exec(service.sshTarget(host), argv, { pty, onStdout: (c) => process.stdout.write(c), onStderr: (c) => process.stderr.write(c) });
        if (res.code !== 0) throw new Error(`exited ${res.code}`);
      } finally {
        if (raw) stdin.setRawMode(false);
        stdin.pause();
      }
    },
  };
  let code: number = EXIT.ok;
  try {
    await Promise.all(
      hosts.map(async (host) => {
        try {
          await each(host, reader);
        } catch (err) {
          code = EXIT.failed;
          out.emit({ event: 'step', host, step: 'ssh', state: 'failed', detail: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return code;
}

/**
 * Splits a byte stream into lines for `print`. A line, and a UTF-8 character, may arrive in
 * pieces: the decoder keeps a character's first bytes until the rest comes.
 */
export function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + decoder.write(chunk)).split('\n');
      rest = lines.pop()!;
      for (const l of lines) emit(l);
    },
    end() {
      rest += decoder.end();
      if (rest) emit(rest);
      rest = '';
    },
  };
}

/** A `-n`-style flag: absent, or a positive whole number. */
export function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${flag} expects a positive whole number, got "${String(value)}"`);
  return n;
}
