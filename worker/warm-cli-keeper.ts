// The agent keeps one warm CLI process waiting (warm-cli.ts). Its successor starts as soon as
// it takes a command, so a command right after another finds one waiting too; one that dies
// before it waits is replaced later and later. The successor loads its modules (most of a
// second of CPU) only once that command is done, or has run for LOAD_AFTER_MS, so the load does
// not compete with the deploy that has just begun; a caller who comes sooner has it load just
// what that caller's command needs (warm-cli.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { holdingExtraCaCerts } from '../cli/extra-ca-certs';

const MAX_DELAY_MS = 60_000;
/** A long command (a deploy to many hosts, `deploy attach`) does not keep its successor unloaded. */
const LOAD_AFTER_MS = 5_000;

export interface WarmCliKeeper {
  /** Stops replacing the warm process, and ends the one that waits. */
  stop(): void;
}

export function keepWarmCli(home: string, logFile: string, loadAfterMs = LOAD_AFTER_MS): WarmCliKeeper {
  const log = openSync(logFile, 'a');
  let failures = 0;
  let stopped = false;
  let waiting: ChildProcess | null = null;
  const start = (predecessor: ChildProcess | null) => {
    if (stopped) return;
    const child = spawn(process.execPath, [join(__dirname, 'warm-cli.js'), home], { detached: true, env: holdingExtraCaCerts(process.env), stdio: ['ignore', log, log, 'ipc'] });
    waiting = child;
    const load = () => child.connected && child.send({ t: 'load' });
    if (!predecessor || predecessor.exitCode !== null || predecessor.signalCode !== null) load();
    else {
      predecessor.once('exit', load);
      setTimeout(load, loadAfterMs).unref();
    }
    let listened = false;
    let replaced = false;
    const replace = (delayMs: number, taken: boolean) => {
      if (replaced) return;
      replaced = true;
      if (waiting === child) waiting = null; // it runs a command now (or is gone), which stop() leaves alone
      setTimeout(() => start(taken ? child : null), delayMs).unref();
    };
    child.on('message', (m: { t?: string }) => {
      if (m.t === 'listening') {
        listened = true;
        failures = 0;
      }
      if (m.t === 'taken') replace(0, true);
    });
    child.on('exit', () => {
      if (!listened) failures++;
      replace(failures ? Math.min(MAX_DELAY_MS, 500 * 2 ** failures) : 0, false);
    });
  };
  start(null);
  return {
    stop() {
      stopped = true;
      waiting?.kill();
    },
  };
}
