// Worker wiring, one code path for the laptop agent and `sextant worker`: the shared host
// queue (workflows + SSH steps) and, when this machine starts deploys, its local queue.
import { NativeConnection, Worker } from '@temporalio/worker';
import { hostname } from 'node:os';
import { createHostActivities } from '../activities/host';
import { createLocalActivities } from '../activities/local';
import { SshPool } from '../ssh/pool';
import { loadSealKey } from '../plan/seal';
import { workflowBundlePath } from './bundle-path';
import { connectionOptions } from './connect';
import { knownHostsFile } from './home';
import { HOST_QUEUE } from './queues';
import { testHoldInterceptors } from './test-holds';
import type { TemporalSettings } from './temporal-settings';

export interface WorkerOptions {
  settings: TemporalSettings;
  home: string;
  /** Also serve this machine's local queue (build, push, hooks). */
  localQueue: string | null;
  identity?: string;
  /** Stop when this resolves (a CLI run); else run until shutdown is requested. */
  until?: Promise<unknown>;
}

export async function runWorkers(options: WorkerOptions): Promise<void> {
  const connection = await NativeConnection.connect(connectionOptions(options.settings));
  const pool = new SshPool({ knownHostsFile: knownHostsFile(options.home) });
  const sealKey = () => loadSealKey(options.home);
  const identity = options.identity ?? `sextant@${hostname()}:${process.pid}`;
  const common = {
    connection,
    namespace: options.settings.namespace,
    identity,
    shutdownGraceTime: '10s',
    shutdownForceTime: '20s',
    stickyQueueScheduleToStartTimeout: '2s',
    interceptors: { activity: testHoldInterceptors(process.env.SEXTANT_TEST_HOLD_DIR) },
  } as const;
  const workers = [
    await Worker.create({
      ...common,
      taskQueue: HOST_QUEUE,
      workflowBundle: { codePath: workflowBundlePath() },
      activities: createHostActivities({ pool, sealKey }),
      maxConcurrentActivityTaskExecutions: 200,
    }),
  ];
  if (options.localQueue) {
    workers.push(
      await Worker.create({ ...common, taskQueue: options.localQueue, activities: createLocalActivities({ sealKey }) }),
    );
  }
  try {
    if (options.until) await Promise.all(workers.map((w) => w.runUntil(options.until!)));
    else await Promise.all(workers.map((w) => w.run()));
  } finally {
    await pool.close();
    await connection.close();
  }
}
