/** Shared wording for validation messages: "expected X, got Y. Fix: Z". */

export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'an empty value';
  if (typeof v === 'string') {
    if (v === '') return 'an empty string';
    const shown = v.length > 40 ? `${v.slice(0, 37)}...` : v;
    return `a string (${JSON.stringify(shown)})`;
  }
  if (typeof v === 'number') return `a number (${v})`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (Array.isArray(v)) return v.length === 0 ? 'an empty list' : `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return Object.keys(v).length === 0 ? 'an empty map' : 'a map';
  return typeof v;
}

/** Inline form of a scalar for "e.g. key: value" examples. */
export function yamlScalar(v: unknown): string {
  if (typeof v === 'string') return /^[\w./@%+-]+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

export function expectedGot(expected: string, input: unknown, fix?: string): string {
  return `expected ${expected}, got ${describeValue(input)}${fix ? `. Fix: ${fix}` : ''}`;
}
