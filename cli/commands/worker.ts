// `sextant worker`: a long-running foreground worker (team mode). It serves the shared host
// queue (workflows and SSH steps, from any machine) and this machine's local queue (build,
// push, hooks of deploys started here). It needs no app checkout: local steps run in the
// directory recorded in the deploy's plan. SIGTERM/SIGINT stop it gracefully: running steps
// get a bounded time to finish, then are handed back to Temporal for another worker.
import { join } from 'node:path';
import type { CommandContext } from '../registry';
import { outputOptionsFromEnv, Output } from '../output';
import { CliError, EXIT } from '../exit-codes';

export async function workerCommand(ctx: CommandContext): Promise<number> {
  const [{ temporalSettings }, home, { localQueue, HOST_QUEUE }, { runWorkers, SHUTDOWN_GRACE_SECONDS, SHUTDOWN_FORCE_SECONDS }, { workerIdentity }, { installCliRuntime }, seal] =
    await Promise.all([
      import('../../worker/temporal-settings'),
      import('../../worker/home'),
      import('../../worker/queues'),
      import('../../worker/worker'),
      import('../../worker/identity'),
      import('../../worker/runtime'),
      import('../../plan/seal'),
    ]);
  const settings = temporalSettings(ctx.env);
  const dir = home.sextantHome(ctx.env);
  const queue = localQueue(home.machineId(dir));
  const identity = workerIdentity(typeof ctx.flags.identity === 'string' ? ctx.flags.identity : undefined);
  const out = new Output(outputOptionsFromEnv(ctx.flags));
  // A malformed key would fail every step with a secret: refuse to start instead.
  try {
    seal.loadSealKey(dir, ctx.env);
  } catch (err) {
    throw new CliError((err as Error).message, EXIT.config);
  }
  if (!ctx.env.SEXTANT_SECRET_KEY) {
    out.emit({
      event: 'warning',
      message: `SEXTANT_SECRET_KEY is not set: this worker opens secrets with its own ${join(dir, 'secret.key')}, so steps of deploys started with another key fail. Fix: give the CLI and every worker the same SEXTANT_SECRET_KEY.`,
    });
  }

  let stop!: (signal: NodeJS.Signals) => void;
  const stopped = new Promise<NodeJS.Signals>((resolve) => (stop = resolve));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      out.emit({ event: 'warning', message: `${signal} again: stopping now; running steps are retried by another worker once their heartbeat times out` });
      process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    }
    stopping = true;
    out.emit({
      event: 'info',
      message: `${signal}: stopping. Running steps get ${SHUTDOWN_GRACE_SECONDS} s to finish, then are handed back to another worker (at most ${SHUTDOWN_FORCE_SECONDS} s). Send it again to stop at once.`,
    });
    stop(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  installCliRuntime();
  let polling = false;
  const ready = () => {
    polling = true;
    out.emit({ event: 'info', message: `worker ${identity} polling ${HOST_QUEUE} and ${queue} on ${settings.address} (namespace ${settings.namespace})` });
  };
  try {
    await runWorkers({ settings, home: dir, localQueue: queue, identity, until: stopped, onReady: ready });
  } catch (err) {
    const { unreachableMessage } = await import('../../worker/connect');
    throw new CliError(polling ? `worker stopped: ${err instanceof Error ? err.message : err}` : unreachableMessage(settings, err), EXIT.temporal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  out.emit({ event: 'info', message: 'worker stopped' });
  return 0;
}
