// The Temporal runtime of a worker inside a CLI process (`sextant worker`, `deploy --no-worker`):
// installed once, before any connection, without the SDK's own signal handlers (the command
// decides what a signal means) and without its INFO chatter on the terminal.
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';

let installed = false;

export function installCliRuntime(level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      // Expected for a worker that serves only activities (the local queue): not worth a line.
      if (!entry.message.startsWith('No workflows registered')) process.stderr.write(`${entry.level} ${entry.message}\n`);
    }),
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: level === 'ERROR' ? 'ERROR' : 'WARN' }), forward: {} } },
  });
}
