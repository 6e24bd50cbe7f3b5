// Steps that need the app's checkout, run on the machine that started the deploy (its own
// task queue): hooks, and build + push with the local Docker engine.
import { ApplicationFailure } from '@temporalio/activity';
import { resolve } from 'node:path';
import * as builder from '../commands/builder';
import { latestTag } from '../commands/naming';
import * as registry from '../commands/registry';
import { openValue } from '../plan/seal';
import type { Plan } from '../plan/types';
import { runHookFile } from './hooks';
import { lastLines, runLocal } from './local-exec';

export interface LocalDeps {
  sealKey: () => Buffer;
}

export function createLocalActivities(deps: LocalDeps) {
  const must = async (what: string, argv: string[], cwd: string, stdin?: string) => {
    const { code, output } = await runLocal(argv, { cwd, stdin });
    if (code !== 0) throw ApplicationFailure.retryable(`${what} failed (exit ${code}):\n${lastLines(output, 30)}`, 'LocalCommandFailed');
  };
  return {
    async runHook(plan: Plan, name: string, hosts: string[]): Promise<boolean> {
      return (await runHookFile(plan, name, hosts)).ran;
    },

    /** Builds the version's image from the checkout and pushes its tags (version and latest). */
    async buildAndPush(plan: Plan): Promise<void> {
      if (!plan.build) return;
      const cwd = plan.source.cwd;
      const tags = [plan.version, latestTag(plan.destination ?? undefined)];
      await must(
        'docker build',
        builder.build({
          repository: plan.image,
          tags,
          service: plan.service,
          buildArgs: plan.build.args,
          dockerfile: plan.build.dockerfile,
          context: resolve(cwd, plan.build.context),
        }),
        cwd,
      );
      if (plan.registry) {
        const { server, username, password } = plan.registry;
        const login = registry.login({ server, username, password: openValue(deps.sealKey(), password, 'registry password') });
        await must(`docker login ${server}`, login.argv, cwd, login.stdin);
      }
      for (const tag of tags) await must(`docker push ${plan.image}:${tag}`, builder.push(`${plan.image}:${tag}`), cwd);
    },
  };
}
