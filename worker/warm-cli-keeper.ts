// The agent keeps one warm CLI process waiting (warm-cli.ts). The next one starts when the
// last has run its command, so loading modules never competes with a running command for
// the CPU; one that dies before it waits is started again later and later.
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
    child.on('message', (m: { t?: string }) => {
      if (m.t !== 'listening') return;
      listened = true;
      failures = 0;
    });
    child.on('exit', () => {
      if (!listened) failures++;
      setTimeout(start, failures ? Math.min(MAX_DELAY_MS, 500 * 2 ** failures) : 0).unref();
    });
  };
  start();
}
