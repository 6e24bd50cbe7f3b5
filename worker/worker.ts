// Worker wiring, one code path for the laptop agent and `sextant worker`: the shared host
// queue (workflows + SSH steps) and, when this machine starts deploys, its local queue.
import { NativeConnection, Worker, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { createAccessoryActivities } from '../activities/accessories';
import { createUpgradeActivities } from '../activities/upgrade';
import { createHostActivities } from '../activities/host';
import { createLocalActivities } from '../activities/local';
import { createOperationActivities } from '../activities/operations';
import { SshPool } from '../ssh/pool';
import { loadSealKey, sealKeySource } from '../plan/seal';
import { workflowBundlePath } from './bundle-path';
import { connectionOptions } from './connect';
import { knownHostsFile } from './home';
import { workerIdentity } from './identity';
import { HOST_QUEUE } from './queues';
import { sealFailureInterceptors } from './seal-failures';
import { testHoldInterceptors } from './test-holds';
import type { TemporalSettings } from './temporal-settings';

/** On shutdown, running steps get this long to finish; then they are cancelled (handed back). */
export const SHUTDOWN_GRACE_SECONDS = 10;
/** ...and after this long the worker stops whatever still runs; Temporal retries it elsewhere. */
export const SHUTDOWN_FORCE_SECONDS = 20;

export interface WorkerOptions {
  settings: TemporalSettings;
  home: string;
  /** Also serve this machine's local queue (build, push, hooks). */
  localQueue: string | null;
  /** Serve the shared host queue (workflows + SSH steps); false for a CLI serving only its local queue. */
  hostQueue?: boolean;
  identity?: string;
  /** Stop when this resolves (a CLI run); else run until shutdown is requested. */
  until?: Promise<unknown>;
  /** Called once every worker is created (connected, polling). */
  onReady?: () => void;
}

export async function runWorkers(options: WorkerOptions): Promise<void> {
  const connection = await NativeConnection.connect(connectionOptions(options.settings));
  const pool = new SshPool({ knownHostsFile: knownHostsFile(options.home) });
  const sealKey = () => loadSealKey(options.home);
  const identity = workerIdentity(options.identity);
  const activityInterceptors: ActivityInterceptorsFactory[] = [
    ...sealFailureInterceptors(identity, sealKeySource(options.home)),
    ...testHoldInterceptors(process.env.SEXTANT_TEST_HOLD_DIR, identity),
  ];
  const common = {
    connection,
    namespace: options.settings.namespace,
    identity,
    shutdownGraceTime: `${SHUTDOWN_GRACE_SECONDS}s`,
    shutdownForceTime: `${SHUTDOWN_FORCE_SECONDS}s`,
    stickyQueueScheduleToStartTimeout: '2s',
    interceptors: { activity: activityInterceptors },
  } as const;
  const workers: Worker[] = [];
  if (options.hostQueue !== false) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: HOST_QUEUE,
        workflowBundle: { codePath: workflowBundlePath() },
        activities: { ...createHostActivities({ pool, sealKey }), ...createOperationActivities({ pool, sealKey }), ...createAccessoryActivities({ pool, sealKey }), ...createUpgradeActivities({ pool, sealKey }) },
        maxConcurrentActivityTaskExecutions: 200,
        // A step starts one activity per host at once (every host's pull and proxy look, then its
        // boot): each one the workflow task's completion hands straight back to this worker skips
        // a trip through the task queue. The SDK's default takes 3, the rest wait for a poller.
        maxEagerActivityReservationsPerWorkflowTask: 200,
      }),
    );
  }
  if (options.localQueue) {
    workers.push(
      await Worker.create({ ...common, taskQueue: options.localQueue, activities: createLocalActivities({ sealKey, home: options.home }) }),
    );
  }
  options.onReady?.();
  try {
    if (options.until) await Promise.all(workers.map((w) => w.runUntil(options.until!)));
    else await Promise.all(workers.map((w) => w.run()));
  } finally {
    await pool.close();
    await connection.close();
  }
}
