/**
 * The subset of ERB that Kamal configs use, evaluated without Ruby:
 *
 *   <%= ENV["NAME"] %>  <%= ENV['NAME'] %>      value of NAME, empty when unset (Ruby's nil)
 *   <%= ENV.fetch("NAME") %>                    value of NAME, an error when unset
 *   <%= ENV.fetch("NAME", "default") %>         value of NAME, or the default
 *   <%= `command` %>  <%= %x(command) %>        output of the command (run by /bin/sh in the project)
 *   any of them followed by .strip              without leading and trailing white space
 *   <%# comment %>                              nothing
 *   <%%                                         a literal "<%"
 *
 * Anything else inside <% %> is an error naming the file and line. A command that exits with a
 * non-zero status is an error too (Ruby would silently use its partial output).
 *
 * Rendering keeps a map from output lines to source lines, so that errors found later in the
 * YAML point at the line the user wrote.
 */
import { ConfigError, Problem } from './errors';
import { commandFailed, runLocalCommand } from './shell';

/** The ERB forms Sextant evaluates (each may end with .strip). */
export const ERB_FORMS = [
  '<%= ENV["NAME"] %>',
  '<%= ENV.fetch("NAME") %>',
  '<%= ENV.fetch("NAME", "default") %>',
  '<%= `command` %>',
  '<%= %x(command) %>',
];

export const SUPPORTED_ERB = `${ERB_FORMS.slice(0, -1).join(', ')} and ${ERB_FORMS[ERB_FORMS.length - 1]}, optionally followed by .strip`;

export interface ErbContext {
  /** File name as shown in messages. */
  file: string;
  /** Directory commands run in (the project). */
  cwd: string;
  /** Environment for ENV[...] and for commands. */
  env: NodeJS.ProcessEnv;
}

export interface Rendered {
  text: string;
  /** lineMap[i] is the 1-based source line of output line i + 1. */
  lineMap: number[];
}

const STRING = String.raw`"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'`;
const ENV_INDEX = new RegExp(String.raw`^ENV\s*\[\s*(?:${STRING})\s*\]`);
const ENV_FETCH = new RegExp(String.raw`^ENV\.fetch\(\s*(?:${STRING})\s*(?:,\s*(?:${STRING})\s*)?\)`);
const BACKTICKS = /^`([^`]*)`/;
const STRIP = /^\s*\.strip\b/;

function unquote(double: string | undefined, single: string | undefined): string {
  if (double !== undefined) return double.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
  return (single ?? '').replace(/\\(['\\])/g, '$1');
}

/** `%x(...)`, `%x{...}`, `%x[...]` with nested brackets; returns the command and the rest. */
function percentX(expr: string): { command: string; rest: string } | undefined {
  const m = /^%x([({[])/.exec(expr);
  if (!m) return undefined;
  const open = m[1];
  const close = ({ '(': ')', '{': '}', '[': ']' } as Record<string, string>)[open];
  let depth = 1;
  for (let i = 3; i < expr.length; i++) {
    if (expr[i] === '\\') {
      i++;
    } else if (expr[i] === open) {
      depth++;
    } else if (expr[i] === close && --depth === 0) {
      return { command: expr.slice(3, i), rest: expr.slice(i + 1) };
    }
  }
  return undefined;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Evaluates one `<%= ... %>` expression. Returns the text, or a problem message (without the
 * file and line, which the caller adds).
 */
function evaluate(expr: string, ctx: ErbContext): { value: string } | { error: string } {
  let rest = expr.trim();
  let value: string;
  let m: RegExpExecArray | null;
  if ((m = ENV_INDEX.exec(rest))) {
    value = ctx.env[unquote(m[1], m[2])] ?? '';
  } else if ((m = ENV_FETCH.exec(rest))) {
    const name = unquote(m[1], m[2]);
    const hasDefault = m[3] !== undefined || m[4] !== undefined;
    const v = ctx.env[name];
    if (v !== undefined) value = v;
    else if (hasDefault) value = unquote(m[3], m[4]);
    else
      return {
        error:
          `ENV.fetch("${name}"): the environment variable ${name} is not set. ` +
          `Fix: set ${name}, or give a default: ENV.fetch("${name}", "value")`,
      };
  } else {
    let command: string | undefined;
    const x = percentX(rest);
    if ((m = BACKTICKS.exec(rest))) {
      command = m[1];
      rest = rest.slice(m[0].length);
    } else if (x) {
      command = x.command;
      rest = x.rest;
    }
    if (command === undefined) return { error: unsupported(`=${expr}`) };
    if (command.includes('#{')) {
      return {
        error: `unsupported ERB: Ruby interpolation #{...} inside a command. Fix: use shell variables ($NAME) instead`,
      };
    }
    const r = runLocalCommand(command, ctx.cwd, ctx.env);
    if (!r.ok) return { error: commandFailed(command, r.reason) };
    value = r.output;
    m = null;
  }
  if (m) rest = rest.slice(m[0].length);
  let s: RegExpExecArray | null;
  while ((s = STRIP.exec(rest))) {
    value = value.trim();
    rest = rest.slice(s[0].length);
  }
  if (rest.trim() !== '') return { error: unsupported(`=${expr}`) };
  return { value };
}

/** `code` is what stands between <% and %>, e.g. `= foo` or ` if x `. */
function unsupported(code: string): string {
  const eq = code.startsWith('=');
  const body = (eq ? code.slice(1) : code).trim();
  const shown = body.length > 60 ? `${body.slice(0, 57)}...` : body;
  return (
    `unsupported ERB <%${eq ? '=' : ''} ${shown} %>. Sextant evaluates only ${SUPPORTED_ERB}. ` +
    'Fix: rewrite it in one of those forms, e.g. move the logic into a script and call it with backticks'
  );
}

export function renderErb(source: string, ctx: ErbContext): Rendered {
  const starts = lineStarts(source);
  const problems: Problem[] = [];
  const out: string[] = [];
  const lineMap: number[] = [1];

  const emitLiteral = (from: number, to: number) => {
    const piece = source.slice(from, to);
    out.push(piece);
    for (let i = 0; i < piece.length; i++) if (piece[i] === '\n') lineMap.push(lineAt(starts, from + i + 1));
  };
  const emitValue = (value: string, line: number) => {
    out.push(value);
    for (const c of value) if (c === '\n') lineMap.push(line);
  };

  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('<%', i);
    if (open < 0) {
      emitLiteral(i, source.length);
      break;
    }
    emitLiteral(i, open);
    const line = lineAt(starts, open);
    if (source.startsWith('<%%', open)) {
      emitValue('<%', line);
      i = open + 3;
      continue;
    }
    const close = source.indexOf('%>', open + 2);
    if (close < 0) {
      problems.push({ file: ctx.file, line, message: 'ERB tag <% is not closed. Fix: end it with %>' });
      break;
    }
    const code = source.slice(open + 2, close);
    i = close + 2;
    if (code.startsWith('#')) continue;
    if (!code.startsWith('=')) {
      problems.push({ file: ctx.file, line, message: unsupported(code) });
      continue;
    }
    const r = evaluate(code.slice(1), ctx);
    if ('error' in r) {
      problems.push({ file: ctx.file, line, message: r.error });
      continue;
    }
    emitValue(r.value, line);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { text: out.join(''), lineMap };
}
