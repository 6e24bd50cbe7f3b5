// Kamal hooks (<hooks_path>/<name>), run on the machine that started the deploy, in its
// checkout. At least once: a retried or resumed deploy may run one again, with the same
// variables (KAMAL_RUNTIME aside) and the same SEXTANT_DEPLOY_ID. See docs/hooks.md.
import { ApplicationFailure } from '@temporalio/activity';
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { relative } from 'node:path';
import { DEPLOY_HOOKS, hookFile } from '../plan/hooks';
import type { Plan } from '../plan/types';
import { lastLines, runLocal } from './local-exec';

/** The parts of a plan hooks read. */
export type HookPlan = Pick<Plan, 'deployId' | 'service' | 'destination' | 'version' | 'startedAt' | 'build'> & {
  source: Pick<Plan['source'], 'cwd' | 'hooksPath' | 'skipHooks' | 'performer' | 'command'>;
};


/** Hooks that run while the deploy holds its lock. */
const UNDER_LOCK = new Set(['pre-deploy', 'pre-app-boot', 'post-app-boot']);

/** Every variable Kamal may give a hook, and ours: none may leak in from the worker's environment. */
const HOOK_VARIABLES = [
  'RECORDED_AT', 'PERFORMER', 'SERVICE', 'SERVICE_VERSION', 'VERSION', 'HOSTS', 'ROLES', 'ROLE',
  'LOCK', 'COMMAND', 'SUBCOMMAND', 'DESTINATION', 'RUNTIME',
].map((v) => `KAMAL_${v}`).concat('SEXTANT_DEPLOY_ID');

/** Kamal shortens a commit to 7 characters but keeps `<sha>_uncommitted_<hex>` whole. */
export function abbreviatedVersion(version: string): string {
  return version.includes('_') ? version : version.slice(0, 7);
}

/**
 * A hook's variables, with Kamal 2's names and formats. All come from the plan, so every run
 * of the same deploy sees the same values, except KAMAL_RUNTIME (post-deploy), which is the
 * time since the deploy started. Like Kamal, a variable without a value is left out.
 */
export function hookEnv(plan: HookPlan, name: string, hosts: readonly string[], now = Date.now()): Record<string, string> {
  const env: Record<string, string> = {
    // Kamal's timestamps are whole seconds (Ruby's Time#iso8601).
    KAMAL_RECORDED_AT: plan.startedAt.replace(/\.\d+Z$/, 'Z'),
    KAMAL_PERFORMER: plan.source.performer,
    KAMAL_SERVICE: plan.service,
    KAMAL_SERVICE_VERSION: `${plan.service}@${abbreviatedVersion(plan.version)}`,
    KAMAL_VERSION: plan.version,
    KAMAL_HOSTS: hosts.join(','),
    // The workflow holds the deploy lock from before pre-deploy until before post-deploy.
    KAMAL_LOCK: String(UNDER_LOCK.has(name)),
    SEXTANT_DEPLOY_ID: plan.deployId,
  };
  // As Kamal: `proxy reboot` is KAMAL_COMMAND=proxy KAMAL_SUBCOMMAND=reboot.
  const [command = '', ...sub] = plan.source.command.split(' ');
  env.KAMAL_COMMAND = command;
  if (sub.length) env.KAMAL_SUBCOMMAND = sub.join(' ');
  if (plan.destination) env.KAMAL_DESTINATION = plan.destination;
  if (name === 'post-deploy') env.KAMAL_RUNTIME = String(Math.max(0, Math.round((now - Date.parse(plan.startedAt)) / 1000)));
  return env;
}

/** The hooks this plan's deploy runs (pre-build only when it builds). */
function plannedHooks(plan: HookPlan): string[] {
  return DEPLOY_HOOKS.filter((h) => h !== 'pre-build' || plan.build !== null);
}

function stats(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

/**
 * Why a hook that is present cannot run (null: it can, or there is none). Kamal would start it
 * anyway and fail with "Permission denied"; this says which file and how to fix it.
 */
function hookProblem(plan: HookPlan, name: string): string | null {
  const file = hookFile(plan.source, name);
  const st = stats(file);
  if (!st) return null;
  const shown = relative(plan.source.cwd, file) || file;
  if (!st.isFile()) return `hook ${name} is not a file: ${file}. Fix: make ${shown} an executable script, or remove it`;
  try {
    accessSync(file, constants.X_OK);
    return null;
  } catch {
    return `hook ${name} is not executable: ${file}. Fix: chmod +x ${shown}`;
  }
}

/**
 * Runs one hook if it exists; a failure stops the deploy (not retried: a hook that said no
 * would say no again). The first hook checks them all, so a deploy whose post-deploy hook
 * cannot run stops before it changes anything.
 */
export async function runHookFile(plan: HookPlan, name: string, hosts: readonly string[]): Promise<{ ran: boolean; output: string }> {
  if (plan.source.skipHooks) return { ran: false, output: '' };
  for (const h of name === DEPLOY_HOOKS[0] ? plannedHooks(plan) : [name]) {
    const problem = hookProblem(plan, h);
    if (problem) throw ApplicationFailure.nonRetryable(problem, 'HookFailed');
  }
  const file = hookFile(plan.source, name);
  if (!stats(file)) return { ran: false, output: '' };
  // Leftovers in the worker's environment (from whoever started it) must not pose as this deploy's.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !HOOK_VARIABLES.includes(k)));
  const env = { ...inherited, ...hookEnv(plan, name, hosts) };
  const result = await runLocal([file], { cwd: plan.source.cwd, env }).catch((err: NodeJS.ErrnoException) => {
    // Node reports a missing #! interpreter as the script itself missing.
    if (err.code !== 'ENOENT') throw err;
    throw ApplicationFailure.nonRetryable(`hook ${name} could not start: ${file}: the interpreter on its #! line was not found`, 'HookFailed');
  });
  if (result.code !== 0) {
    const how = result.code === null ? `was killed by ${result.signal ?? 'a signal'}` : `failed (exit ${result.code})`;
    const output = lastLines(result.output, 50);
    throw ApplicationFailure.nonRetryable(`hook ${name} ${how}: ${file}${output ? `\n${output}` : ''}`, 'HookFailed');
  }
  return { ran: true, output: result.output };
}
