/**
 * Turns zod issues into Sextant's problem wording: "<path>: expected X, got Y. Fix: Z".
 *
 * The error map passed to safeParse runs while zod still knows which schema node raised an
 * issue; it packs that node's hint (what is expected, how to fix, the keys a map allows) into
 * the issue message, and `problemsFromIssues` unpacks it to write the final sentence.
 * Unions are resolved to the branch whose type matched the input, so a role written as a map
 * is reported against the map form, not against "a list of hosts".
 */
import type { z } from 'zod';
import { hints, Hint } from './schema';
import { expectedGot, yamlScalar } from './messages';
import { didYouMean } from './suggest';
import type { KeyPath } from './source';

export interface PathProblem {
  path: KeyPath;
  message: string;
}

interface Packed extends Hint {
  allowed?: string[];
  missing?: boolean;
}

const MARK = '\u0000sextant-hint:';

interface RawIssueLike {
  code?: string;
  input?: unknown;
  inst?: unknown;
  schema?: unknown;
}

/** The error map for ConfigSchema.safeParse(..., { error: errorMap, reportInput: true }). */
export function errorMap(issue: unknown): string {
  const iss = issue as RawIssueLike;
  const find = (s: unknown): Hint | undefined => (s ? hints.get(s as z.ZodType) : undefined);
  const h = find(iss.inst) ?? find(iss.schema) ?? {};
  const packed: Packed = { ...h, missing: iss.input === undefined };
  if (iss.code === 'unrecognized_keys') {
    const shape = (iss.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
    if (shape) packed.allowed = Object.keys(shape);
  }
  return MARK + JSON.stringify(packed);
}

function unpack(message: string): Packed | undefined {
  return message.startsWith(MARK) ? (JSON.parse(message.slice(MARK.length)) as Packed) : undefined;
}

type Issue = z.core.$ZodIssue;

function typeMatched(branch: readonly Issue[]): boolean {
  return !branch.some(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'invalid_type' || (i.code === 'invalid_union' && !i.errors.some((b) => typeMatched(b)))),
  );
}

/** Replaces each union failure by the issues of the branch that matched the input's type. */
function flatten(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      const branch = issue.errors.find((b) => typeMatched(b));
      if (branch) {
        out.push(...flatten(branch, path));
        continue;
      }
    }
    out.push({ ...issue, path } as Issue);
  }
  return out;
}

function keyName(path: KeyPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return String(path[i]);
  return 'it';
}

function parentName(path: KeyPath): string {
  const parent = path.slice(0, -1);
  return parent.length === 0 ? 'at the top level' : `under ${formatPath(parent)}`;
}

export function formatPath(path: KeyPath): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) s += s === '' ? seg : `.${seg}`;
    else s += `[${JSON.stringify(seg)}]`;
  }
  return s;
}

function fixFor(p: Packed, path: KeyPath, input: unknown, zodExpected?: string): string {
  const key = keyName(path);
  if (p.fix) return p.fix.replace(/\{key\}/g, key);
  if (input === null) return `give ${key} a value, or remove the line`;
  if (zodExpected === 'number' && typeof input === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(input)) {
    return `write the number without quotes: ${key}: ${input.trim()}`;
  }
  if (zodExpected === 'boolean' && typeof input === 'string' && /^(true|false)$/i.test(input.trim())) {
    return `write ${key}: ${input.trim().toLowerCase()} without quotes`;
  }
  if (zodExpected === 'boolean') return `write ${key}: true or ${key}: false`;
  if (zodExpected === 'array' && (typeof input === 'string' || typeof input === 'number')) {
    return `write ${key} as a YAML list, e.g. ${key}: [${yamlScalar(input)}]`;
  }
  if ((zodExpected === 'object' || zodExpected === 'record') && input !== undefined) {
    return `write ${key} as a map, with its settings indented below it`;
  }
  return `change ${key} to ${p.expected ?? 'a valid value'}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  tuple: 'a list',
  object: 'a map',
  record: 'a map',
};

function bound(issue: Issue): { text: string; fix: string } | undefined {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  const small = issue.code === 'too_small';
  const n = Number(small ? issue.minimum : issue.maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'array') {
    const exact = (issue as { exact?: boolean }).exact;
    const items = (k: number) => `${k} item${k === 1 ? '' : 's'}`;
    const text = exact ? `exactly ${items(n)}` : small ? `at least ${items(n)}` : `at most ${items(n)}`;
    return { text: `a list with ${text}`, fix: `give the list ${text}` };
  }
  if (issue.origin === 'string') {
    return small && n <= 1
      ? { text: 'a non-empty string', fix: 'give it a value, or remove the line' }
      : { text: `a string of ${small ? 'at least' : 'at most'} ${n} characters`, fix: 'change its length' };
  }
  const rel = small ? (inclusive ? 'at least' : 'greater than') : inclusive ? 'at most' : 'less than';
  const fix = small ? (inclusive ? `use ${n} or more` : `use a number greater than ${n}`) : inclusive ? `use ${n} or less` : `use a number less than ${n}`;
  return { text: `a number ${rel} ${n}`, fix };
}

function unknownKey(path: KeyPath, key: string, p: Packed): PathProblem {
  const at = [...path, key];
  const note = p.notes?.[key];
  if (note) return { path: at, message: note };
  const allowed = p.allowed ?? [];
  const suggestion = didYouMean(key, allowed);
  const extensions = path.length === 0 ? '; keys that start with x- are ignored (for YAML anchors)' : '';
  const message = suggestion
    ? `unknown key. Did you mean ${suggestion}? Fix: rename it to ${suggestion}`
    : `unknown key. Fix: remove it, or use one of: ${allowed.join(', ')}${extensions}`;
  return { path: at, message };
}

/** Problems (with key paths, not yet lines) for the issues of a failed parse. */
export function problemsFromIssues(issues: readonly Issue[]): PathProblem[] {
  const out: PathProblem[] = [];
  for (const issue of flatten(issues)) {
    const path = issue.path as KeyPath;
    const p = unpack(issue.message);
    if (!p) {
      out.push({ path, message: issue.message });
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(unknownKey(path, key, p));
      continue;
    }
    if (p.missing && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
      const example = p.example ?? `${keyName(path)}: ${p.expected ? `<${p.expected}>` : '...'}`;
      out.push({ path, message: `is missing (required). Fix: add ${example} ${parentName(path)}` });
      continue;
    }
    const zodExpected = issue.code === 'invalid_type' ? issue.expected : undefined;
    const b = bound(issue);
    let expected: string;
    if (b) expected = p.expected ?? b.text;
    else if (issue.code === 'invalid_value') expected = `one of ${issue.values.map((v) => yamlScalar(v)).join(', ')}`;
    else if (issue.code === 'invalid_format') expected = p.expected ?? `a string matching ${(issue as { pattern?: string }).pattern ?? issue.format}`;
    else expected = p.expected ?? (zodExpected ? TYPE_WORDS[zodExpected] ?? zodExpected : 'a valid value');
    const fix = b && !p.fix ? b.fix : fixFor(p, path, input, zodExpected);
    out.push({ path, message: expectedGot(expected, input, fix) });
  }
  return out;
}
