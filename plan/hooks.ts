// Kamal's deploy hooks: the plan notes whether the checkout has any; activities/hooks.ts runs them.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** A deploy's hooks in the order the workflow runs them (the app-boot pair once per boot batch). */
export const DEPLOY_HOOKS = ['pre-connect', 'pre-build', 'pre-deploy', 'pre-app-boot', 'post-app-boot', 'post-deploy'] as const;

export function hookFile(source: { cwd: string; hooksPath: string }, name: string): string {
  return resolve(source.cwd, source.hooksPath, name);
}

/** Whether any deploy hook is there (a file or not: one that cannot run must still fail the deploy). */
export function anyDeployHook(source: { cwd: string; hooksPath: string }): boolean {
  return DEPLOY_HOOKS.some((name) => existsSync(hookFile(source, name)));
}
