// The host steps (SSH to servers) as Sextant's workflows call them: timeouts and retries.
import { ActivityFailure, ApplicationFailure, proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { createHostActivities } from '../activities/host';
import type { createLocalActivities } from '../activities/local';

type HostActivities = ReturnType<typeof createHostActivities>;
type LocalActivities = ReturnType<typeof createLocalActivities>;

// About a minute of retries: rides out a lost link or a restarting dockerd, then fails naming the host.
export const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 7 };

// Activities heartbeat at least every 5 s (activities/remote.ts), so a killed worker's step is
// retried elsewhere after 15 s instead of after its whole start-to-close timeout.
export const host = proxyActivities<HostActivities>({ startToCloseTimeout: '2m', heartbeatTimeout: '15s', retry });
export const longHost = proxyActivities<HostActivities>({ startToCloseTimeout: '20m', heartbeatTimeout: '15s', retry });
// An audit line must not hold up (or hide) a failure being reported: few retries.
export const auditHost = proxyActivities<HostActivities>({ startToCloseTimeout: '1m', heartbeatTimeout: '15s', retry: { ...retry, maximumAttempts: 3 } });

/** Steps that need the app's checkout (build, push, hooks), on the queue of the machine that started the workflow. */
export function localSteps(queue: string) {
  return proxyActivities<LocalActivities>({ taskQueue: queue, startToCloseTimeout: '60m', heartbeatTimeout: '15s', retry: { ...retry, maximumAttempts: 3 } });
}

/** acquireLock failed because someone else holds the on-host lock (its message says who). */
export function isLockHeld(err: unknown): err is ActivityFailure & { cause: ApplicationFailure } {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'LockHeld';
}
