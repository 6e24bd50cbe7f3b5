// BENCHMARKS.md: one table of every figure, each with its runs, and its ratio to the floor
// measured in the same run where it has one.
import type { ProfileLine } from './profile';
import type { Summary } from './stats';

export interface Row {
  section: string;
  measure: string;
  unit: 'ms' | 's' | 'MB' | 'count' | 'requests' | '%';
  summary: Summary;
  /** The floor this figure is judged against, measured in the same run. */
  floor?: Summary;
  /** e.g. '≤ 2× floor', '≤ 150 ms'. */
  target?: string;
  /** Whether the target is met (undefined when there is no target). */
  met?: boolean;
}

const fmt = (v: number, unit: Row['unit']) =>
  unit === 's' ? (v / 1000).toFixed(2) : unit === 'MB' ? v.toFixed(0) : unit === 'ms' ? v.toFixed(0) : String(Math.round(v * 100) / 100);

export function renderReport(
  rows: readonly Row[],
  meta: { command: string; started: Date; seconds: number; machine: string; notes: string[]; profiles: { title: string; lines: ProfileLine[] }[] },
): string {
  const lines = [
    '# Sextant benchmarks',
    '',
    `Produced by \`${meta.command}\` on ${meta.started.toISOString().slice(0, 16).replace('T', ' ')} UTC (${meta.machine}; the whole run took ${Math.round(meta.seconds)} s).`,
    'Every figure is the median of its runs, with min and max; a ratio divides a median by the median of its floor,',
    'measured side by side in the same run. Targets are reported here, never asserted in tests.',
    '',
    '| section | measure | runs | median | min | max | unit | floor median | ratio | target | met |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---|---|',
  ];
  for (const r of rows) {
    const unit = r.unit === 's' ? 's' : r.unit;
    const ratio = r.floor ? (r.summary.median / r.floor.median).toFixed(2) : '';
    lines.push(
      `| ${r.section} | ${r.measure} | ${r.summary.runs} | ${fmt(r.summary.median, r.unit)} | ${fmt(r.summary.min, r.unit)} | ${fmt(r.summary.max, r.unit)} | ${unit} | ${r.floor ? fmt(r.floor.median, r.unit) : ''} | ${ratio} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} |`,
    );
  }
  for (const profile of meta.profiles) {
    const total = profile.lines.reduce((s, l) => s + l.ms, 0);
    lines.push('', `## Where the time goes: ${profile.title}`, '', '| phase | ms | share |', '|---|---:|---:|');
    for (const l of profile.lines) lines.push(`| ${l.what} | ${l.ms} | ${((100 * l.ms) / total).toFixed(0)}% |`);
    lines.push(`| total | ${total} | |`);
  }
  if (meta.notes.length) lines.push('', '## Notes', '', ...meta.notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}
