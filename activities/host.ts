// Host steps of a deploy. Each observes the host first and acts only if needed, and
// recognises its own earlier effects by the deploy ID, so running one twice changes nothing.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { randomBytes } from 'node:crypto';
import * as app from '../commands/app';
import * as audit from '../commands/audit';
import * as engine from '../commands/engine';
import { writeFileThen } from '../commands/files';
import { andThen } from '../commands/remote';
import * as images from '../commands/images';
import * as lock from '../commands/lock';
import { NETWORK, containerName, proxyServiceName, replacedName, unreplacedName, versionFromName, versionedImage, type RoleScope } from '../commands/naming';
import * as network from '../commands/network';
import * as proxy from '../commands/proxy';
import * as registry from '../commands/registry';
import { openMap, openValue } from '../plan/seal';
import { planHosts, type Plan, type RolePlan } from '../plan/types';
import { pruneImages, pruneRole, pruneRoleAndImages, serviceImages, type PruneWhat, type ServiceImages } from './prune';
import { remote, type HostDeps, type Remote } from './remote';
import type { AuditNote, BootResult, ContainerRef, HealthProbe, HostLook } from './results';

function roleOf(plan: Plan, name: string): RolePlan {
  const role = plan.roles.find((r) => r.name === name);
  if (!role) throw ApplicationFailure.nonRetryable(`the plan has no role ${name}`, 'BadInput');
  return role;
}

export function scopeOf(plan: Plan, role: string): RoleScope {
  return { service: plan.service, destination: plan.destination ?? undefined, role };
}

function imageOf(plan: Plan): string {
  return versionedImage({ image: plan.image }, plan.version);
}

/** The host that holds the deploy lock: the first host of the primary role (Kamal's primary host). */
export function primaryHost(plan: Plan): string {
  return (plan.roles.find((r) => r.primary) ?? plan.roles[0])?.hosts[0] ?? planHosts(plan)[0]!;
}

function containersOf(r: Remote, plan: Plan, role: string): Promise<app.ContainerSummary[]> {
  return r.docker(engine.containers({ service: plan.service, destination: plan.destination ?? undefined, role }));
}

function inspect(r: Remote, name: string): Promise<app.ContainerDetails | null> {
  return r.docker(engine.containerDetails(name));
}

async function logsOf(r: Remote, name: string): Promise<string> {
  const res = await r.run(app.logs(name, 50));
  return `${res.stdout}${res.stderr}`.trimEnd();
}

export async function login(deps: HostDeps, r: Remote, plan: Plan): Promise<void> {
  if (!plan.registry) return;
  const { server, username, password } = plan.registry;
  const cmd = registry.login({ server, username, password: openValue(deps.sealKey(), password, 'registry password') });
  const res = await r.run(cmd.argv, { stdin: cmd.stdin });
  if (res.code !== 0) {
    const why = res.stderr.trim();
    const failure = `docker login to ${server} as ${username} failed on ${r.host}: ${why}`;
    throw /unauthorized|incorrect username or password|denied/i.test(why)
      ? ApplicationFailure.nonRetryable(`${failure}. Fix: check registry.username and the registry password secret`, 'RegistryAuth')
      : ApplicationFailure.retryable(failure, 'RegistryLogin');
  }
}

/** The `kamal` network (two steps racing to create it both succeed). */
export async function ensureNetwork(r: Remote): Promise<void> {
  if (await r.docker(engine.networkExists())) return;
  const res = await r.run(network.createNetwork());
  if (res.code !== 0 && !/already exists/.test(res.stderr)) throw ApplicationFailure.retryable(`creating the ${NETWORK} network on ${r.host}: ${res.stderr.trim()}`);
}

/** What `docker run` says when a container already has the name. */
const NAME_TAKEN = /is already in use by container/;

/** What `docker pull` says when it needs (other) credentials. */
const REGISTRY_WANTS_LOGIN = /unauthorized|authentication required|no basic auth credentials|denied|docker login/i;

export function createHostActivities(deps: HostDeps) {
  const on = (plan: Plan, host: string) => remote(deps, plan, host);

  return {
    /**
     * One line in the host's audit log (Kamal's format and file). The workflow fixes the entry's
     * time, so a retried step finds its line there and writes nothing.
     */
    async recordAudit(plan: Plan, host: string, entry: AuditNote): Promise<void> {
      const cmd = audit.appendAudit(
        { service: plan.service, destination: plan.destination ?? undefined },
        { at: new Date(entry.at), performer: plan.source.performer, destination: plan.destination ?? undefined, role: entry.role, message: entry.message },
      );
      await on(plan, host).ok(cmd.argv, { stdin: cmd.stdin });
    },

    /**
     * Registry login and pull of the version's image. A rollback looks first (its version is
     * usually still on the host); a deploy pulls at once, as Kamal does, and looks only when
     * the pull fails (a host that has the image needs no registry).
     */
    async pullImage(plan: Plan, host: string): Promise<void> {
      const r = on(plan, host);
      const image = imageOf(plan);
      const present = async () => (await r.run(images.inspectImage(image))).code === 0;
      if (plan.kind === 'rollback' && (await present())) return;
      const pull = () => r.run(images.pull(image), { timeoutSeconds: 900 });
      // Log in only when the registry asks: the host keeps its credentials from the last deploy,
      // so most deploys save a round trip; rotated or missing ones are caught by the first pull.
      let res = await pull();
      if (res.code !== 0 && plan.kind !== 'rollback' && (await present())) return;
      if (res.code !== 0 && plan.registry && REGISTRY_WANTS_LOGIN.test(res.stderr)) {
        await login(deps, r, plan);
        res = await pull();
      }
      if (res.code !== 0) {
        const why = res.stderr.trim();
        if (/manifest unknown|not found|does not exist/i.test(why)) {
          throw ApplicationFailure.nonRetryable(
            `version ${plan.version} of ${plan.image} is neither on ${host} nor in the registry (${why}). ` +
              (plan.kind === 'rollback' ? 'It may have been pruned: `sextant app containers` lists the versions that remain.' : 'Fix: push it, or deploy without --skip-push.'),
            'ImageNotFound',
          );
        }
        throw ApplicationFailure.retryable(`docker pull ${image} failed on ${host}: ${why}`, 'PullFailed');
      }
    },

    /**
     * What a rollback would miss on the host: each of the plan's roles there whose container of
     * the version is gone (as `host (role)`). Kamal requires it; with it, the image is there too.
     */
    async rollbackTargetMissing(plan: Plan, host: string): Promise<string[]> {
      const scope = { service: plan.service, destination: plan.destination ?? undefined };
      const names = new Set((await on(plan, host).docker(engine.containers(scope))).map((c) => c.name));
      return plan.roles.filter((r) => r.hosts.includes(host) && !names.has(containerName({ ...scope, role: r.name }, plan.version))).map((r) => `${host} (${r.name})`);
    },

    /**
     * Whether kamal-proxy runs on the kamal network here (which therefore exists: Docker removes no
     * network a container is on): one docker call, a look taken beside the lock (ensureProxy acts).
     */
    async proxyRunning(plan: Plan, host: string): Promise<boolean> {
      const state = await on(plan, host).docker(engine.proxyState());
      return state?.status === 'running' && state.onNetwork;
    },

    /** The `kamal` network and a running kamal-proxy. */
    async ensureProxy(plan: Plan, host: string): Promise<void> {
      const r = on(plan, host);
      // Both looks at once: on a set-up host (most deploys) they are all this step does.
      const [, state] = await Promise.all([ensureNetwork(r), r.docker(engine.proxyState())]);
      if (state) {
        if (state.status !== 'running') await r.ok(proxy.start());
        return;
      }
      await login(deps, r, plan);
      await r.ok(images.pull(proxy.proxyImage(plan.proxy.image)), { timeoutSeconds: 600 });
      const res = await r.run(proxy.run(plan.proxy));
      if (res.code !== 0 && !/already in use/.test(res.stderr)) throw ApplicationFailure.retryable(`starting kamal-proxy on ${host}: ${res.stderr.trim()}`);
    },

    /** Kamal's on-host lock on the primary host; a retried acquire recognises its own lock. */
    async acquireLock(plan: Plan): Promise<void> {
      const host = primaryHost(plan);
      const r = on(plan, host);
      const scope = { service: plan.service, destination: plan.destination ?? undefined };
      const cmd = lock.acquireLock(scope, {
        lockedBy: plan.source.performer,
        at: new Date(plan.startedAt),
        version: plan.version,
        message: `${plan.kind} ${plan.version} (${plan.source.command})`,
        deployId: plan.deployId,
      });
      if ((await r.run(cmd.argv, { stdin: cmd.stdin })).code === 0) return;
      const held = await r.run(lock.readLockDetails(scope));
      const details = held.code === 0 ? lock.decodeLockDetails(held.stdout) : null;
      if (details?.deployId === plan.deployId) return;
      throw ApplicationFailure.nonRetryable(
        `the deploy lock of ${plan.service} on ${host} is held:\n${details?.text ?? '(its details could not be read)'}\n` +
          'Fix: wait for that deploy to finish, or release a stale lock with `sextant lock release`',
        'LockHeld',
      );
    },

    async releaseLock(plan: Plan): Promise<void> {
      await on(plan, primaryHost(plan)).ok(lock.releaseOwnLock({ service: plan.service, destination: plan.destination ?? undefined }, plan.deployId));
    },

    /** Rewrites the message of this deploy's lock (e.g. "rollback failed"), so `lock status` says why it stays. */
    async noteLock(plan: Plan, message: string): Promise<void> {
      const r = on(plan, primaryHost(plan));
      const scope = { service: plan.service, destination: plan.destination ?? undefined };
      const held = await r.run(lock.readLockDetails(scope));
      if (held.code !== 0) return;
      const details = lock.decodeLockDetails(held.stdout);
      if (details.deployId !== plan.deployId) return;
      const text = lock.lockDetails({ lockedBy: details.lockedBy, at: new Date(details.at), version: details.version, message, deployId: plan.deployId });
      await r.upload(lock.lockDetailsFile(scope), lock.encodeLockDetails(text), 0o644);
    },

    /** Starts this deploy's container of `role` (renaming a same-named older one, as Kamal does). */
    async bootContainer(plan: Plan, host: string, roleName: string): Promise<BootResult> {
      const r = on(plan, host);
      const role = roleOf(plan, roleName);
      const scope = scopeOf(plan, roleName);
      const name = containerName(scope, plan.version);
      const env = app.writeEnvFile(scope, openMap(deps.sealKey(), role.env.secret));
      const run = app.run({
        ...scope,
        version: plan.version,
        deployId: plan.deployId,
        repository: plan.image,
        host,
        clearEnv: role.env.clear,
        logging: role.logging,
        volumes: role.volumes,
        labels: role.labels,
        options: role.options,
        cmd: role.cmd ?? undefined,
      });
      // A renamed container's version is the one it had before (its name ends `_replaced_<hex>`).
      const refOf = (c: app.ContainerSummary | undefined): ContainerRef | null => (c ? { name: c.name, version: versionFromName(scope, unreplacedName(c.name)) ?? c.name } : null);
      const boot = writeFileThen(env, run);
      const looks = () => Promise.all([containersOf(r, plan, roleName), serviceImages(r, plan)]);
      const ours = (c: app.ContainerSummary) => c.name === name && c.deployId === plan.deployId;
      /** What the stop step prunes from: the lists with `rename` applied, and the new container counted in as using its image (they may predate it). */
      const seenBy = ([all, service]: [app.ContainerSummary[], ServiceImages], rename = (n: string) => n): HostLook => ({
        role: all.filter((c) => !ours(c)).map((c) => ({ ...c, name: rename(c.name) })),
        service: { ...service, containers: [...service.containers.filter((c) => c.name !== name).map((c) => ({ ...c, name: rename(c.name) })), { name, image: imageOf(plan) }] },
      });
      const renamed = replacedName(name, randomBytes(4).toString('hex'));
      const rename = (n: string) => (n === name ? renamed : n);
      /** The result once whatever held the name is `renamed`; the lists may show it under either name, and the new container. */
      const afterRename = (seen: [app.ContainerSummary[], ServiceImages]): BootResult => {
        const previous = seen[0].find((c) => c.state === 'running' && !ours(c));
        return { container: name, previous: previous ? { ...refOf(previous)!, name: rename(previous.name) } : null, seen: seenBy(seen, rename) };
      };
      const moved = andThen(app.rename(name, renamed), boot);
      if (plan.kind === 'rollback' && Context.current().info.attempt === 1) {
        // The rollback's first step found the version's container holding the name on every
        // host, so the first attempt renames it (over the engine's API: no docker process) and
        // boots, while the host lists. Gone since, the rename fails, and the retry looks first.
        const renameThenBoot = async () => (await r.docker(engine.rename(name, renamed)), r.run(boot.argv, { stdin: boot.stdin }));
        const [listed, res] = await Promise.all([looks(), renameThenBoot()]);
        if (res.code !== 0) throw ApplicationFailure.retryable(`starting ${name} on ${host} failed: ${res.stderr.trim()}`, 'BootFailed');
        // The rename succeeded, so a list shows the container that held the name under one of its
        // names; one taken mid-rename may miss it (or show it under an odd name): then look again.
        const id = res.stdout.trim();
        const heldIn = ([role]: [app.ContainerSummary[], ServiceImages]) => role.find((c) => (c.name === name || c.name === renamed) && c.id !== id);
        const after = heldIn(listed) ? listed : await looks();
        const held = heldIn(after);
        if (held?.deployId !== plan.deployId) return afterRename(after);
        // It held this deploy's own container (the workflow was reset to before this step): put
        // that one back, as a retry would have kept it.
        await r.ok(andThen(app.forceRemove(name), { argv: app.rename(renamed, name), stdin: '' }).argv);
        if (held.state !== 'running') await r.ok(app.start(name));
        return { container: name, previous: refOf(after[0].find((c) => c.state === 'running' && c.deployId !== plan.deployId)) };
      }
      let seen: [app.ContainerSummary[], ServiceImages];
      if (plan.kind === 'rollback') {
        // A retry: an earlier attempt may have renamed, or booted. Look first; a free name boots at once.
        seen = await looks();
        if (!seen[0].some((c) => c.name === name)) await r.ok(boot.argv, { stdin: boot.stdin });
      } else {
        // Most deploys find the name free: the env file (the same for every attempt) is written
        // and the container started in one round trip, while the host lists the role's containers
        // and the service's images.
        let res;
        [seen, res] = await Promise.all([looks(), r.run(boot.argv, { stdin: boot.stdin })]);
        if (res.code !== 0 && !NAME_TAKEN.test(res.stderr)) throw ApplicationFailure.retryable(`starting ${name} on ${host} failed: ${res.stderr.trim()}`, 'BootFailed');
      }
      const [all] = seen;
      const holder = all.find((c) => c.name === name);
      if (!holder) return { container: name, previous: refOf(all.find((c) => c.state === 'running' && c.name !== name)), seen: seenBy(seen) };
      // The name is taken (and nothing changed): by this deploy's own container (a retried boot), or by another deploy of the same version.
      if (holder.deployId === plan.deployId) {
        if (holder.state !== 'running') await r.ok(app.start(name));
        // A retried boot: what ran before is whatever else of this role is still running.
        return { container: name, previous: refOf(all.find((c) => c.state === 'running' && c !== holder)) };
      }
      await r.ok(moved.argv, { stdin: moved.stdin });
      return afterRename(seen);
    },

    /** Points kamal-proxy at the new container; kamal-proxy health-checks it, switches and drains the old one. */
    async switchProxy(plan: Plan, host: string, roleName: string, container: string): Promise<void> {
      const r = on(plan, host);
      const route = roleOf(plan, roleName).proxy;
      if (!route) return;
      const { appPort, ...flags } = route;
      const res = await r.dockerExec(
        engine.execOf(proxy.deploy({
          ...flags,
          service: proxyServiceName(scopeOf(plan, roleName)),
          target: `${container}:${appPort}`,
          deployTimeoutSeconds: plan.deployTimeout,
          drainTimeoutSeconds: plan.drainTimeout,
        })),
        { timeoutSeconds: plan.deployTimeout + plan.drainTimeout + 30 },
      );
      if (res.code === 0) return;
      const why = `${res.stderr}${res.stdout}`.trim();
      if (/conflict/i.test(why)) {
        throw ApplicationFailure.nonRetryable(
          `kamal-proxy on ${host} refused to route ${proxyServiceName(scopeOf(plan, roleName))}: ${why}. ` +
            'Another service already answers for the same host name (or for all hosts). Fix: give each service on these hosts its own proxy.host',
          'ProxyConflict',
        );
      }
      if (/failed to become healthy|unhealthy|timeout/i.test(why)) {
        throw ApplicationFailure.nonRetryable(
          `${container} on ${host} did not pass the health check (${route.healthCheck?.path ?? '/up'} on port ${appPort}) within ${plan.deployTimeout}s: ${why}\n` +
            `last log lines of ${container}:\n${await logsOf(r, container)}`,
          'HealthCheckFailed',
        );
      }
      throw ApplicationFailure.retryable(`kamal-proxy deploy on ${host} failed: ${why}`, 'ProxyDeployFailed');
    },

    /** One look at a container without the proxy: Docker's health, or "running long enough". */
    async probeHealth(plan: Plan, host: string, container: string): Promise<HealthProbe> {
      const r = on(plan, host);
      const c = await inspect(r, container);
      if (!c) return { state: 'exited', logs: `${container} does not exist on ${host}` };
      if (c.status !== 'running' || c.restartCount > 0) return { state: 'exited', logs: await logsOf(r, container) };
      if (c.health === 'healthy') return { state: 'healthy', logs: '' };
      if (c.health === 'unhealthy') return { state: 'unhealthy', logs: await logsOf(r, container) };
      if (c.health === null && Date.now() - Date.parse(c.startedAt) >= plan.readinessDelay * 1000) return { state: 'healthy', logs: '' };
      return { state: 'starting', logs: '' };
    },

    /**
     * Stops every other running container of the role (the versions this deploy replaced). With
     * `prune`, prunes in the same step, as the deploy's prune does: the role's stopped containers
     * beyond `retain_containers`, keeping `prune.keep` (what the host ran before: it rolls back
     * there if a later host fails) as one of the retained, then the service's unused images.
     */
    async stopOldContainers(plan: Plan, host: string, roleName: string, container: string, prune?: { keep: string | null; seen?: HostLook }): Promise<void> {
      const r = on(plan, host);
      const stopTimeout = roleOf(plan, roleName).stopTimeout;
      // The boot's look serves the first attempt; a retry looks again, as an earlier attempt
      // may have stopped or removed some. Every look prune needs is taken in one round trip.
      const look = prune?.seen && Context.current().info.attempt === 1 ? prune.seen : null;
      const [all, seen] = look ? [look.role, look.service] : await Promise.all([containersOf(r, plan, roleName), prune ? serviceImages(r, plan) : null]);
      const old = all.filter((c) => c.name !== container && c.state === 'running');
      const stops = Promise.all(old.map((c) => r.docker(engine.stop(c.name, stopTimeout), { timeoutSeconds: stopTimeout + 30 })));
      if (!prune || !seen) return void (await stops);
      // Pruning waits for no stop: what is being stopped is protected with what the host ran
      // before (the retained count includes them), so only containers stopped earlier go.
      const stopping = new Set(old.map((c) => c.name));
      const stopped = all.map((c) => (stopping.has(c.name) ? { ...c, state: 'exited' } : c));
      const protect = stopped.filter((c) => c.state !== 'running' && (c.name === prune.keep || stopping.has(c.name))).map((c) => c.name);
      await Promise.all([
        stops,
        pruneRoleAndImages(r, stopped, seen, Math.max(0, plan.retainContainers - protect.length), protect),
        r.docker(engine.pruneDanglingImages({ service: plan.service })),
      ]);
    },

    /** Removes this deploy's container after it failed its health check (never another deploy's). */
    async discardContainer(plan: Plan, host: string, _role: string, container: string): Promise<void> {
      const r = on(plan, host);
      const c = await inspect(r, container);
      if (!c || c.deployId !== plan.deployId) return;
      await r.ok(app.forceRemove(container));
    },

    /** Puts a switched host back on what it ran before this deploy, then removes the new container. */
    async revertHost(plan: Plan, host: string, roleName: string, boot: BootResult): Promise<void> {
      const r = on(plan, host);
      const role = roleOf(plan, roleName);
      if (boot.previous) {
        const prev = await inspect(r, boot.previous.name);
        if (prev && prev.status !== 'running') await r.ok(app.start(boot.previous.name));
        if (role.proxy) {
          const { appPort, ...flags } = role.proxy;
          await r.ok(
            proxy.deploy({ ...flags, service: proxyServiceName(scopeOf(plan, roleName)), target: `${boot.previous.name}:${appPort}`, deployTimeoutSeconds: plan.deployTimeout, drainTimeoutSeconds: plan.drainTimeout }),
            { timeoutSeconds: plan.deployTimeout + plan.drainTimeout + 30 },
          );
        }
      } else if (role.proxy) {
        await r.run(proxy.remove(proxyServiceName(scopeOf(plan, roleName))));
      }
      const c = await inspect(r, boot.container);
      if (c && c.deployId === plan.deployId) await r.ok(app.forceRemove(boot.container));
    },

    /**
     * Keeps the newest `retain` (default `retain_containers`) stopped containers per role, and
     * the images containers still use; `what` narrows it as `sextant prune images|containers` do.
     */
    async pruneHost(plan: Plan, host: string, what: PruneWhat = 'all', retain = plan.retainContainers): Promise<void> {
      const r = on(plan, host);
      if (what !== 'images') {
        await Promise.all(plan.roles.filter((x) => x.hosts.includes(host)).map(async (role) => pruneRole(r, plan, await containersOf(r, plan, role.name), retain)));
      }
      if (what !== 'containers') await pruneImages(r, plan);
    },
  };
}
