/**
 * Parser for secrets files in dotenv format, as Kamal reads them (Ruby's dotenv):
 *
 *   # comment                         ignored, as are blank lines
 *   NAME=value                        unquoted: trimmed, ` # comment` at the end dropped
 *   export NAME=value                 `export ` is ignored
 *   NAME='literal $value'             single quotes: taken as written, no substitution
 *   NAME="line\nnext ${OTHER}"        double quotes: \n \t \" \\ \$ escapes, substitution, may span lines
 *   NAME=$(command)                   output of the command (run by /bin/sh in the project)
 *   NAME=${OTHER} or $OTHER           value of an earlier entry, else of the environment, else empty
 *
 * Inside $(...), $NAME and ${NAME} are replaced first (as dotenv does), so a value produced by
 * an earlier line reaches the command exactly as written. Commands find a `kamal` on PATH that
 * runs `sextant secrets` (config/shell.ts), for Kamal's `$(kamal secrets fetch ...)` lines. A
 * command exiting non-zero is an error naming the file and line (and the command as written).
 */
import { ConfigError, Problem } from './errors';
import { commandFailed, runLocalCommand, withKamalShim } from './shell';

export interface DotenvContext {
  /** File name as shown in messages. */
  file: string;
  /** Directory commands run in (the project). */
  cwd: string;
  /** Process environment: for commands and as a fallback for $NAME. */
  env: NodeJS.ProcessEnv;
  /** Values known before this file (earlier files), looked up after this file's own entries. */
  known?: Record<string, string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/;
const UNREADABLE = 'cannot read this line, expected NAME=value. Fix: write it as NAME=value, or start it with # to make it a comment';

export function parseDotenv(text: string, ctx: DotenvContext): Record<string, string> {
  const entries: Record<string, string> = {};
  const problems: Problem[] = [];
  const lookup = (name: string): string =>
    Object.prototype.hasOwnProperty.call(entries, name)
      ? entries[name]
      : ctx.known && Object.prototype.hasOwnProperty.call(ctx.known, name)
        ? ctx.known[name]
        : (ctx.env[name] ?? '');

  let pos = 0;
  let line = 1;
  const advance = (to: number) => {
    for (let i = pos; i < to; i++) if (text[i] === '\n') line++;
    pos = to;
  };
  const restOfLine = () => {
    const nl = text.indexOf('\n', pos);
    return nl < 0 ? text.length : nl;
  };
  const fail = (message: string) => {
    problems.push({ file: ctx.file, line, message });
    advance(restOfLine());
  };

  while (pos < text.length) {
    // Skip blank space, including empty lines.
    const ws = /^[ \t\r\n]*/.exec(text.slice(pos))![0];
    advance(pos + ws.length);
    if (pos >= text.length) break;
    if (text[pos] === '#') {
      advance(restOfLine());
      continue;
    }
    let rest = text.slice(pos, restOfLine());
    const exp = /^export[ \t]+/.exec(rest);
    if (exp) {
      advance(pos + exp[0].length);
      rest = rest.slice(exp[0].length);
    }
    const name = NAME.exec(rest)?.[0];
    if (!name) {
      fail(UNREADABLE);
      continue;
    }
    const sep = /^[ \t]*(=|:[ \t])[ \t]*/.exec(rest.slice(name.length));
    if (!sep) {
      if (/^[ \t]*(#.*)?\r?$/.test(rest.slice(name.length))) {
        // `export NAME` or a bare NAME: declares nothing.
        advance(restOfLine());
        continue;
      }
      fail(UNREADABLE);
      continue;
    }
    const startLine = line;
    advance(pos + name.length + sep[0].length);
    const q = text[pos];
    let value: string;
    if (q === "'" || q === '"') {
      let i = pos + 1;
      while (i < text.length && text[i] !== q) i += text[i] === '\\' && q === '"' ? 2 : 1;
      if (i >= text.length) {
        fail(`the value of ${name} opens a ${q === '"' ? 'double' : 'single'} quote that is never closed. Fix: close the quote`);
        continue;
      }
      const body = text.slice(pos + 1, i);
      advance(i + 1);
      const after = text.slice(pos, restOfLine());
      if (!/^[ \t]*(#.*)?\r?$/.test(after)) {
        fail(`unexpected text after the closing quote of ${name}. Fix: quote the whole value, or put a comment after #`);
        continue;
      }
      advance(restOfLine());
      if (q === "'") {
        value = body;
      } else {
        const r = substitute(body, true, lookup, ctx);
        if ('error' in r) {
          problems.push({ file: ctx.file, line: startLine, message: r.error });
          continue;
        }
        value = r.value;
      }
    } else {
      const end = restOfLine();
      let raw = text.slice(pos, end);
      advance(end);
      raw = raw.replace(/(^|[ \t])#.*$/, '').replace(/[ \t\r]+$/, '');
      const r = substitute(raw, false, lookup, ctx);
      if ('error' in r) {
        problems.push({ file: ctx.file, line: startLine, message: r.error });
        continue;
      }
      value = r.value;
    }
    entries[name] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return entries;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\', $: '$' };

function substitute(
  s: string,
  doubleQuoted: boolean,
  lookup: (name: string) => string,
  ctx: DotenvContext,
): { value: string } | { error: string } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      const e = s[i + 1];
      if (doubleQuoted && e in ESCAPES) {
        out += ESCAPES[e];
        i++;
        continue;
      }
      if (!doubleQuoted && e === '$') {
        out += '$';
        i++;
        continue;
      }
      out += c;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    if (s[i + 1] === '(') {
      const end = closingParen(s, i + 1);
      if (end < 0) return { error: `$( is not closed. Fix: end the command with )` };
      const written = s.slice(i + 2, end);
      const r = runLocalCommand(expandVariables(written, lookup), ctx.cwd, withKamalShim(ctx.env));
      // The command as written: expanded, it may hold secret values (`extract NAME $SECRETS`).
      if (!r.ok) return { error: commandFailed(written, r.reason) };
      out += r.output.replace(/\r?\n$/, '');
      i = end;
      continue;
    }
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(s.slice(i));
    if (m) {
      out += lookup(m[1] ?? m[2]);
      i += m[0].length - 1;
      continue;
    }
    out += c;
  }
  return { value: out };
}

function expandVariables(s: string, lookup: (name: string) => string): string {
  return s.replace(/(\\)?\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (all, esc: string | undefined, a?: string, b?: string) =>
    esc ? all.slice(1) : lookup((a ?? b)!),
  );
}

/** Index of the `)` closing the `(` at `open`, skipping quoted text and nested parentheses. */
function closingParen(s: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\\') {
      i++;
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && --depth === 0) {
      return i;
    }
  }
  return -1;
}
