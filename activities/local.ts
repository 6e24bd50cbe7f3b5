// Steps that need the app's checkout, run on the machine that started the deploy (its own
// task queue): hooks, and build + push with the local Docker engine.
import { ApplicationFailure } from '@temporalio/activity';
import { latestTag } from '../commands/naming';
import type { Plan } from '../plan/types';
import { BuilderSetupError, runImageBuild } from './build-image';
import { runHookFile } from './hooks';

export interface LocalDeps {
  sealKey: () => Buffer;
  /** Sextant's data directory (known_hosts for a remote builder). */
  home: string;
}

export function createLocalActivities(deps: LocalDeps) {
  return {
    async runHook(plan: Plan, name: string, hosts: string[]): Promise<boolean> {
      return (await runHookFile(plan, name, hosts)).ran;
    },

    /** Builds the version's image from the checkout and pushes its tags (version and latest). */
    async buildAndPush(plan: Plan): Promise<void> {
      if (!plan.build) return;
      const tags = [plan.version, latestTag(plan.destination ?? undefined)];
      try {
        await runImageBuild({ plan: { ...plan, build: plan.build }, tags, push: true, useRemote: true, sealKey: deps.sealKey(), home: deps.home });
      } catch (err) {
        if (err instanceof BuilderSetupError) throw ApplicationFailure.nonRetryable(err.message, 'BuilderSetup');
        throw ApplicationFailure.retryable(err instanceof Error ? err.message : String(err), 'LocalCommandFailed');
      }
    },
  };
}
