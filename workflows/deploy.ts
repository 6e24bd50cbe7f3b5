// The deploy (and rollback) workflow: order, batches, durable timers, health loops and
// compensation. Deterministic: every side effect is an activity, every wait a durable timer.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { BootResult } from '../activities/results';
import { planHosts, type Plan, type RolePlan } from '../plan/types';
import { bootGroupSize } from '../config/boot';
import { audit, auditFailure } from './audit';
import { host, isLockHeld, localSteps, longHost } from './host-steps';
import { slices } from './batches';
import { abortSignal, pauseSignal, resumeSignal, statusQuery } from './signals';
import type { DeployStatus, HostStep } from './status';


/** pre-app-boot / post-app-boot around each boot batch, as Kamal 2 runs them per boot group. */
const APP_BOOT_HOOKS_PATCH = 'app-boot-hooks';
/** The on-host lock is taken while the hosts pull (deploys recorded before pulled first). */
const LOCK_WHILE_PULLING_PATCH = 'lock-while-pulling';
/**
 * Each host prunes in the step that stops its old container, and the outcome lines are written
 * while the lock is released (deploys recorded before pruned every host after the last batch).
 */
const PRUNE_WITH_STOP_PATCH = 'prune-with-stop';
/** A plan that found no hook in the checkout runs no hook steps (older deploys ran each one). */
const NO_HOOK_STEPS_PATCH = 'no-hook-steps-without-hooks';
/** A rollback looks for the version's containers in its first step (older ones were checked by the CLI, then pulled). */
const ROLLBACK_TARGET_PATCH = 'rollback-target-in-workflow';
/** With no hook to change it, whether kamal-proxy runs is looked at beside the lock (older deploys ensured it on every host after the lock). */
const PROXY_LOOK_PATCH = 'proxy-look-beside-lock';

export interface DeployOptions {
  rollbackOnFailure: boolean;
  /** How long to wait for an on-host lock held by someone else (`--lock-wait`); 0 fails at once. */
  lockWaitSeconds?: number;
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

  const local = localSteps(plan.source.queue);
  const step = (h: string, s: HostStep, version?: string) => {
    status.hosts[h] = { step: s, version: version ?? status.hosts[h]?.version ?? null };
  };
  const hooks = !patched(NO_HOOK_STEPS_PATCH) || plan.source.anyHook !== false;
  const hook = async (name: string, on: string[] = hosts) => {
    if (hooks) await local.runHook(plan, name, on);
  };

  const switched: Switched[] = [];
  /** Hosts and roles this deploy booted a container on: they get its outcome in their audit log. */
  const booted: { host: string; role: string }[] = [];
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
    const pullsOnly = () =>
      Promise.all(
        hosts.map(async (h) => {
          step(h, 'pulling');
          await longHost.pullImage(plan, h);
          step(h, 'pulled');
        }),
      );
    // The version's containers hold its image: a rollback that finds them needs no pull.
    const pulls = plan.kind === 'rollback' && patched(ROLLBACK_TARGET_PATCH) ? () => assertRollbackTarget(plan, hosts, step) : pullsOnly;
    const lock = async () => {
      await acquireLock(plan, options.lockWaitSeconds ?? 0, status);
      locked = true;
    };
    const proxyHosts = hosts.filter((h) => plan.roles.some((r) => r.proxy && r.hosts.includes(h)));
    // A look changes nothing, so it is taken while the hosts pull; a pre-deploy hook could still change what it sees.
    const looks = !hooks && patched(PROXY_LOOK_PATCH) ? Promise.all(proxyHosts.map((h) => host.proxyRunning(plan, h))) : null;
    if (patched(LOCK_WHILE_PULLING_PATCH)) {
      // Pulling changes nothing a running app sees, so the lock is taken meanwhile. All settle
      // before going on: a lock taken while a pull failed must still be released below.
      const settled = await Promise.allSettled([pulls(), lock(), ...(looks ? [looks] : [])]);
      for (const r of settled) if (r.status === 'rejected') throw r.reason;
    } else {
      await pulls();
      status.phase = 'locking';
      await lock();
    }
    await hook('pre-deploy');
    status.phase = 'starting proxy';
    const running = looks ? await looks : [];
    await Promise.all(proxyHosts.filter((_, i) => !running[i]).map((h) => host.ensureProxy(plan, h)));

    status.phase = 'booting';
    const batches = plan.roles.flatMap((role) =>
      slices(role.hosts, bootGroupSize(plan, role.hosts.length)).map((hs) => ({ role, hosts: hs })),
    );
    status.batch.total = batches.length;
    for (const [i, batch] of batches.entries()) {
      // boot.wait is a durable timer that an abort cuts short.
      if (i > 0 && plan.boot.wait) await condition(() => abortReason !== null, `${plan.boot.wait}s`);
      await condition(() => !status.paused || abortReason !== null);
      if (abortReason !== null) throw ApplicationFailure.nonRetryable(`deploy aborted: ${abortReason}`, 'Aborted');
      status.batch.index = i + 1;
      const appBootHooks = patched(APP_BOOT_HOOKS_PATCH);
      if (appBootHooks) await hook('pre-app-boot', batch.hosts);
      const results = await Promise.allSettled(batch.hosts.map((h) => bootHost(plan, h, batch.role, step, switched, booted)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      if (appBootHooks) await hook('post-app-boot', batch.hosts);
    }

    if (!patched(PRUNE_WITH_STOP_PATCH)) {
      status.phase = 'pruning';
      await Promise.all([...hosts.map((h) => host.pruneHost(plan, h)), ...booted.map((b) => audit(plan, b.host, outcome(plan), b.role))]);
      status.phase = 'done';
    }
  } catch (err) {
    status.phase = 'failed';
    status.error = errorMessage(err);
    await CancellationScope.nonCancellable(async () => {
      const reason = status.error!.split('\n')[0];
      await Promise.all(booted.map((b) => auditFailure(plan, b.host, `Failed to ${plan.kind === 'rollback' ? 'roll back to' : 'deploy'} app version ${plan.version}: ${reason}`, b.role)));
      if (options.rollbackOnFailure && switched.length > 0) await rollBack(plan, switched, status, step);
      if (locked) await host.releaseLock(plan);
    });
    if (isCancellation(err)) throw err;
    throw err instanceof ApplicationFailure ? err : ApplicationFailure.nonRetryable(status.error, 'DeployFailed');
  }
  if (patched(PRUNE_WITH_STOP_PATCH)) {
    // Every host runs the new version (and has pruned): from here on nothing rolls back, so a
    // failing audit line or a late cancel cannot revert hosts, nor do it after the lock is gone.
    status.phase = 'releasing the lock';
    await Promise.all([host.releaseLock(plan), ...booted.map((b) => audit(plan, b.host, outcome(plan), b.role))]);
    status.phase = 'done';
  } else {
    await host.releaseLock(plan);
  }
  await hook('post-deploy');
  return status;
}

export async function acquireLock(plan: Plan, waitSeconds: number, status: Pick<DeployStatus, 'phase'>): Promise<void> {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      return await host.acquireLock(plan);
    } catch (err) {
      if (!isLockHeld(err) || Date.now() >= deadline) throw err;
      status.phase = 'waiting for the lock';
      await sleep('5s');
    }
  }
}

/** Kamal's check before a rollback, on every host at once, taken while the lock is: all that is missing in one failure. */
async function assertRollbackTarget(plan: Plan, hosts: string[], step: (h: string, s: HostStep) => void): Promise<void> {
  const missing = await Promise.all(
    hosts.map(async (h) => {
      step(h, 'checking');
      const gone = await host.rollbackTargetMissing(plan, h);
      step(h, 'checked');
      return gone;
    }),
  );
  if (missing.flat().length === 0) return;
  throw ApplicationFailure.nonRetryable(
    `version ${plan.version} of ${plan.service} has no container on ${missing.flat().join(', ')}: it was pruned there, or never deployed. Nothing was changed. ` +
      'Fix: roll back to a version `sextant app details` shows on every host',
    'RollbackTargetMissing',
  );
}

/**
 * Puts every switched host back on its previous version. If that fails too, the hosts need a
 * person: the lock stays, its message and the failure say each host's state.
 */
async function rollBack(plan: Plan, switched: Switched[], status: DeployStatus, step: (h: string, s: HostStep, version?: string) => void): Promise<void> {
  status.phase = 'rolling back';
  const results = await Promise.allSettled(
    switched.map(async ({ host: h, role, boot }) => {
      step(h, 'rolling back');
      try {
        await host.revertHost(plan, h, role.name, boot);
      } catch (err) {
        step(h, 'rollback failed');
        throw err;
      }
      step(h, 'rolled back', boot.previous?.version);
      const to = boot.previous ? `version ${boot.previous.version}` : 'no version (it had none before)';
      await auditFailure(plan, h, `Rolled back app from version ${plan.version} to ${to}`, role.name);
    }),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length === 0) {
    status.phase = 'rolled back';
    return;
  }
  status.phase = 'rollback failed';
  const states = Object.entries(status.hosts)
    .map(([h, s]) => `  ${h}: ${s.step}${s.version ? ` (serving ${s.version})` : ''}`)
    .join('\n');
  await host.noteLock(plan, `rollback of ${plan.kind} ${plan.version} failed; hosts need attention, see sextant deploy status`).catch(() => undefined);
  throw ApplicationFailure.nonRetryable(
    `${status.error}\nThe rollback failed too: ${errorMessage(failed[0]!.reason)}\nEach host's state:\n${states}\n` +
      'The deploy lock stays held so nothing else deploys onto these hosts. Fix them, then `sextant lock release`.',
    'RollbackFailed',
  );
}

async function bootHost(
  plan: Plan,
  h: string,
  role: RolePlan,
  step: (h: string, s: HostStep, version?: string) => void,
  switched: Switched[],
  booted: { host: string; role: string }[],
): Promise<void> {
  step(h, 'booting');
  booted.push({ host: h, role: role.name });
  const boot = await host.bootContainer(plan, h, role.name);
  try {
    // The audit line is written while the new container is switched to; if it cannot be
    // written, the container goes like one that failed its switch.
    const logged = audit(plan, h, `Booted app version ${plan.version}`, role.name);
    logged.catch(() => undefined); // awaited below; this only keeps an early rejection handled
    if (role.proxy) {
      step(h, 'switching');
      await longHost.switchProxy(plan, h, role.name, boot.container);
    } else {
      step(h, 'checking health');
      await awaitHealthy(plan, h, boot.container);
    }
    await logged;
  } catch (err) {
    step(h, 'failed');
    await CancellationScope.nonCancellable(() => host.discardContainer(plan, h, role.name, boot.container));
    throw err;
  }
  switched.push({ host: h, role, boot });
  step(h, 'stopping old', plan.version);
  if (patched(PRUNE_WITH_STOP_PATCH)) await host.stopOldContainers(plan, h, role.name, boot.container, { keep: boot.previous?.name ?? null, seen: boot.seen });
  else await host.stopOldContainers(plan, h, role.name, boot.container);
  step(h, 'done', plan.version);
}

/** The audit line of a host that finished: what it serves now. */
function outcome(plan: Plan): string {
  return plan.kind === 'rollback' ? `Rolled back app to version ${plan.version}` : `Deployed app version ${plan.version}`;
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

export function errorMessage(err: unknown): string {
  // "Activity task failed" says nothing; what failed is in the cause.
  if (err instanceof ActivityFailure && err.cause) return errorMessage(err.cause);
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}
