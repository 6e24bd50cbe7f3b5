// The benchmark's sections (issue 7): each returns report rows measured side by side with
// their floor in the same run. Every deploy is of a version never deployed before.
import { spawnSync } from 'node:child_process';
import { temporal } from '@temporalio/proto';
import { sextantBin, startCli } from '../test/support/cli';
import { startLoad, type LoadReport } from '../test/support/http';
import { freePortPair, temporalClient } from '../test/support/temporal';
import { serviceWorkflowId } from '../workflows/batches';
import { BenchApp } from './bench-project';
import { switchWindow } from './profile';
import { floorRun } from './floor';
import { machineCpu, sampleRss, SshConnectionCounter } from './probes';
import type { Row } from './report';
import { percentile, summarize, timed, type Summary } from './stats';

export interface BenchSettings {
  runs: number;
  hostCounts: number[];
  rollbackHostCounts: number[];
}

const ratioMet = (s: Summary, floor: Summary, max: number) => s.median <= max * floor.median;

/** Floor, deploy and rollback at each host count (sections 1-3), and resources at the largest (7). */
export async function deploysAndRollbacks(app: BenchApp, settings: BenchSettings): Promise<Row[]> {
  const rows: Row[] = [];
  const deployTarget = (n: number) => (n <= 2 ? 2 : 3);
  for (const n of settings.hostCounts) {
    const hosts = app.useHosts(n);
    await app.sextant(['deploy', '--skip-push', '--version', app.nextVersion()]); // the first deploy to these hosts boots the proxy
    const floor: number[] = [];
    const deploy: number[] = [];
    for (let i = 0; i < settings.runs; i++) {
      const image = app.floorImage();
      await app.settle();
      floor.push(await floorRun(hosts, image));
      const version = app.nextVersion();
      await app.settle();
      deploy.push(await timed(() => app.sextant(['deploy', '--skip-push', '--version', version])));
      await app.expectVersion(hosts, version);
    }
    const f = summarize(floor);
    const d = summarize(deploy);
    rows.push({ section: '1. floor', measure: `ssh pull + run + /up, ${n} host(s)`, unit: 's', summary: f });
    rows.push({ section: '2. deploy', measure: `deploy --skip-push, ${n} host(s)`, unit: 's', summary: d, floor: f, target: `≤ ${deployTarget(n)}× floor`, met: ratioMet(d, f, deployTarget(n)) });
    if (settings.rollbackHostCounts.includes(n)) {
      const rollback: number[] = [];
      for (let i = 0; i < settings.runs; i++) {
        const previous = app.nextVersion();
        await app.sextant(['deploy', '--skip-push', '--version', previous]);
        await app.sextant(['deploy', '--skip-push', '--version', app.nextVersion()]);
        await app.settle();
        rollback.push(await timed(() => app.sextant(['rollback', previous])));
        await app.expectVersion(hosts, previous);
      }
      const r = summarize(rollback);
      rows.push({ section: '3. rollback', measure: `rollback to the previous version, ${n} host(s)`, unit: 's', summary: r, floor: f, target: '≤ 1.5× floor', met: ratioMet(r, f, 1.5) });
    }
  }
  return rows;
}

/** Section 7: peak RSS of the CLI and of the agent's worker, and SSH connections per host. */
export async function resources(app: BenchApp, hostCount: number, runs: number): Promise<Row[]> {
  const hosts = app.useHosts(hostCount);
  const counter = new SshConnectionCounter(hosts);
  const cliPeaks: number[] = [];
  const workerPeaks: number[] = [];
  const perHost: { cold: number[]; warm: number[] } = { cold: [], warm: [] };
  for (let i = 0; i < runs; i++) {
    // The first run starts a fresh agent (no pooled connection yet); the others reuse it.
    if (i === 0) await app.sextant(['agent', 'stop']);
    const version = app.nextVersion();
    const before = counter.counts();
    // After the first run, the agent's warm CLI process runs the command; bin/sextant relays.
    const warmPid = agentPids(app).warmCli;
    const { child, done } = startCli(['deploy', '--skip-push', '--version', version], { cwd: app.project.dir, env: app.project.env });
    let workerPid: number | null = null;
    const rss = sampleRss(() => [child.pid!, ...(warmPid ? [warmPid] : []), ...(workerPid ? [workerPid] : [])]);
    const findWorker = setInterval(() => (workerPid ??= agentPids(app).worker), 500);
    const result = await done;
    clearInterval(findWorker);
    workerPid ??= agentPids(app).worker;
    const peaks = rss.stop();
    if (result.code !== 0) throw new Error(`deploy failed:\n${result.stdout}\n${result.stderr}`);
    await app.expectVersion(hosts, version);
    cliPeaks.push((peaks.get(child.pid!) ?? NaN) + (warmPid ? peaks.get(warmPid) ?? NaN : 0));
    if (workerPid) workerPeaks.push(peaks.get(workerPid) ?? NaN);
    const after = counter.counts();
    const opened = Math.max(...hosts.map((h) => (after.get(h.address) ?? 0) - (before.get(h.address) ?? 0)));
    (i === 0 ? perHost.cold : perHost.warm).push(opened);
  }
  const rows: Row[] = [
    { section: '7. resources', measure: `peak RSS of the CLI (bin/sextant, plus the agent's warm CLI process when it ran the deploy), deploy to ${hostCount} hosts`, unit: 'MB', summary: summarize(cliPeaks), target: '≤ 300 MB', met: summarize(cliPeaks).median <= 300 },
  ];
  if (workerPeaks.length) {
    const w = summarize(workerPeaks);
    rows.push({ section: '7. resources', measure: `peak RSS of the agent's worker (VmHWM, cumulative), ${hostCount} hosts`, unit: 'MB', summary: w, target: '≤ 300 MB', met: w.median <= 300 });
  }
  rows.push({ section: '7. resources', measure: 'SSH connections opened per host, deploy with a fresh worker (max over hosts)', unit: 'count', summary: summarize(perHost.cold), target: '1', met: summarize(perHost.cold).max <= 1 });
  if (perHost.warm.length) rows.push({ section: '7. resources', measure: 'SSH connections opened per host, next deploys (pooled; max over hosts)', unit: 'count', summary: summarize(perHost.warm), target: '≤ 1', met: summarize(perHost.warm).max <= 1 });
  return rows;
}

/** The agent's worker and the warm CLI process waiting for a command, as `sextant agent status --json` gives them. */
function agentPids(app: BenchApp): { worker: number | null; warmCli: number | null } {
  const r = spawnSync(sextantBin, ['agent', 'status', '--json'], { cwd: app.project.dir, env: app.project.env, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop();
  try {
    const status = JSON.parse(line ?? '') as { worker?: { pid?: number } | null; warmCli?: { pid?: number } | null };
    return { worker: status.worker?.pid ?? null, warmCli: status.warmCli?.pid ?? null };
  } catch {
    return { worker: null, warmCli: null };
  }
}

/** Section 4: whole-process start of commands that need no Temporal. */
export function cliStart(app: BenchApp, runs: number): Row[] {
  const commands: { args: string[]; target?: number }[] = [{ args: ['version'], target: 150 }, { args: ['config'] }, { args: ['--help'] }];
  return commands.map(({ args, target }) => {
    const times: number[] = [];
    for (let i = 0; i < Math.max(runs, 10); i++) {
      const started = performance.now();
      const r = spawnSync(sextantBin, args, { cwd: app.project.dir, env: app.project.env, stdio: 'ignore' });
      times.push(performance.now() - started);
      if (r.status !== 0) throw new Error(`sextant ${args.join(' ')} exited ${r.status}`);
    }
    const s = summarize(times);
    return { section: '4. CLI start', measure: `sextant ${args.join(' ')}`, unit: 'ms', summary: s, ...(target ? { target: `≤ ${target} ms`, met: s.median <= target } : {}) } satisfies Row;
  });
}

const T = temporal.api.enums.v1.EventType;

/** Section 5: from `sextant deploy` starting to its first activity running, on the agent's own dev server. */
export async function embeddedTemporal(runs: number): Promise<Row[]> {
  const port = await freePortPair();
  const app = new BenchApp('benchagent', 1, { temporal: 'agent', env: { SEXTANT_DEV_SERVER_PORT: String(port), SEXTANT_DEV_SERVER_UI_PORT: String(port + 1) } });
  try {
    await app.sextant(['deploy', '--skip-push', '--version', app.nextVersion()]);
    const firstActivity = async (stopFirst: boolean): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        if (stopFirst) await app.sextant(['agent', 'stop']);
        const version = app.nextVersion();
        await app.settle();
        const started = Date.now();
        await app.sextant(['deploy', '--skip-push', '--version', version]);
        // The agent's own dev server serves the namespace of temporal-dev.yml.
        const { client, close } = await temporalClient(`127.0.0.1:${port}`, 'default');
        try {
          const history = await client.workflow.getHandle(serviceWorkflowId('benchagent', null)).fetchHistory();
          const event = history.events?.find((e) => e.eventType === T.EVENT_TYPE_ACTIVITY_TASK_STARTED);
          out.push(Number(event!.eventTime!.seconds) * 1000 + Math.floor((event!.eventTime!.nanos ?? 0) / 1e6) - started);
        } finally {
          await close();
        }
      }
      return out;
    };
    const warm = summarize(await firstActivity(false));
    const cold = summarize(await firstActivity(true));
    await app.sextant(['agent', 'stop']);
    return [
      { section: '5. embedded Temporal', measure: 'deploy start → first activity, dev server and worker up', unit: 'ms', summary: warm, target: '≤ 1000 ms', met: warm.median <= 1000 },
      { section: '5. embedded Temporal', measure: 'deploy start → first activity, agent stopped (cold start of server + worker)', unit: 'ms', summary: cold },
    ];
  } finally {
    app.close();
  }
}

/** Section 6: requests served, failures and latency during the switch vs steady state. */
/** Requests per second per host of the paced (open-loop) load. */
export const PACED_PER_SECOND = 50;

/**
 * Section 6, twice: under a closed-loop load (a request in flight per host without pause, which
 * by itself keeps the lab's cores busy, so any work of the deploy on them shows in its latency)
 * and under a paced one (PACED_PER_SECOND per host, open loop), which leaves the cores
 * room and so shows what the switch itself does to requests.
 */
export async function underLoad(app: BenchApp, runs: number): Promise<Row[]> {
  return [...(await underLoadOf(app, runs, {})), ...(await underLoadOf(app, runs, { perSecond: PACED_PER_SECOND }))];
}

async function underLoadOf(app: BenchApp, runs: number, pace: { perSecond?: number }): Promise<Row[]> {
  const hosts = app.useHosts(2);
  const load = pace.perSecond ? `paced, ${pace.perSecond}/s per host` : 'closed loop';
  const measure = async (what: 'deploy' | 'rollback'): Promise<Row[]> => {
    const steady: number[] = [];
    const during: number[] = [];
    const switching: number[] = [];
    const busy: number[] = [];
    let served = 0;
    let failures = 0;
    for (let i = 0; i < runs; i++) {
      const target = app.nextVersion();
      if (what === 'rollback') {
        // The version to roll back to runs first, then a newer one.
        await app.sextant(['deploy', '--skip-push', '--version', target]);
        await app.sextant(['deploy', '--skip-push', '--version', app.nextVersion()]);
      }
      await app.settle();
      const requests = startLoad(app.urls(hosts), 300, { Host: app.hostName }, pace);
      await new Promise((r) => setTimeout(r, 1000));
      const idleBefore = machineCpu();
      await new Promise((r) => setTimeout(r, 2000));
      busy.push(machineCpu().busyShareSince(idleBefore));
      const from = Date.now();
      await app.sextant(what === 'deploy' ? ['deploy', '--skip-push', '--version', target] : ['rollback', target]);
      const to = Date.now();
      await new Promise((r) => setTimeout(r, 500));
      const report = await requests.stop();
      const window = await switchWindow(app);
      split(report, from, to, steady, during);
      split(report, window.from, window.to, [], switching);
      served += report.total;
      failures += report.failures;
      await app.expectVersion(hosts, target);
    }
    const p = (xs: number[], q: number) => ({ runs: xs.length, median: percentile(xs, q), min: Math.min(...xs), max: Math.max(...xs) });
    const p99Steady = p(steady, 99);
    const p99Switching = p(switching, 99);
    return [
      { section: '6. under load', measure: `${what} (${load}): requests served (2 hosts, ${runs} runs)`, unit: 'requests', summary: { runs, median: served, min: served, max: served } },
      { section: '6. under load', measure: `${what} (${load}): failed requests`, unit: 'requests', summary: { runs, median: failures, min: failures, max: failures }, target: '0', met: failures === 0 },
      { section: '6. under load', measure: `${what} (${load}): machine CPU busy, steady state (all cores)`, unit: '%', summary: summarize(busy) },
      { section: '6. under load', measure: `${what} (${load}): p50 latency, steady state (runs = requests)`, unit: 'ms', summary: p(steady, 50) },
      { section: '6. under load', measure: `${what} (${load}): p50 latency during the switch`, unit: 'ms', summary: p(switching, 50) },
      { section: '6. under load', measure: `${what} (${load}): p99 latency, steady state`, unit: 'ms', summary: p99Steady },
      { section: '6. under load', measure: `${what} (${load}): p99 latency during the switch (first switchProxy to last old container stopped)`, unit: 'ms', summary: p99Switching, floor: p99Steady, target: '≤ 2× steady p99', met: p99Switching.median <= 2 * p99Steady.median },
      { section: '6. under load', measure: `${what} (${load}): p99 latency during the whole CLI run (its start and the boot included)`, unit: 'ms', summary: p(during, 99), floor: p99Steady },
    ];
  };
  return [...(await measure('deploy')), ...(await measure('rollback'))];
}

function split(report: LoadReport, from: number, to: number, steady: number[], during: number[]): void {
  report.latenciesMs.forEach((ms, i) => {
    const at = report.startedAtMs[i]!;
    if (at < from) steady.push(ms);
    else if (at <= to) during.push(ms);
  });
}
