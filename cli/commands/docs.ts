// `sextant docs [KEY]`: the configuration reference in the terminal, from the same model as
// docs/configuration.md (config/docs.ts), so the two never differ. Loads no Temporal code.
import { referenceSections, type ReferenceRow, type ReferenceSection } from '../../config/docs';
import { didYouMean } from '../../config/suggest';
import { UsageError } from '../args';
import { EXIT } from '../exit-codes';
import type { CommandContext } from '../registry';

const segments = (path: string) => path.split('.').map((s) => s.replace(/\[\]$/, ''));
const isPlaceholder = (segment: string) => /^<.+>$/.test(segment);

/** `servers.<role>.hosts` matches `servers.web.hosts` (and itself). */
function matches(pattern: string, key: string[]): boolean {
  const p = segments(pattern);
  return p.length === key.length && p.every((s, i) => s === key[i] || isPlaceholder(s));
}

function rowText(row: ReferenceRow): string {
  const facts = [row.type, row.dflt === '**required**' ? 'required' : row.dflt ? `default ${row.dflt.replace(/`/g, '')}` : ''].filter(Boolean).join(', ');
  const refs = [...row.see, ...row.same];
  return [`${row.path}: ${facts}`, `    ${row.description}`, ...(refs.length ? [`    Keys: sextant docs ${refs.join(', ')}`] : [])].join('\n');
}

function sectionText(section: ReferenceSection, about: ReferenceRow | undefined): string {
  const head = [section.path + (about ? `: ${about.description}` : ''), ...(section.expected ? [`Expected: ${section.expected}.`] : [])];
  return [...head, '', ...section.rows.map(rowText)].join('\n');
}

function overview(sections: ReferenceSection[]): string {
  const top = sections[0]!;
  const width = Math.max(...top.rows.map((r) => r.key.length));
  const firstSentence = (t: string) => t.replace(/\. .*$/, '.');
  return [
    'Configuration keys (config/deploy.yml). `sextant docs KEY` for one of them, e.g. `sextant docs proxy.healthcheck`;',
    'everything at once: docs/configuration.md.',
    '',
    ...top.rows.map((r) => `  ${r.key.padEnd(width)}  ${firstSentence(r.description)}`),
    '',
    'Sections:',
    ...sections.slice(1).map((s) => `  ${s.path}`),
  ].join('\n');
}

export async function docsCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 1) throw new UsageError(`docs takes one KEY, e.g. proxy.healthcheck (got ${ctx.positionals.length})`);
  const sections = referenceSections();
  const rows = sections.flatMap((s) => s.rows);
  const wanted = ctx.positionals[0];
  const write = (text: string, json: unknown) => process.stdout.write(ctx.flags.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
  if (wanted === undefined) {
    write(overview(sections), sections);
    return EXIT.ok;
  }
  const key = segments(wanted);
  const section = sections.find((s) => s.path && matches(s.path, key));
  const row = rows.find((r) => matches(r.path, key));
  if (section) {
    const about = rows.find((r) => r.see.includes(section.path));
    write(sectionText(section, about), { ...section, description: about?.description });
    return EXIT.ok;
  }
  if (row) {
    // A map documented under another path (e.g. proxy.ssl): show its keys too.
    const shared = sections.filter((s) => row.same.includes(s.path));
    write([rowText(row), ...shared.map((s) => `\n${sectionText(s, undefined)}`)].join('\n'), { ...row, sections: shared });
    return EXIT.ok;
  }
  // Suggest among the known paths with placeholders filled in from the key given.
  const candidates = [...sections.map((s) => s.path), ...rows.map((r) => r.path)]
    .filter(Boolean)
    .map((p) => segments(p).map((s, i) => (isPlaceholder(s) && key[i] ? key[i] : s)).join('.'));
  const guess = didYouMean(key.join('.'), candidates);
  throw new UsageError(`no configuration key "${wanted}"${guess ? ` (did you mean "${guess}"?)` : ''}; \`sextant docs\` lists them`);
}
