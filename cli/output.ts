// How the CLI talks: per-host prefixed lines, a live progress line on a TTY, --verbose,
// --quiet, --json (one object per event, see docs/json-events.md), NO_COLOR honoured.

export type Level = 'quiet' | 'normal' | 'verbose';

export interface OutputOptions {
  json: boolean;
  level: Level;
  color: boolean;
  tty: boolean;
}

export type Event =
  | { event: 'info'; message: string }
  | { event: 'warning'; message: string }
  | { event: 'step'; host: string | null; step: string; state: 'started' | 'done' | 'failed' | 'retrying'; detail?: string; seconds?: number }
  | { event: 'output'; host: string | null; stream: 'stdout' | 'stderr'; line: string }
  | { event: 'line'; host: string; line: string }
  | { event: 'workflow'; workflowId: string; runId: string; url: string | null; state: string }
  | { event: 'result'; ok: boolean; message: string; data?: unknown };

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 } as const;
type Color = keyof typeof codes;

export function outputOptionsFromEnv(flags: { json?: boolean; quiet?: boolean; verbose?: boolean }, stream = process.stdout): OutputOptions {
  const tty = Boolean(stream.isTTY) && !flags.json;
  return {
    json: Boolean(flags.json),
    level: flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal',
    color: tty && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb',
    tty,
  };
}

export class Output {
  private progress = '';
  private readonly hostWidth: number;

  constructor(
    readonly options: OutputOptions,
    hosts: readonly string[] = [],
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly err: NodeJS.WriteStream = process.stderr,
  ) {
    this.hostWidth = Math.max(0, ...hosts.map((h) => h.length));
  }

  paint(color: Color, text: string): string {
    return this.options.color ? `\u001b[${codes[color]}m${text}\u001b[0m` : text;
  }

  emit(e: Event): void {
    if (this.options.json) {
      this.out.write(JSON.stringify({ time: new Date().toISOString(), ...e }) + '\n');
      return;
    }
    const line = this.format(e);
    if (line === null) return;
    this.clearProgress();
    (e.event === 'warning' || (e.event === 'result' && !e.ok) ? this.err : this.out).write(line + '\n');
    this.drawProgress();
  }

  /** The live status line (TTY only); replaced in place, never mixed into piped output. */
  setProgress(text: string): void {
    if (!this.options.tty || this.options.level === 'quiet') return;
    this.clearProgress();
    this.progress = text.slice(0, (this.out.columns ?? 100) - 1);
    this.drawProgress();
  }

  done(): void {
    this.clearProgress();
    this.progress = '';
  }

  private clearProgress(): void {
    if (this.progress) this.out.write('\r\u001b[2K');
  }

  private drawProgress(): void {
    if (this.progress) this.out.write(this.paint('gray', this.progress));
  }

  private prefix(host: string | null): string {
    return host === null ? '' : this.paint('cyan', host.padEnd(this.hostWidth)) + '  ';
  }

  private format(e: Event): string | null {
    const quiet = this.options.level === 'quiet';
    switch (e.event) {
      case 'info':
        return quiet ? null : e.message;
      case 'warning':
        return this.paint('yellow', `warning: ${e.message}`);
      case 'workflow':
        return quiet ? null : `${e.state} ${this.paint('bold', e.workflowId)}${e.url ? `  ${this.paint('blue', e.url)}` : ''}`;
      case 'step': {
        if (quiet || (e.state === 'started' && this.options.level !== 'verbose')) return null;
        const mark = { started: this.paint('gray', '…'), done: this.paint('green', '✓'), failed: this.paint('red', '✗'), retrying: this.paint('yellow', '↻') }[e.state];
        const time = e.seconds !== undefined ? this.paint('gray', ` ${e.seconds.toFixed(1)}s`) : '';
        const detail = e.detail ? `  ${e.state === 'failed' ? e.detail : this.paint('gray', e.detail)}` : '';
        return `${this.prefix(e.host)}${mark} ${e.step}${time}${detail}`;
      }
      case 'output':
        return this.options.level === 'verbose' ? `${this.prefix(e.host)}${this.paint('gray', e.line)}` : null;
      case 'line':
        return `${this.prefix(e.host)}${e.line}`;
      case 'result':
        return e.ok ? (quiet ? null : this.paint('green', e.message)) : this.paint('red', e.message);
    }
  }
}
