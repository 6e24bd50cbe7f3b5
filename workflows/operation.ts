// The operation workflow: every command that changes hosts other than deploy and rollback
// (`app stop`, `proxy reboot`, `registry login`...) is a declared list of phases, each one host
// step on a set of hosts, in parallel or one host at a time. It takes the on-host lock as deploy
// does, writes an audit line per host, and fails naming the host and the cause. Its workflow ID is
// the service's (workflows/batches.ts), so it never runs beside a deploy of the same service.
import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createAccessoryActivities } from '../activities/accessories';
import type { createHostActivities } from '../activities/host';
import type { createOperationActivities } from '../activities/operations';
import type { createUpgradeActivities } from '../activities/upgrade';
import { planHosts, type Plan } from '../plan/types';
import { acquireLock, errorMessage } from './deploy';
import { localSteps, retry } from './host-steps';
import { statusQuery } from './signals';
import type { DeployStatus } from './status';

type Steps = ReturnType<typeof createHostActivities> & ReturnType<typeof createOperationActivities> & ReturnType<typeof createAccessoryActivities> & ReturnType<typeof createUpgradeActivities>;

export interface OperationPhase {
  /** A host step, called as (plan, host, ...args). */
  step: keyof Steps;
  hosts: string[];
  args?: unknown[];
  /** One host at a time (`proxy reboot --rolling`); else all at once. */
  rolling?: boolean;
  /** Audit line written on each host the step succeeded on. */
  audit?: string;
  /** Hooks around each batch (each host when rolling), run on the deploying machine's queue. */
  hooks?: { pre?: string; post?: string };
}

export interface OperationInput {
  plan: Plan;
  /** The command and its arguments as typed, e.g. "app maintenance" and ["--message", "back soon"]. */
  command: string;
  args: string[];
  phases: OperationPhase[];
}

export interface OperationResult {
  command: string;
  /** What each step returned, per phase and host (e.g. the containers it stopped). */
  results: { step: string; host: string; value: unknown }[];
}

const steps = proxyActivities<Steps>({ startToCloseTimeout: '20m', heartbeatTimeout: '15s', retry });

export async function operation(input: OperationInput): Promise<OperationResult> {
  const { plan } = input;
  const hosts = planHosts(plan);
  const status: DeployStatus = {
    deployId: plan.deployId,
    kind: 'operation',
    version: plan.version,
    phase: input.command,
    paused: false,
    aborting: false,
    batch: { index: 0, total: input.phases.length },
    hosts: Object.fromEntries(hosts.map((h) => [h, { step: 'waiting' as const, version: null }])),
    error: null,
  };
  setHandler(statusQuery, () => status);
  const local = localSteps(plan.source.queue);
  const result: OperationResult = { command: input.command, results: [] };

  const onHost = async (phase: OperationPhase, host: string): Promise<void> => {
    status.hosts[host] = { step: 'running', version: null };
    try {
      const call = steps[phase.step] as (...a: unknown[]) => Promise<unknown>;
      result.results.push({ step: phase.step, host, value: (await call(plan, host, ...(phase.args ?? []))) ?? null });
    } catch (err) {
      status.hosts[host] = { step: 'failed', version: null };
      throw ApplicationFailure.nonRetryable(`${input.command} failed on ${host}: ${errorMessage(err)}`, 'OperationFailed');
    }
    status.hosts[host] = { step: 'done', version: null };
    if (phase.audit) await steps.recordAudit(plan, host, { at: new Date().toISOString(), message: phase.audit });
  };

  await acquireLock(plan, 0, status);
  try {
    for (const [i, phase] of input.phases.entries()) {
      status.batch.index = i + 1;
      const batches = phase.rolling ? phase.hosts.map((h) => [h]) : [phase.hosts];
      for (const batch of batches) {
        if (phase.hooks?.pre) await local.runHook(plan, phase.hooks.pre, batch);
        const settled = await Promise.allSettled(batch.map((h) => onHost(phase, h)));
        const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        if (failed) throw failed.reason;
        if (phase.hooks?.post) await local.runHook(plan, phase.hooks.post, batch);
      }
    }
  } catch (err) {
    status.error = errorMessage(err);
    await CancellationScope.nonCancellable(() => steps.releaseLock(plan));
    if (isCancellation(err)) throw err;
    throw err instanceof ApplicationFailure ? err : ApplicationFailure.nonRetryable(status.error, 'OperationFailed');
  }
  await steps.releaseLock(plan);
  status.phase = 'done';
  return result;
}
