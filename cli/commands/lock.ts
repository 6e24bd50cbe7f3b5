// `sextant lock status|acquire|release`: Kamal's on-host lock on the primary host, read and
// written straight over SSH, so they work with no worker running (a stale lock is most often
// found when something is broken). Only `status` asks Temporal, to find the deploy in the lock.
import { appendAudit } from '../../commands/audit';
import * as lock from '../../commands/lock';
import { lockDirectory, type ServiceScope } from '../../commands/naming';
import { primaryRole } from '../../config';
import { performer } from '../../plan/build';
import { SshPool } from '../../ssh/pool';
import { knownHostsFile, sextantHome } from '../../worker/home';
import { serviceWorkflowId } from '../../workflows/batches';
import { appVersion } from '../app-version';
import { UsageError } from '../args';
import { CliError, EXIT } from '../exit-codes';
import { outputOptionsFromEnv, Output } from '../output';
import { loadService } from '../project';
import type { CommandContext } from '../registry';
import { openSession } from '../temporal';

interface LockSite {
  /** `app` or `app (staging)`, for messages. */
  name: string;
  scope: ServiceScope;
  destination: string | null;
  host: string;
  exec(argv: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The lock, or null when there is none. */
  read(): Promise<lock.LockDetails | null>;
  /** One line in the primary host's audit log, as deploys write them. */
  audit(message: string): Promise<void>;
}

async function withLockSite(ctx: CommandContext, act: (site: LockSite, out: Output) => Promise<number>): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  const { config, destination, sshTarget } = await loadService(ctx);
  // Kamal's primary host: the first host of the primary role (as the deploy workflow uses).
  const host = primaryRole(config).hosts[0]!;
  const pool = new SshPool({ knownHostsFile: knownHostsFile(sextantHome(ctx.env)) });
  const exec = (argv: string[], stdin?: string) => pool.exec(sshTarget(host), argv, { stdin, timeoutSeconds: 60 });
  const scope = { service: config.service, destination: destination ?? undefined };
  const site: LockSite = {
    name: `${config.service}${destination ? ` (${destination})` : ''}`,
    scope,
    destination,
    host,
    exec,
    read: async () => {
      try {
        return lock.parseShownLock(await exec(lock.showLock(scope)));
      } catch (err) {
        throw new CliError(`${host}: ${err instanceof Error ? err.message : String(err)}`, EXIT.failed);
      }
    },
    audit: async (message) => {
      const cmd = appendAudit(scope, { at: new Date(), performer: performer(ctx.cwd), destination: destination ?? undefined, message });
      const res = await exec(cmd.argv, cmd.stdin);
      if (res.code !== 0) throw new CliError(`${host}: could not write the audit log: ${res.stderr.trim()}`, EXIT.failed);
    },
  };
  try {
    return await act(site, new Output(outputOptionsFromEnv(ctx.flags), [host]));
  } finally {
    await pool.close();
  }
}

const indent = (text: string) => (text || '(no details)').replace(/^/gm, '  ');
const holderName = { deploy: 'a Sextant deploy', manual: '`sextant lock acquire`', kamal: 'Kamal (no Sextant deploy ID)' } as const;

interface DeployRef {
  workflowId: string;
  runId?: string;
  /** Temporal's status, e.g. RUNNING, TERMINATED; null when this Temporal does not know the deploy. */
  status: string | null;
  url: string | null;
}

/** The workflow run of the deploy that took the lock (its memo carries the deploy ID). */
async function findDeploy(ctx: CommandContext, out: Output | null, site: LockSite, deployId: string): Promise<DeployRef> {
  const workflowId = serviceWorkflowId(site.scope.service, site.destination);
  const session = await openSession(ctx.env, out, { startAgent: true });
  try {
    for await (const run of session.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) {
      if (run.memo?.deployId === deployId) return { workflowId, runId: run.runId, status: run.status.name, url: session.link(workflowId, run.runId) };
    }
    return { workflowId, status: null, url: session.link(workflowId) };
  } finally {
    await session.close();
  }
}

/** Its deploy ended (e.g. terminated) without releasing it: nothing ever will. */
const isOrphaned = (deploy: DeployRef | null) => deploy?.status != null && deploy.status !== 'RUNNING';

function deployVerdict(site: LockSite, deploy: DeployRef): string {
  const where = `workflow ${deploy.workflowId}${deploy.url ? `  ${deploy.url}` : ''}`;
  if (isOrphaned(deploy)) {
    return (
      `ORPHANED: the deploy that took it is no longer running (${deploy.status!.toLowerCase()}), so nothing will release it: ${where}\n` +
      'Fix: check the hosts (`sextant app details`), then `sextant lock release`'
    );
  }
  if (deploy.status === 'RUNNING') return `its deploy is running: ${where}`;
  return `its deploy is not known to this Temporal (another machine's agent, or its history expired): ${where}\nIf nothing is deploying ${site.name}, release it with \`sextant lock release\``;
}

export async function lockStatusCommand(ctx: CommandContext): Promise<number> {
  return withLockSite(ctx, async (site, out) => {
    const held = await site.read();
    const base = { service: site.scope.service, destination: site.destination, host: site.host, lockDirectory: lockDirectory(site.scope) };
    if (!held) {
      if (ctx.flags.json) process.stdout.write(JSON.stringify({ ...base, locked: false }) + '\n');
      else out.emit({ event: 'info', message: `${site.name} is unlocked (no ${base.lockDirectory} on ${site.host})` });
      return EXIT.ok;
    }
    const holder = lock.lockHolder(held);
    let deploy: DeployRef | null = null;
    let lookupError: string | undefined;
    try {
      // --json prints one object: no agent chatter on stdout.
      if (held.deployId) deploy = await findDeploy(ctx, ctx.flags.json ? null : out, site, held.deployId);
    } catch (err) {
      lookupError = `could not look up its deploy: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (ctx.flags.json) {
      process.stdout.write(JSON.stringify({ ...base, locked: true, holder, ...held, deploy, orphaned: isOrphaned(deploy), lookupError }) + '\n');
      return EXIT.ok;
    }
    out.emit({ event: 'info', message: `${site.name} is locked on ${site.host} by ${holderName[holder]}:\n${indent(held.text)}` });
    if (deploy) out.emit({ event: 'info', message: deployVerdict(site, deploy) });
    if (lookupError) out.emit({ event: 'warning', message: lookupError });
    return EXIT.ok;
  });
}

export async function lockAcquireCommand(ctx: CommandContext): Promise<number> {
  const message = ctx.flags.message;
  if (typeof message !== 'string' || message.trim() === '') throw new UsageError('lock acquire needs -m MESSAGE, saying why deploys must wait');
  return withLockSite(ctx, async (site, out) => {
    const version = appVersion(ctx.cwd, typeof ctx.flags.version === 'string' ? ctx.flags.version : undefined);
    const cmd = lock.acquireLock(site.scope, { lockedBy: performer(ctx.cwd), at: new Date(), version, message });
    const res = await site.exec(cmd.argv, cmd.stdin);
    if (res.code !== 0) {
      const held = await site.read();
      if (!held) throw new CliError(`could not create ${lockDirectory(site.scope)} on ${site.host}: ${res.stderr.trim()}`, EXIT.failed);
      throw new CliError(
        `${site.name} is already locked on ${site.host} by ${holderName[lock.lockHolder(held)]}:\n${indent(held.text)}\n` +
          'Fix: wait until it is released, or, if it is stale, `sextant lock status` then `sextant lock release`',
        EXIT.locked,
      );
    }
    await site.audit(`Acquired the deploy lock: ${message}`);
    out.emit({ event: 'result', ok: true, message: `locked ${site.name} on ${site.host}: deploys are refused until \`sextant lock release\`` });
    return EXIT.ok;
  });
}

export async function lockReleaseCommand(ctx: CommandContext): Promise<number> {
  return withLockSite(ctx, async (site, out) => {
    const held = await site.read();
    if (!held) {
      out.emit({ event: 'result', ok: true, message: `${site.name} was not locked on ${site.host}: nothing to release` });
      return EXIT.ok;
    }
    const res = await site.exec(lock.releaseLock(site.scope));
    if (res.code !== 0) throw new CliError(`could not remove ${lockDirectory(site.scope)} on ${site.host}: ${res.stderr.trim()}`, EXIT.failed);
    await site.audit(`Released the deploy lock (held by ${holderName[lock.lockHolder(held)]})`);
    out.emit({ event: 'result', ok: true, message: `released the lock of ${site.name} on ${site.host}, held by ${holderName[lock.lockHolder(held)]}:\n${indent(held.text)}` });
    return EXIT.ok;
  });
}
