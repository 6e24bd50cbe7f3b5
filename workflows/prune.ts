// The prune workflow (`sextant prune`, and its Temporal Schedule): old containers and images
// off every host, under the same on-host lock as deploys, so a prune that fires while a deploy
// of the service runs skips, saying so in its result and memo.
import { setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { PruneWhat } from '../activities/prune';
import { planHosts, type Plan } from '../plan/types';
import { audit } from './audit';
import { host, isLockHeld } from './host-steps';
import { statusQuery } from './signals';
import type { DeployStatus } from './status';

export interface PruneOptions {
  what: PruneWhat;
  /** Stopped containers kept per role (`--retain`, default `retain_containers`). */
  retain: number;
}

export interface PruneResult {
  /** Why nothing was pruned (the lock was held), or null. */
  skipped: string | null;
  hosts: string[];
}

export async function prune(base: Plan, options: PruneOptions): Promise<PruneResult> {
  // A schedule starts every run with the same plan: each run is its own operation (lock details).
  const plan: Plan = { ...base, kind: 'prune', deployId: `prune-${workflowInfo().runId}`, startedAt: new Date().toISOString() };
  const hosts = planHosts(plan);
  // `sextant deploy status` reads any operation of the service this way.
  const status: DeployStatus = {
    deployId: plan.deployId, kind: 'prune', version: '', phase: 'locking', paused: false, aborting: false,
    batch: { index: 0, total: 0 }, hosts: Object.fromEntries(hosts.map((h) => [h, { step: 'waiting', version: null }])), error: null,
  };
  setHandler(statusQuery, () => status);
  try {
    await host.acquireLock(plan);
  } catch (err) {
    if (!isLockHeld(err)) throw err;
    const skipped = `skipped: ${err.cause.message.split('\n').slice(0, 2).join(' ')}`;
    upsertMemo({ result: skipped });
    status.phase = skipped;
    return { skipped, hosts: [] };
  }
  try {
    const what = options.what === 'all' ? `containers (keeping ${options.retain} per role) and images` : options.what === 'containers' ? `containers (keeping ${options.retain} per role)` : 'images';
    status.phase = 'pruning';
    await Promise.all(
      hosts.map(async (h) => {
        await host.pruneHost(plan, h, options.what, options.retain);
        await audit(plan, h, `Pruned old ${what}`);
        status.hosts[h] = { step: 'done', version: null };
      }),
    );
  } finally {
    await host.releaseLock(plan);
  }
  status.phase = 'done';
  return { skipped: null, hosts };
}
