// Host steps of `sextant upgrade`: take over a host that Kamal 0.16 or 1.x deployed last, where
// Traefik owns port 80 and routes by Docker labels to containers on the default bridge.
//
// Nothing that can fail is left for the moment Traefik stops: the running containers join the
// `kamal` network where they run, a staging kamal-proxy (no published ports, the real one's state
// volume) health-checks and routes each of them, and the real kamal-proxy is created, not
// started. The switch is then `docker stop traefik; docker start kamal-proxy` in one remote
// command, and the routes come back from the state volume. Each step looks first, so a retried
// or resumed upgrade picks up where it stopped.
import { ApplicationFailure } from '@temporalio/activity';
import * as app from '../commands/app';
import * as images from '../commands/images';
import { randomBytes } from 'node:crypto';
import { DEPLOY_ID_LABEL, NETWORK, PROXY_CONTAINER, containerName, proxyServiceName, replacedName, unreplacedName, versionFromName } from '../commands/naming';
import * as network from '../commands/network';
import * as proxy from '../commands/proxy';
import * as traefik from '../commands/traefik';
import type { AccessoryPlan } from '../plan/accessory';
import type { Plan, RolePlan } from '../plan/types';
import { createHostActivities, ensureNetwork, login, scopeOf } from './host';
import { waitForProxy } from './operations';
import { remote, type HostDeps, type Remote } from './remote';

/** Shares kamal-proxy's state volume while Traefik still holds port 80. */
export const STAGING_PROXY = 'kamal-proxy-upgrade';

export interface ProxyUpgrade {
  /** false: the host already ran kamal-proxy without Traefik (an earlier upgrade). */
  switched: boolean;
  /** When the switch began and when kamal-proxy answered with every route (ms since the epoch), as seen by the worker. */
  window: { from: number; to: number } | null;
}

interface Target {
  role: RolePlan;
  name: string;
  network: string;
  address: string;
}

interface Running {
  role: RolePlan;
  /** Newest first. */
  containers: app.ContainerSummary[];
}

async function state(r: Remote, argv: string[]): Promise<string | null> {
  const res = await r.run(argv);
  return res.code === 0 ? res.stdout.trim() : null;
}

/**
 * The running containers of a role, newest first. Kamal 0.16 set no destination label without a
 * destination, so containers are matched on the label's value, absent or empty alike.
 */
async function runningOf(r: Remote, plan: Plan, role: string): Promise<app.ContainerSummary[]> {
  const all = app.parseContainerList(await r.ok(app.listContainers({ service: plan.service, allDestinations: true, role, statuses: ['running'] })));
  return all.filter((c) => c.destination === (plan.destination ?? ''));
}

/** Each of the host's roles with its running containers; a role with none has nothing to take over. */
async function runningOn(r: Remote, plan: Plan, host: string, roles: RolePlan[]): Promise<Running[]> {
  return Promise.all(
    roles
      .filter((role) => role.hosts.includes(host))
      .map(async (role) => {
        const containers = await runningOf(r, plan, role.name);
        if (!containers.length) {
          throw ApplicationFailure.nonRetryable(
            `${host} has no running ${role.name} container of ${plan.service} to take over. Fix: \`sextant deploy\` boots one (or leave the host out with -h)`,
            'NothingToUpgrade',
          );
        }
        return { role, containers };
      }),
  );
}

/** Joins the container to the kamal network where it runs (an accessory: no proxy routes to it). */
async function joinNetwork(r: Remote, container: string): Promise<void> {
  if (NETWORK in network.parseNetworks(await r.ok(network.networksOf(container)))) return;
  const res = await r.run(network.connect(container));
  if (res.code !== 0 && !/already exists/.test(res.stderr)) throw ApplicationFailure.retryable(`connecting ${container} to the ${NETWORK} network on ${r.host}: ${res.stderr.trim()}`);
}

/**
 * Where kamal-proxy reaches a Kamal-started container while Traefik still routes to it: its
 * address on a network it already runs on (the default bridge, as Kamal 1.x ran it). Joining it
 * to another network instead would let Traefik pick that address, which Traefik cannot reach.
 */
async function reachable(r: Remote, container: string): Promise<{ network: string; address: string }> {
  const nets = network.parseNetworks(await r.ok(network.networksOf(container)));
  const name = [NETWORK, 'bridge', ...Object.keys(nets).sort()].find((n) => n in nets);
  if (!name) throw ApplicationFailure.retryable(`${container} on ${r.host} has no network address`);
  return { network: name, address: nets[name]! };
}

/** Joins a proxy container to the networks of its targets (beside kamal, where it runs). */
async function joinTargets(r: Remote, proxyContainer: string, networks: string[]): Promise<void> {
  for (const n of networks.filter((x) => x !== NETWORK)) {
    const res = await r.run(network.connect(proxyContainer, n));
    if (res.code !== 0 && !/already exists/.test(res.stderr)) throw ApplicationFailure.retryable(`connecting ${proxyContainer} to the ${n} network on ${r.host}: ${res.stderr.trim()}`);
  }
}

export function createUpgradeActivities(deps: HostDeps) {
  const on = (plan: Plan, host: string) => remote(deps, plan, host);
  const hostSteps = createHostActivities(deps);

  const route = (plan: Plan, role: RolePlan, target: string, container: string): string[] => {
    const { appPort, ...flags } = role.proxy!;
    return proxy.deploy({ ...flags, container, service: proxyServiceName(scopeOf(plan, role.name)), target: `${target}:${appPort}`, deployTimeoutSeconds: plan.deployTimeout, drainTimeoutSeconds: plan.drainTimeout });
  };

  /** Routes every proxied role to its running container in a staging proxy; fails (Traefik untouched) when one does not pass the health check. */
  const stageRoutes = async (r: Remote, plan: Plan, targets: Target[]): Promise<void> => {
    await r.run(['docker', 'container', 'rm', '--force', STAGING_PROXY]);
    await r.ok(proxy.run({ ...plan.proxy, publish: false }, { name: STAGING_PROXY }));
    try {
      await joinTargets(r, STAGING_PROXY, targets.map((t) => t.network));
      await waitForProxy(r, STAGING_PROXY);
      for (const t of targets) {
        const res = await r.run(route(plan, t.role, t.address, STAGING_PROXY), { timeoutSeconds: plan.deployTimeout + 30 });
        if (res.code !== 0) {
          throw ApplicationFailure.nonRetryable(
            `kamal-proxy could not route ${t.role.name} to ${t.name} on ${r.host}: ${`${res.stderr}${res.stdout}`.trim()}. ` +
              `Traefik still serves the host; nothing was switched. Fix: check proxy.app_port and proxy.healthcheck against the running app`,
            'UpgradeRouteFailed',
          );
        }
      }
    } finally {
      await r.run(['docker', 'container', 'rm', '--force', STAGING_PROXY]);
    }
  };

  return {
    /** Replaces Traefik with kamal-proxy on the host, already routing the running version. */
    async upgradeProxy(plan: Plan, host: string): Promise<ProxyUpgrade> {
      const r = on(plan, host);
      const [traefikState, proxyInspect, proxyBy] = await Promise.all([state(r, traefik.inspect()), state(r, proxy.inspect()), state(r, proxy.startedBy())]);
      const proxyStatus = proxyInspect === null ? null : proxy.parseInspect(proxyInspect).status;
      if (traefikState !== 'running' && proxyStatus === 'running') {
        await r.run(traefik.removeContainers());
        await r.run(traefik.removeImages());
        return { switched: false, window: null };
      }
      const proxied = plan.roles.filter((role) => role.proxy);
      const running = await runningOn(r, plan, host, proxied);
      await ensureNetwork(r);
      const targets: Target[] = await Promise.all(running.map(async ({ role, containers: [newest] }) => ({ role, name: newest!.name, ...(await reachable(r, newest!.name)) })));
      await login(deps, r, plan);
      const image = proxy.proxyImage(plan.proxy.image);
      if ((await r.run(images.inspectImage(image))).code !== 0) await r.ok(images.pull(image), { timeoutSeconds: 600 });
      await stageRoutes(r, plan, targets);
      // The real proxy, labelled with this upgrade's ID: a retry reuses the one it made.
      if (proxyBy !== plan.deployId) {
        await r.run(proxy.removeContainer());
        await r.ok(proxy.run({ ...plan.proxy, options: { ...plan.proxy.options, label: `${DEPLOY_ID_LABEL}=${plan.deployId}` } }, { create: true }));
      }
      await joinTargets(r, PROXY_CONTAINER, targets.map((t) => t.network));
      const from = Date.now();
      const res = await r.run(traefik.switchToProxy());
      if (res.code !== 0) {
        const logs = await r.run(['docker', 'logs', '--tail', '20', PROXY_CONTAINER]);
        throw ApplicationFailure.nonRetryable(`kamal-proxy did not start on ${host}, so Traefik was started again: ${`${res.stderr}${logs.stdout}${logs.stderr}`.trim()}`, 'UpgradeSwitchFailed');
      }
      await waitForProxy(r);
      // The routes come back from the state volume; one that did not is routed now.
      const listed = new Set(proxy.parseList(await r.ok(proxy.list())).map((s) => s.service));
      for (const t of targets.filter((x) => !listed.has(proxyServiceName(scopeOf(plan, x.role.name))))) {
        await r.ok(route(plan, t.role, t.address, PROXY_CONTAINER), { timeoutSeconds: plan.deployTimeout + 30 });
      }
      const to = Date.now();
      await r.run(traefik.removeContainers());
      await r.run(traefik.removeImages());
      return { switched: true, window: { from, to } };
    },

    /**
     * Replaces each role's Kamal-started containers by one of the same version booted as a deploy
     * boots it (on the kamal network, Kamal 2's env file and labels), through the proxy's
     * health-checked switch; Kamal's are stopped (kept for rollback). Roles that run only
     * Sextant's containers are left alone.
     */
    async upgradeApp(plan: Plan, host: string): Promise<string[]> {
      const r = on(plan, host);
      const rebooted: string[] = [];
      for (const { role, containers } of await runningOn(r, plan, host, plan.roles)) {
        const kamal = containers.filter((c) => !c.deployId);
        if (!kamal.length) continue;
        const scope = scopeOf(plan, role.name);
        const version = versionFromName(scope, unreplacedName(kamal[0]!.name));
        if (!version) throw ApplicationFailure.nonRetryable(`cannot tell the version of ${kamal[0]!.name} on ${host} (expected ${plan.service}-${role.name}-VERSION)`, 'BadInput');
        const at = { ...plan, version };
        // Renamed aside here, not by the boot: a 0.16 container (no destination label) is invisible to it.
        const name = containerName(scope, version);
        const same = kamal.find((c) => c.name === name);
        if (same && !containers.some((c) => c.deployId === plan.deployId)) await r.ok(app.rename(name, replacedName(name, randomBytes(4).toString('hex'))));
        const boot = await hostSteps.bootContainer(at, host, role.name);
        try {
          if (role.proxy) await hostSteps.switchProxy(at, host, role.name, boot.container);
          else await waitHealthy(hostSteps, at, host, boot.container);
        } catch (err) {
          // Kamal's container still runs and, for the proxy, is still routed.
          await hostSteps.discardContainer(at, host, role.name, boot.container);
          throw err;
        }
        const stale = (await runningOf(r, plan, role.name)).filter((c) => !c.deployId);
        await Promise.all(stale.map((c) => r.ok(app.stop(c.name, role.stopTimeout), { timeoutSeconds: role.stopTimeout + 30 })));
        rebooted.push(boot.container);
      }
      return rebooted;
    },

    /** Joins a Kamal 1.x accessory to the kamal network where it runs, so apps reach it by name as under Kamal 2. */
    async upgradeAccessory(plan: Plan, host: string, acc: AccessoryPlan): Promise<boolean> {
      const r = on(plan, host);
      if (acc.network !== NETWORK || (await state(r, app.inspectContainer(acc.container))) === null) return false;
      await ensureNetwork(r);
      await joinNetwork(r, acc.container);
      return true;
    },
  };
}

/** Polls Docker's health (or running for readiness_delay) until deploy_timeout, as the deploy does for roles without the proxy. */
async function waitHealthy(steps: ReturnType<typeof createHostActivities>, plan: Plan, host: string, container: string): Promise<void> {
  const deadline = Date.now() + plan.deployTimeout * 1000;
  for (;;) {
    const probe = await steps.probeHealth(plan, host, container);
    if (probe.state === 'healthy') return;
    if (probe.state !== 'starting' || Date.now() > deadline) {
      throw ApplicationFailure.nonRetryable(`${container} on ${host} did not become healthy (${probe.state}); the old container still runs.\n${probe.logs}`, 'HealthCheckFailed');
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
}
