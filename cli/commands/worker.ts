// `sextant worker`: a long-running foreground worker (team mode). SIGTERM/SIGINT shut it
// down gracefully: in-flight activities get the shutdown grace time, then are handed back.
import type { CommandContext } from '../registry';
import { outputOptionsFromEnv, Output } from '../output';
import { CliError, EXIT } from '../exit-codes';

export async function workerCommand(ctx: CommandContext): Promise<number> {
  const [{ temporalSettings }, home, { localQueue, HOST_QUEUE }, { runWorkers }] = await Promise.all([
    import('../../worker/temporal-settings'),
    import('../../worker/home'),
    import('../../worker/queues'),
    import('../../worker/worker'),
  ]);
  const settings = temporalSettings(ctx.env);
  const dir = home.sextantHome(ctx.env);
  const queue = localQueue(home.machineId(dir));
  const out = new Output(outputOptionsFromEnv(ctx.flags));
  out.emit({ event: 'info', message: `worker for ${settings.address} (namespace ${settings.namespace}), queues ${HOST_QUEUE} and ${queue}` });
  try {
    await runWorkers({ settings, home: dir, localQueue: queue });
  } catch (err) {
    throw new CliError(`worker stopped: ${err instanceof Error ? err.message : err}`, EXIT.temporal);
  }
  out.emit({ event: 'info', message: 'worker stopped' });
  return 0;
}
