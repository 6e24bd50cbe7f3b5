// `sextant deploy --no-worker`: team workers run the workflow and the host steps, but the
// steps that need this checkout (build, push, hooks) are on this machine's local queue. The
// deploying CLI serves that queue itself while it follows the deploy, so no agent is needed.
import { installCliRuntime } from './runtime';
import type { TemporalSettings } from './temporal-settings';
import { runWorkers } from './worker';

export async function whileServingLocalQueue<T>(
  options: { settings: TemporalSettings; home: string; queue: string },
  during: Promise<T>,
  warn: (message: string) => void,
): Promise<T> {
  installCliRuntime('ERROR');
  const serving = runWorkers({ ...options, localQueue: options.queue, hostQueue: false, until: during.catch(() => undefined) }).catch((err: unknown) =>
    warn(`could not serve this machine's queue ${options.queue}; build, push and hooks wait until a worker here does: ${err instanceof Error ? err.message : err}`),
  );
  try {
    return await during;
  } finally {
    await serving;
  }
}
