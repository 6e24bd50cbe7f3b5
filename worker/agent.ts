// The background agent on a laptop: a worker process and, when no shared Temporal is
// configured, the Temporal dev server. Both are detached from the CLI, so closing or killing
// the CLI never stops a deploy; any later command restarts whatever died.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { holdingExtraCaCerts } from '../cli/extra-ca-certs';
import { warmLoadedPath, warmPidPath, warmSocketPath } from '../cli/warm-protocol';
import { agentDir } from './home';
import { devServerArgs, portOpen, temporalBinary, waitForPort } from './dev-server';
import { readPid, spawnDetached, stopProcess } from './processes';
import type { TemporalSettings } from './temporal-settings';

export interface AgentStatus {
  worker: { pid: number } | null;
  server: { pid: number; address: string; ui: string } | null;
  /** The warm CLI process waiting for a command (cli/warm-protocol.ts), and whether it has loaded its modules yet. */
  warmCli: { pid: number; loaded: boolean } | null;
}

export const agentFiles = (home: string) => {
  const dir = agentDir(home);
  return {
    workerPid: join(dir, 'worker.pid'),
    workerLog: join(dir, 'worker.log'),
    serverPid: join(dir, 'server.pid'),
    serverLog: join(dir, 'server.log'),
  };
};

export function agentStatus(settings: TemporalSettings, home: string): AgentStatus {
  const f = agentFiles(home);
  const workerPid = readPid(f.workerPid);
  const serverPid = settings.devServer ? readPid(f.serverPid) : null;
  return {
    worker: workerPid ? { pid: workerPid } : null,
    server: serverPid && settings.ui ? { pid: serverPid, address: settings.address, ui: settings.ui } : null,
    warmCli: workerPid ? warmCliStatus(home) : null,
  };
}

export function warmCliStatus(home: string): AgentStatus['warmCli'] {
  const pid = existsSync(warmSocketPath(home)) ? readPid(warmPidPath(home)) : null;
  return pid ? { pid, loaded: readPid(warmLoadedPath(home)) === pid } : null;
}

/** Starts what is not running. Returns what it started, for the CLI to mention. */
export async function ensureAgent(settings: TemporalSettings, home: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const f = agentFiles(home);
  const started: string[] = [];
  const dev = settings.devServer;
  if (dev && !readPid(f.serverPid)) {
    // Someone else's server there would take our deploys into its database: refuse.
    if (await portOpen(dev.ip, dev.port)) {
      throw new Error(
        `${settings.address} is taken by a process that is not this agent's Temporal dev server. ` +
          'Fix: set SEXTANT_TEMPORAL_ADDRESS to use that Temporal, or SEXTANT_DEV_SERVER_PORT to run the agent\'s server on another port',
      );
    }
    const pid = spawnDetached(temporalBinary(env), devServerArgs(dev, home), f.serverLog, f.serverPid, env);
    if (!(await waitForPort(dev.ip, dev.port, 30000))) {
      throw new Error(`the Temporal dev server (pid ${pid}) did not open ${settings.address} within 30 s; see ${f.serverLog}`);
    }
    started.push(`Temporal dev server (pid ${pid}, UI ${settings.ui})`);
  }
  if (!readPid(f.workerPid)) {
    const script = join(__dirname, 'agent-main.js');
    const pid = spawnDetached(process.execPath, [script, '--home', home], f.workerLog, f.workerPid, holdingExtraCaCerts({ ...env, SEXTANT_HOME: home }));
    started.push(`worker (pid ${pid})`);
  }
  return started;
}

export async function stopAgent(home: string): Promise<{ worker: boolean; server: boolean }> {
  const f = agentFiles(home);
  const worker = await stopProcess(f.workerPid);
  const server = await stopProcess(f.serverPid);
  return { worker, server };
}
