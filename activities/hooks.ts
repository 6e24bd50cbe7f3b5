// Kamal hooks (.kamal/hooks/<name>), run on the machine that started the deploy. At least
// once: a retried or resumed deploy may run one again, with the same SEXTANT_DEPLOY_ID.
import { ApplicationFailure } from '@temporalio/activity';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plan } from '../plan/types';
import { runLocal } from './local-exec';

export function hookEnv(plan: Plan, hosts: readonly string[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    KAMAL_RECORDED_AT: plan.startedAt,
    KAMAL_PERFORMER: plan.source.performer,
    KAMAL_SERVICE: plan.service,
    KAMAL_SERVICE_VERSION: `${plan.service}@${plan.version.slice(0, 7)}`,
    KAMAL_VERSION: plan.version,
    KAMAL_HOSTS: hosts.join(','),
    KAMAL_COMMAND: plan.source.command,
    KAMAL_SUBCOMMAND: '',
    KAMAL_DESTINATION: plan.destination ?? '',
    KAMAL_ROLE: '',
    SEXTANT_DEPLOY_ID: plan.deployId,
    ...extra,
  };
}

export async function runHookFile(plan: Plan, name: string, hosts: readonly string[]): Promise<{ ran: boolean; output: string }> {
  if (plan.source.skipHooks) return { ran: false, output: '' };
  const file = resolve(plan.source.cwd, plan.source.hooksPath, name);
  if (!existsSync(file)) return { ran: false, output: '' };
  const extra: Record<string, string> = name === 'post-deploy' ? { KAMAL_RUNTIME: String(Math.round((Date.now() - Date.parse(plan.startedAt)) / 1000)) } : {};
  const { code, output } = await runLocal([file], { cwd: plan.source.cwd, env: { ...process.env, ...hookEnv(plan, hosts, extra) } });
  if (code !== 0) {
    throw ApplicationFailure.nonRetryable(`hook ${name} (${file}) exited ${code ?? 'on a signal'}:\n${output.trimEnd()}`, 'HookFailed');
  }
  return { ran: true, output };
}
