/** UTC ISO 8601 without fractional seconds, as Kamal writes it (`2024-05-01T12:00:00Z`). */
export function utcIso8601(at: Date): string {
  if (Number.isNaN(at.getTime())) throw new Error('invalid date');
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
