// The agent keeps one warm CLI process waiting (warm-cli.ts). Its successor starts as soon as
// it takes a command, so a command right after another finds one waiting too; one that dies
// before it waits is replaced later and later.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';

const MAX_DELAY_MS = 60_000;

export function keepWarmCli(home: string, logFile: string): void {
  const log = openSync(logFile, 'a');
  let failures = 0;
  const start = () => {
    const child = spawn(process.execPath, [join(__dirname, 'warm-cli.js'), home], { detached: true, stdio: ['ignore', log, log, 'ipc'] });
    let listened = false;
    let replaced = false;
    const replace = (delayMs: number) => {
      if (replaced) return;
      replaced = true;
      setTimeout(start, delayMs).unref();
    };
    child.on('message', (m: { t?: string }) => {
      if (m.t === 'listening') {
        listened = true;
        failures = 0;
      }
      if (m.t === 'taken') replace(0);
    });
    child.on('exit', () => {
      if (!listened) failures++;
      replace(failures ? Math.min(MAX_DELAY_MS, 500 * 2 ** failures) : 0);
    });
  };
  start();
}
