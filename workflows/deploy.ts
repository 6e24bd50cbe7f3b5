// The deploy (and rollback) workflow: order, batches, durable timers, health loops and
// compensation. Deterministic: every side effect is an activity, every wait a durable timer.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  type RetryPolicy,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { createHostActivities } from '../activities/host';
import type { createLocalActivities } from '../activities/local';
import type { BootResult } from '../activities/results';
import { planHosts, type Plan, type RolePlan } from '../plan/types';
import { bootGroupSize } from '../config/boot';
import { slices } from './batches';
import { abortSignal, pauseSignal, resumeSignal, statusQuery } from './signals';
import type { DeployStatus, HostStep } from './status';

type HostActivities = ReturnType<typeof createHostActivities>;
type LocalActivities = ReturnType<typeof createLocalActivities>;


const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 8 };

const host = proxyActivities<HostActivities>({ startToCloseTimeout: '2m', retry });
const longHost = proxyActivities<HostActivities>({ startToCloseTimeout: '20m', heartbeatTimeout: '30s', retry });

export interface DeployOptions {
  rollbackOnFailure: boolean;
}

interface Switched {
  host: string;
  role: RolePlan;
  boot: BootResult;
}

export async function deploy(plan: Plan, options: DeployOptions = { rollbackOnFailure: true }): Promise<DeployStatus> {
  const hosts = planHosts(plan);
  const status: DeployStatus = {
    deployId: plan.deployId,
    kind: plan.kind,
    version: plan.version,
    phase: 'starting',
    paused: false,
    aborting: false,
    batch: { index: 0, total: 0 },
    hosts: Object.fromEntries(hosts.map((h) => [h, { step: 'waiting' as HostStep, version: null }])),
    error: null,
  };
  let abortReason: string | null = null;
  setHandler(statusQuery, () => status);
  setHandler(pauseSignal, () => void (status.paused = true));
  setHandler(resumeSignal, () => void (status.paused = false));
  setHandler(abortSignal, (reason) => {
    abortReason = reason || 'aborted';
    status.aborting = true;
  });

  const local = proxyActivities<LocalActivities>({
    taskQueue: plan.source.queue,
    startToCloseTimeout: '60m',
    heartbeatTimeout: '60s',
    retry: { ...retry, maximumAttempts: 3 },
  });
  const step = (h: string, s: HostStep, version?: string) => {
    status.hosts[h] = { step: s, version: version ?? status.hosts[h]?.version ?? null };
  };
  const hook = (name: string) => local.runHook(plan, name, hosts);

  const switched: Switched[] = [];
  let locked = false;
  try {
    status.phase = 'pre-connect';
    await hook('pre-connect');
    if (plan.build) {
      status.phase = 'building';
      await hook('pre-build');
      await local.buildAndPush(plan);
    }
    status.phase = 'pulling';
    await Promise.all(
      hosts.map(async (h) => {
        step(h, 'pulling');
        await longHost.pullImage(plan, h);
        step(h, 'pulled');
      }),
    );
    status.phase = 'locking';
    await host.acquireLock(plan);
    locked = true;
    await hook('pre-deploy');
    status.phase = 'starting proxy';
    await Promise.all(
      hosts.filter((h) => plan.roles.some((r) => r.proxy && r.hosts.includes(h))).map((h) => host.ensureProxy(plan, h)),
    );

    status.phase = 'booting';
    const batches = plan.roles.flatMap((role) =>
      slices(role.hosts, bootGroupSize(plan, role.hosts.length)).map((hs) => ({ role, hosts: hs })),
    );
    status.batch.total = batches.length;
    for (const [i, batch] of batches.entries()) {
      if (i > 0 && plan.boot.wait) await sleep(`${plan.boot.wait}s`);
      await condition(() => !status.paused || abortReason !== null);
      if (abortReason !== null) throw ApplicationFailure.nonRetryable(`deploy aborted: ${abortReason}`, 'Aborted');
      status.batch.index = i + 1;
      const results = await Promise.allSettled(batch.hosts.map((h) => bootHost(plan, h, batch.role, step, switched)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }

    status.phase = 'pruning';
    await Promise.all(hosts.map((h) => host.pruneHost(plan, h)));
    status.phase = 'done';
  } catch (err) {
    status.phase = 'failed';
    status.error = errorMessage(err);
    await CancellationScope.nonCancellable(async () => {
      if (options.rollbackOnFailure && switched.length > 0) {
        status.phase = 'rolling back';
        await Promise.all(
          switched.map(async ({ host: h, role, boot }) => {
            step(h, 'rolling back');
            await host.revertHost(plan, h, role.name, boot);
            step(h, 'rolled back', boot.previous?.version);
          }),
        );
        status.phase = 'rolled back';
      }
      if (locked) await host.releaseLock(plan);
    });
    if (isCancellation(err)) throw err;
    throw err instanceof ApplicationFailure ? err : ApplicationFailure.nonRetryable(status.error, 'DeployFailed');
  }
  await host.releaseLock(plan);
  await hook('post-deploy');
  return status;
}

async function bootHost(
  plan: Plan,
  h: string,
  role: RolePlan,
  step: (h: string, s: HostStep, version?: string) => void,
  switched: Switched[],
): Promise<void> {
  step(h, 'booting');
  const boot = await host.bootContainer(plan, h, role.name);
  try {
    if (role.proxy) {
      step(h, 'switching');
      await longHost.switchProxy(plan, h, role.name, boot.container);
    } else {
      step(h, 'checking health');
      await awaitHealthy(plan, h, boot.container);
    }
  } catch (err) {
    step(h, 'failed');
    await CancellationScope.nonCancellable(() => host.discardContainer(plan, h, role.name, boot.container));
    throw err;
  }
  switched.push({ host: h, role, boot });
  step(h, 'stopping old', plan.version);
  await host.stopOldContainers(plan, h, role.name, boot.container);
  step(h, 'done', plan.version);
}

/** Roles without the proxy: poll Docker's health (or "still running" after readiness_delay). */
async function awaitHealthy(plan: Plan, h: string, container: string): Promise<void> {
  const deadline = Date.now() + plan.deployTimeout * 1000;
  for (;;) {
    const probe = await host.probeHealth(plan, h, container);
    if (probe.state === 'healthy') return;
    if (probe.state === 'exited' || probe.state === 'unhealthy' || Date.now() >= deadline) {
      throw ApplicationFailure.nonRetryable(
        `${container} on ${h} did not become healthy (${probe.state}) within ${plan.deployTimeout}s.\n${probe.logs}`,
        'HealthCheckFailed',
      );
    }
    await sleep('1s');
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}
