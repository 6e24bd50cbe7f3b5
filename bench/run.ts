// `npm run bench`: Sextant's speed against the physical floor, side by side in one run, written
// to BENCHMARKS.md. Settings: SEXTANT_BENCH_RUNS (5), SEXTANT_BENCH_HOSTS (1,2,10,30),
// SEXTANT_BENCH_ROLLBACK_HOSTS (2,30).
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../test/support/lab';
import { BenchApp } from './bench-project';
import { profileDeploy, profileRollback, type ProfileLine } from './profile';
import { renderReport, type Row } from './report';
import { PACED_PER_SECOND, cliStart, deploysAndRollbacks, embeddedTemporal, resources, underLoad, type BenchSettings } from './sections';

const list = (value: string | undefined, fallback: string) => (value || fallback).split(',').map(Number).filter((n) => n > 0);

/** The configuration benchmark (bench/config-load.ts) prints one JSON line. */
function configLoad(): Row[] {
  const script = join(__dirname, 'config-load.js');
  if (!existsSync(script)) return [];
  const r = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim().split('\n').pop()!) as { name: string; runs: number; medianMs: number; minMs: number; maxMs: number };
  return [{ section: '0. configuration', measure: r.name, unit: 'ms', summary: { runs: r.runs, median: r.medianMs, min: r.minMs, max: r.maxMs }, target: '≪ 100 ms', met: r.medianMs < 100 }];
}

async function main(): Promise<void> {
  const settings: BenchSettings = {
    runs: Math.max(1, Number(process.env.SEXTANT_BENCH_RUNS || 5)),
    hostCounts: list(process.env.SEXTANT_BENCH_HOSTS, '1,2,10,30'),
    rollbackHostCounts: list(process.env.SEXTANT_BENCH_ROLLBACK_HOSTS, '2,30'),
  };
  const largest = Math.max(...settings.hostCounts);
  const started = new Date();
  const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
  const rows: Row[] = [...configLoad()];
  const app = new BenchApp('bench', largest);
  const profiles: { title: string; lines: ProfileLine[] }[] = [];
  try {
    log('CLI start');
    rows.push(...cliStart(app, settings.runs));
    log(`floor, deploy and rollback at ${settings.hostCounts.join(', ')} host(s)`);
    rows.push(...(await deploysAndRollbacks(app, settings)));
    log('profile of a 2-host deploy and rollback');
    profiles.push({ title: 'one deploy to 2 hosts, from its workflow history', lines: await profileDeploy(app, Math.min(2, largest)) });
    profiles.push({ title: 'one rollback on 2 hosts, from its workflow history', lines: await profileRollback(app, Math.min(2, largest)) });
    log('under load');
    rows.push(...(await underLoad(app, settings.runs)));
    log(`resources at ${largest} hosts`);
    rows.push(...(await resources(app, largest, settings.runs)));
    log('embedded Temporal');
    rows.push(...(await embeddedTemporal(settings.runs)));
  } finally {
    await app.sextant(['agent', 'stop']).catch(() => undefined);
    app.close();
  }
  const command = `npm run bench${process.env.SEXTANT_BENCH_RUNS ? ` (SEXTANT_BENCH_RUNS=${settings.runs})` : ''}`;
  // The machine is shared: say how busy it was, and which code was measured.
  const load = loadavg()[2]!.toFixed(1);
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const machine = `commit ${commit}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, 15-minute load average ${load} at the end; hosts are network namespaces of this machine`;
  const report = renderReport(rows, {
    command,
    started,
    seconds: (Date.now() - started.getTime()) / 1000,
    machine,
    profiles,
    notes: [
      'Floor: plain OpenSSH from this machine to every host in parallel: `docker pull` of a prebuilt image with one new top layer, `docker run`, poll `/up` until it answers.',
      'Deploy: `sextant deploy --skip-push --version V` of a new version with one new top layer, all hosts at once (no boot.limit), the whole command as a user runs it (bin/sextant, which hands it to the agent\'s warm CLI process when one waits), through the kamal-proxy switch; `/version` is checked on every host after each run.',
      `Under load: two loads in turn. Closed loop: one request in flight per host without pause, which by itself keeps the cores busy (the generator, kamal-proxy and the app's CGI: the rows "machine CPU busy"), so the deploy's own work on those cores (Docker's exec, start and stop, Temporal, the worker) shows in every request's latency. Paced: ${PACED_PER_SECOND} requests per second per host, sent on schedule whatever the answers, which leaves the cores room and so shows what the switch itself does to requests. 3 s of steady state before each deploy or rollback. "During the switch" is from the first switchProxy to the last old container stopped, read from the workflow history; the whole CLI run (its own start on the same cores, the pull, the boot) is reported beside it.`,
      'Profile: the critical path of one deploy and of one rollback, from their workflow histories: walking back from the completion, each workflow task waited for the last step completed before it. Steps beside the path (the lock while hosts pull, an audit line while a host switches) are not in it; the lines add up to the wall time.',
    ],
  });
  writeFileSync(join(repoRoot, 'BENCHMARKS.md'), report);
  process.stdout.write(report);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
