/**
 * A printable copy of a resolved config (for `sextant config`): literal registry passwords and
 * any text containing a known secret value (e.g. one that came in through ERB) are replaced by
 * [REDACTED] (values under 4 characters only where they are the whole text). Secret names (env.secret, `password: [NAME]`) are not secret and stay visible.
 */
import type { Config } from './schema';

export const REDACTED = '[REDACTED]';

/** Values this short are only redacted where they are the whole text (not inside other words). */
const MIN_SUBSTRING = 4;

function redactText(s: string, values: string[]): string {
  if (values.includes(s)) return REDACTED;
  let out = s;
  for (const v of values) if (v.length >= MIN_SUBSTRING && out.includes(v)) out = out.split(v).join(REDACTED);
  return out;
}

function walk(v: unknown, values: string[]): unknown {
  if (typeof v === 'string') return redactText(v, values);
  if (Array.isArray(v)) return v.map((x) => walk(x, values));
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, values)]));
  }
  return v;
}

export function redactedConfig(config: Config, secrets: Readonly<Record<string, string>> = {}): Record<string, unknown> {
  // Longest first, so a secret containing another is replaced whole.
  const values = [...new Set(Object.values(secrets))].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
  const copy = walk(config, values) as Record<string, unknown>;
  const registry = copy.registry as { password?: unknown } | undefined;
  if (registry && typeof registry.password === 'string') registry.password = REDACTED;
  return copy;
}
