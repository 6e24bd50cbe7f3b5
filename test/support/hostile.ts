// Hostile strings for injection tests: shell metacharacters, quotes, control characters, unicode
// (combining marks, RTL, emoji, BOM), leading dashes, `=`/`:`, some very long; each embeds an
// attempt to create its own canary file, so a string that ever reaches a shell unquoted leaves a
// trace. Deterministic for a seed. NUL is never generated: no process argument, environment
// entry or file path can carry it.
import fc from 'fast-check';

const PIECES = [
  "'", '"', '\\', '$', '`', '$(', ')', '${HOME}', '$IFS', '$1', ';', '&&', '||', '|', '&', '<', '>', '>>', '2>&1',
  '\n', '\r', '\r\n', '\t', ' ', '  ', '*', '?', '[a-z]', '{a,b}', '~', '~root', '#', '!', '!!', '=', ':', ',', '-',
  '--', '-rf', '%s', '%n', '\\0', '\\n', 'é', 'e\u0301', '\u0300\u0301\u0302', '\u202e', '\u200f', 'שלום', 'العربية',
  '😀', '👩‍👩‍👧', '🇫🇷', '日本語', '\ufeff', '\u200b', '\x01', '\x1b[31m', '\x7f', 'a', 'Z', '0',
];

/** Ways a string could try to run `touch FILE` if some layer handed it to a shell. */
const ATTEMPTS: ReadonlyArray<(file: string) => string> = [
  (f) => `$(touch ${f})`,
  (f) => `\`touch ${f}\``,
  (f) => `;touch ${f}`,
  (f) => ` && touch ${f}`,
  (f) => `|touch ${f}`,
  (f) => `\ntouch ${f}\n`,
  (f) => `'$(touch ${f})'`,
  (f) => `";touch ${f};"`,
  (f) => `'\\''; touch ${f}; '`,
  (f) => `$(touch\${IFS}${f})`,
  (f) => `\r\ntouch ${f} #`,
];

const LEADS = ['', '', '-', '--', '-e ', '--rm', '=', ':', '~/', '#'];

const shape = fc.record({
  lead: fc.constantFrom(...LEADS),
  before: fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }),
  after: fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }),
  attempt: fc.nat(ATTEMPTS.length - 1),
  free: fc.string({ unit: 'grapheme', maxLength: 6 }),
});

/**
 * `count` strings; the i-th tries to create `canary(i)`. Every 50th is long (about 5 KiB).
 * `<%` is broken up: deploy.yml is an ERB template, so Kamal and Sextant both evaluate it there.
 */
export function hostileStrings(seed: number, count: number, canary: (i: number) => string): string[] {
  return fc.sample(shape, { seed, numRuns: count }).map((s, i) => {
    const core = s.lead + s.before.join('') + ATTEMPTS[s.attempt]!(canary(i)) + s.free + s.after.join('');
    const long = i % 50 === 49 ? core + PIECES.join('').repeat(30) : core;
    return long.replace(/<%/g, '< %');
  });
}

/** Cuts a string to at most `bytes` UTF-8 bytes without splitting a character. */
export function cutToBytes(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}
