/**
 * The one error type for bad configuration, secrets files or destinations.
 *
 * A ConfigError carries one or more problems. Each problem names the file, the line (when
 * known), the key path (e.g. `servers.web.hosts[1]`), what was expected and how to fix it.
 * The message is ready to print: a single problem is one line; several problems are a summary
 * line followed by one line per problem.
 */

export interface Problem {
  /** File as shown to the user (relative to the project when inside it). */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column, only for syntax errors. */
  column?: number;
  /** Key path, e.g. `servers.web.hosts[1]`. */
  path?: string;
  /** What is wrong, what was expected and how to fix it. */
  message: string;
}

export function formatProblem(p: Problem): string {
  let where = p.file ?? '';
  if (where && p.line !== undefined) {
    where += `:${p.line}`;
    if (p.column !== undefined) where += `:${p.column}`;
  }
  const parts: string[] = [];
  if (where) parts.push(where);
  if (p.path) parts.push(p.path);
  parts.push(p.message);
  return parts.join(': ');
}

function summary(problems: Problem[]): string {
  const files = [...new Set(problems.map((p) => p.file).filter((f): f is string => !!f))];
  const where = files.length > 0 ? ` in ${files.join(', ')}` : '';
  return `${problems.length} configuration problems${where}:`;
}

export class ConfigError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: Problem | Problem[] | string) {
    const list: Problem[] =
      typeof problems === 'string' ? [{ message: problems }] : Array.isArray(problems) ? problems : [problems];
    if (list.length === 0) throw new TypeError('ConfigError needs at least one problem');
    const message =
      list.length === 1 ? formatProblem(list[0]) : [summary(list), ...list.map(formatProblem)].join('\n');
    super(message);
    this.name = 'ConfigError';
    this.problems = list;
  }
}

/** Order problems by file, then line, keeping the original order otherwise. */
export function sortProblems(problems: Problem[], fileOrder: string[] = []): Problem[] {
  const rank = (f?: string): number => {
    const i = f === undefined ? -1 : fileOrder.indexOf(f);
    return i < 0 ? fileOrder.length : i;
  };
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const fa = rank(a.p.file);
      const fb = rank(b.p.file);
      if (fa !== fb) return fa - fb;
      const la = a.p.line ?? 0;
      const lb = b.p.line ?? 0;
      if (la !== lb) return la - lb;
      return a.i - b.i;
    })
    .map((x) => x.p);
}
