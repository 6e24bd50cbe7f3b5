// `docker logs` of one container (an app's or kamal-proxy), with Kamal's `logs` options. A grep
// runs on the host, so only matching lines cross the network: the pipeline is built from argv
// with shellJoin (the one escaping function) and handed to `sh -c` as a single argument.
import { assertNamePart } from './naming';
import { shellJoin, shellSplit } from './shell';

export interface LogsParams {
  /** Docker's `--since`: a duration (`5m`) or a timestamp. */
  since?: string;
  /** Last N lines (`--tail`). */
  lines?: number;
  follow?: boolean;
  /** Kamal shows Docker's timestamps unless -T. */
  timestamps?: boolean;
  grep?: string;
  /** Extra grep options as written (`-i -C 2`), split like a `cmd:` string. */
  grepOptions?: string;
}

export function containerLogs(name: string, p: LogsParams = {}): string[] {
  assertNamePart('container name', name);
  if (p.lines !== undefined && !(Number.isInteger(p.lines) && p.lines > 0)) throw new Error(`logs: lines must be a positive whole number, got ${p.lines}`);
  if (p.since !== undefined && (!p.since || p.since.startsWith('-'))) throw new Error(`logs: invalid --since ${JSON.stringify(p.since)}`);
  const logs = [
    'docker', 'logs',
    ...(p.timestamps === false ? [] : ['--timestamps']),
    ...(p.since !== undefined ? ['--since', p.since] : []),
    ...(p.lines !== undefined ? ['--tail', String(p.lines)] : []),
    ...(p.follow ? ['--follow'] : []),
    name,
  ];
  if (p.grep === undefined) return logs;
  const grep = ['grep', ...(p.grepOptions ? shellSplit(p.grepOptions) : []), '--', p.grep];
  return ['sh', '-c', `${shellJoin(logs)} 2>&1 | ${shellJoin(grep)}`];
}
