// The CLI side of every host-changing command other than deploy/rollback: build the plan (with
// -h/-r/-p), start the operation workflow under the service's workflow ID, follow it. A command
// is then a declaration: its name, its phases, and what success says.
import { createInterface } from 'node:readline/promises';
import type { Plan } from '../plan/types';
import { HOST_QUEUE } from '../worker/queues';
import { serviceWorkflowId } from '../workflows/batches';
import type { OperationInput, OperationPhase } from '../workflows/operation';
import { UsageError } from './args';
import { busyError, follow, runningDeploy } from './commands/deploy';
import { operationAttributes, type OperationMemo } from './visibility';
import { CliError, EXIT } from './exit-codes';
import { outputOptionsFromEnv, Output } from './output';
import { loadProject } from './project';
import type { CommandContext } from './registry';
import { openSession } from './temporal';

export interface Operation {
  /** e.g. 'app stop': the memo's kind, the lock message, KAMAL_COMMAND of hooks. */
  command: string;
  phases(plan: Plan): OperationPhase[];
  success: string;
  /** Asked before starting, unless -y. */
  confirm?: string;
  /** The phases name their own hosts (accessories): -h/-r/-p then do not cut the plan's roles, and the lock stays on the primary host. */
  ownHosts?: boolean;
}

/** The command line as typed (minus output flags), for the workflow's input. */
function typedArgs(ctx: CommandContext): string[] {
  const shown = Object.entries(ctx.flags).filter(([k, v]) => v !== undefined && !['json', 'quiet', 'verbose'].includes(k));
  return [...shown.flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `--${k}=${x}`) : v === true ? [`--${k}`] : v === false ? [`--no-${k}`] : [`--${k}=${v}`])), ...ctx.positionals];
}

async function confirmed(ctx: CommandContext, question: string): Promise<void> {
  if (ctx.flags.yes) return;
  if (!process.stdin.isTTY) throw new UsageError(`${question} Pass -y to confirm`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `).finally(() => rl.close());
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('not confirmed; nothing was changed', EXIT.usage);
}

/** The command line without -h/-r/-p, for commands that pick their hosts themselves. */
export const withoutSelection = (ctx: CommandContext): CommandContext => ({ ...ctx, flags: { ...ctx.flags, hosts: undefined, roles: undefined, primary: undefined } });

export async function runOperation(ctx: CommandContext, op: Operation): Promise<number> {
  const project = await loadProject(op.ownHosts ? withoutSelection(ctx) : ctx, { kind: 'operation', command: op.command });
  if (op.confirm) await confirmed(ctx, op.confirm);
  const out = new Output(outputOptionsFromEnv(ctx.flags), project.hosts);
  const session = await openSession(ctx.env, out, { startAgent: true });
  try {
    const plan = project.plan(session.home);
    const phases = op.phases(plan).filter((p) => p.hosts.length > 0);
    if (phases.length === 0) throw new UsageError(`${op.command}: none of the selected hosts runs a role it applies to`);
    const workflowId = serviceWorkflowId(plan.service, plan.destination);
    const memo: OperationMemo = { deployId: plan.deployId, kind: op.command, version: plan.version, performer: plan.source.performer, startedAt: plan.startedAt };
    const input: OperationInput = { plan, command: op.command, args: typedArgs(ctx), phases };
    // Started without a look first: when another command of the service runs, the start fails and says so.
    const handle = await session.client.workflow
      .start('operation', {
        taskQueue: HOST_QUEUE,
        workflowId,
        args: [input],
        memo: { ...memo },
        typedSearchAttributes: operationAttributes({ ...plan, kind: op.command }),
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      })
      .catch(async (err: unknown) => {
        if (!(err instanceof Error && err.name === 'WorkflowExecutionAlreadyStartedError')) throw err;
        const running = await runningDeploy(session, workflowId);
        if (running) throw busyError(session, plan.service, running, 'wait for it to finish (`sextant deploy attach`)');
        throw new CliError(`another command of ${plan.service} ran just now (workflow ${workflowId}); try again`, EXIT.locked);
      });
    out.emit({ event: 'workflow', workflowId, runId: handle.firstExecutionRunId, url: session.link(workflowId, handle.firstExecutionRunId), state: 'started' });
    return await follow(session, { workflowId, runId: handle.firstExecutionRunId }, out, op.success);
  } finally {
    await session.close();
  }
}

/** Operations take no positional arguments (only flags). */
export function noArguments(ctx: CommandContext): void {
  if (ctx.positionals.length) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
}

/** Every host of the (plan's or config's selected) roles that kamal-proxy routes. */
export function proxyHosts(of: { roles: readonly { proxy: unknown; hosts: string[] }[] }): string[] {
  return [...new Set(of.roles.filter((r) => r.proxy).flatMap((r) => r.hosts))];
}
