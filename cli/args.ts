// A small, strict argument parser: every command declares its flags; anything else is an
// error with a suggestion. Kept dependency-free so `sextant version` starts fast.
import { didYouMean } from '../config/suggest';

export interface FlagSpec {
  /** Long name without dashes, e.g. "skip-push". */
  name: string;
  short?: string;
  /** 'boolean' flags take no value; 'string' take one (`--x V` or `--x=V`); 'optional' take `=V` only. */
  type: 'boolean' | 'string' | 'optional';
  description: string;
  /** Repeatable string flags collect into a list. */
  repeat?: boolean;
}

export type Flags = Record<string, string | boolean | string[] | undefined>;

export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): { flags: Flags; positionals: string[] } {
  const flags: Flags = {};
  const positionals: string[] = [];
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const set = (spec: FlagSpec, value: string | boolean) => {
    if (spec.repeat) flags[spec.name] = [...((flags[spec.name] as string[] | undefined) ?? []), String(value)];
    else flags[spec.name] = value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [rawName, inline] = splitOnce(arg.slice(2), '=');
      const negated = rawName.startsWith('no-') && !byLong.has(rawName) && byLong.get(rawName.slice(3))?.type === 'boolean';
      const spec = byLong.get(negated ? rawName.slice(3) : rawName);
      if (!spec) throw unknownFlag(`--${rawName}`, specs);
      if (spec.type === 'boolean') {
        if (inline !== undefined) throw new UsageError(`--${spec.name} takes no value`);
        set(spec, !negated);
      } else if (spec.type === 'optional') {
        set(spec, inline ?? true);
      } else {
        const value = inline ?? argv[++i];
        if (value === undefined) throw new UsageError(`--${spec.name} needs a value`);
        set(spec, value);
      }
    } else if (arg.startsWith('-') && arg.length > 1) {
      const spec = byShort.get(arg.slice(1, 2));
      if (!spec) throw unknownFlag(arg, specs);
      if (spec.type === 'boolean') {
        if (arg.length > 2) throw new UsageError(`-${spec.short} takes no value (use separate flags)`);
        set(spec, true);
      } else {
        const value = arg.length > 2 ? arg.slice(2) : argv[++i];
        if (value === undefined) throw new UsageError(`-${spec.short} needs a value`);
        set(spec, value);
      }
    } else {
      positionals.push(arg);
    }
  }
  return { flags, positionals };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

function unknownFlag(flag: string, specs: readonly FlagSpec[]): UsageError {
  const guess = didYouMean(flag.replace(/^-+/, ''), specs.map((s) => s.name));
  return new UsageError(`unknown option ${flag}${guess ? ` (did you mean --${guess}?)` : ''}`);
}

export function flagHelp(specs: readonly FlagSpec[]): string {
  return specs
    .map((s) => {
      const names = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.type === 'string' ? ' VALUE' : s.type === 'optional' ? '[=VALUE]' : ''}`;
      return `  ${names.padEnd(30)} ${s.description}`;
    })
    .join('\n');
}
