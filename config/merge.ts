/**
 * Destination files are merged over the base config the way Kamal does (ActiveSupport's
 * deep_merge): maps merge key by key, recursively; lists and scalars from the destination
 * replace the base value.
 */

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isMap(base) || !isMap(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = Object.prototype.hasOwnProperty.call(base, k) ? deepMerge(base[k], v) : v;
  return out;
}
