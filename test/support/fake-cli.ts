/**
 * Stand-ins for vendor CLIs (op, bw, aws, ...) that replay recorded outputs: each is a small
 * executable in a temp dir put first on PATH. It records the argv it was given and answers with
 * the recorded response whose argv matches exactly (an unexpected argv fails loudly), so the
 * code under test really spawns, parses and handles errors.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { repoRoot } from './lab';

export interface Recorded {
  argv: string[];
  /** A file under test/fixtures/secrets/, or literal text with `text:`. */
  stdout?: string;
  stderr?: string;
  status?: number;
}

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'secrets');

function content(ref: string | undefined): string {
  if (ref === undefined) return '';
  return ref.startsWith('text:') ? ref.slice('text:'.length) : readFileSync(join(FIXTURES, ref), 'utf8');
}

export class FakeClis {
  readonly dir = mkdtempSync(join(tmpdir(), 'sextant-fake-cli-'));
  readonly bin = join(this.dir, 'bin');

  constructor() {
    mkdirSync(this.bin);
  }

  /** `cli` answers `responses` from now on (replacing earlier ones). */
  serve(cli: string, responses: Recorded[]): this {
    const resolved = responses.map((r) => ({ argv: r.argv, stdout: content(r.stdout), stderr: content(r.stderr), status: r.status ?? 0 }));
    writeFileSync(join(this.dir, `${cli}.responses.json`), JSON.stringify(resolved));
    rmSync(join(this.dir, `${cli}.calls.jsonl`), { force: true });
    const exe = join(this.bin, cli);
    // Without NODE_EXTRA_CA_CERTS, which would cost every run's Node start ~90 ms (cli/extra-ca-certs.ts): it makes no TLS connection.
    writeFileSync(exe, `#!/bin/sh\nexec env -u NODE_EXTRA_CA_CERTS '${process.execPath}' '${__filename}' '${this.dir}' '${cli}' "$@"\n`);
    chmodSync(exe, 0o755);
    return this;
  }

  /** The argv each run of `cli` received, in order (without the program name). */
  calls(cli: string): string[][] {
    const file = join(this.dir, `${cli}.calls.jsonl`);
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [];
  }

  /** `env` with the fakes first on PATH. */
  env(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...env, PATH: `${this.bin}${delimiter}${env.PATH ?? ''}` };
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// Run as the fake executable: node fake-cli.js DIR CLI ARGS...
if (require.main === module) {
  const [dir, cli, ...argv] = process.argv.slice(2) as [string, string, ...string[]];
  appendFileSync(join(dir, `${cli}.calls.jsonl`), `${JSON.stringify(argv)}\n`);
  const responses = JSON.parse(readFileSync(join(dir, `${cli}.responses.json`), 'utf8')) as Required<Recorded>[];
  const match = responses.find((r) => JSON.stringify(r.argv) === JSON.stringify(argv));
  if (!match) {
    process.stderr.write(`fake ${cli}: no recorded output for ${JSON.stringify(argv)}\n`);
    process.exit(97);
  }
  process.stdout.write(match.stdout);
  process.stderr.write(match.stderr);
  process.exitCode = match.status;
}
