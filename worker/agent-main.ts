// Entry point of the agent's background worker process (started by ensureAgent).
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { restoreExtraCaCerts } from '../cli/extra-ca-certs';
import { warmDisabled } from '../cli/warm-protocol';
import { agentFiles } from './agent';
import { machineId } from './home';
import { localQueue } from './queues';
import { temporalSettings } from './temporal-settings';
import { keepWarmCli } from './warm-cli-keeper';
import { runWorkers } from './worker';

// Started without NODE_EXTRA_CA_CERTS (ensureAgent), as bin/sextant is: back for its steps' children and its connection.
restoreExtraCaCerts();
const homeFlag = process.argv.indexOf('--home');
const home = homeFlag > 0 ? process.argv[homeFlag + 1]! : process.env.SEXTANT_HOME!;

if (!warmDisabled(process.env)) keepWarmCli(home, agentFiles(home).workerLog);
Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } } });
// Outlive a Temporal server that restarts: reconnect instead of exiting.
async function main(): Promise<never> {
  for (;;) {
    try {
      await runWorkers({ settings: temporalSettings(), home, localQueue: localQueue(machineId(home)) });
      process.exit(0);
    } catch (err) {
      console.error(new Date().toISOString(), 'worker stopped, restarting in 2 s:', err instanceof Error ? err.message : err);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}
void main();
