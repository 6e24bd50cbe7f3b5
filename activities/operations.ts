// Host steps of the operation workflow (workflows/operation.ts): the `app`, `proxy`, `registry`
// and `server` commands that change hosts. Each looks first and acts only where needed, so a
// retried step changes nothing more; each works on the plan's roles (already cut by -h/-r/-p).
import { ApplicationFailure } from '@temporalio/activity';
import * as app from '../commands/app';
import * as files from '../commands/files';
import { DEPLOY_ID_LABEL, PROXY_CONTAINER, PROXY_DIRECTORY, appDirectory, auditLogFile, containerName, proxyServiceName } from '../commands/naming';
import * as prune from '../commands/prune';
import * as proxy from '../commands/proxy';
import * as registry from '../commands/registry';
import * as server from '../commands/server';
import type { Plan, RolePlan } from '../plan/types';
import { createHostActivities, login, scopeOf } from './host';
import { remote, type HostDeps, type Remote } from './remote';

/** The roles of the plan that run on `host`. */
function rolesOn(plan: Plan, host: string): RolePlan[] {
  return plan.roles.filter((r) => r.hosts.includes(host));
}

async function containersOf(r: Remote, plan: Plan, role: string): Promise<app.ContainerSummary[]> {
  return app.parseContainerList(await r.ok(app.listContainers(scopeOf(plan, role))));
}

/** The proxied roles' kamal-proxy services on a host, as `kamal-proxy list` shows them. */
async function proxyServices(r: Remote): Promise<proxy.ProxyServiceEntry[]> {
  const res = await r.run(proxy.list());
  return res.code === 0 ? proxy.parseList(res.stdout) : [];
}

/** Stops `pick(running containers of the role, newest first)` for each role on the host; returns their names. */
async function stopEach(r: Remote, plan: Plan, host: string, pick: (running: app.ContainerSummary[]) => app.ContainerSummary[]): Promise<string[]> {
  const stopped: string[] = [];
  for (const role of rolesOn(plan, host)) {
    for (const c of pick((await containersOf(r, plan, role.name)).filter((x) => x.state === 'running'))) {
      await r.ok(app.stop(c.name, role.stopTimeout), { timeoutSeconds: role.stopTimeout + 30 });
      stopped.push(c.name);
    }
  }
  return stopped;
}

async function removeProxyFrom(r: Remote, plan: Plan): Promise<void> {
  await r.ok(proxy.removeContainer());
  await r.run(proxy.removeImage(proxy.proxyImage(plan.proxy.image)));
  await r.ok(files.removeTree(PROXY_DIRECTORY));
}

/** Waits for a just-started proxy container: `kamal-proxy list` answers once it listens on its socket (and has loaded its routes). */
export async function waitForProxy(r: Remote, container = PROXY_CONTAINER): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await r.run(proxy.list(container))).code === 0) return;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw ApplicationFailure.retryable(`${container} on ${r.host} did not answer within 30s of starting`, 'ProxyNotAnswering');
}

export interface MaintenanceOptions {
  drainTimeoutSeconds?: number;
  message?: string;
}

export interface StartOptions {
  /** Start this version's container; null = the newest container of each role. */
  version: string | null;
}

export function createOperationActivities(deps: HostDeps) {
  const on = (plan: Plan, host: string) => remote(deps, plan, host);
  const hostSteps = createHostActivities(deps);

  return {
    /** Starts each role's container (the newest, or --version's) and routes the proxy to it again. */
    async appStart(plan: Plan, host: string, options: StartOptions): Promise<string[]> {
      const r = on(plan, host);
      const started: string[] = [];
      for (const role of rolesOn(plan, host)) {
        const all = await containersOf(r, plan, role.name);
        const pick = options.version ? all.find((c) => c.name === containerName(scopeOf(plan, role.name), options.version!)) : all[0];
        if (!pick) {
          throw ApplicationFailure.nonRetryable(
            `${host} has no ${role.name} container${options.version ? ` of version ${options.version}` : ''} to start. Fix: \`sextant deploy\` (or \`sextant app boot\`) boots one`,
            'NothingToStart',
          );
        }
        if (pick.state !== 'running') await r.ok(app.start(pick.name));
        if (role.proxy) await hostSteps.switchProxy(plan, host, role.name, pick.name);
        started.push(pick.name);
      }
      return started;
    },

    /** Stops every running container of the roles (the proxy answers 502 for them until started). */
    async appStop(plan: Plan, host: string): Promise<string[]> {
      return stopEach(on(plan, host), plan, host, (running) => running);
    },

    /** Stops running containers of a role other than its newest one (left over by an interrupted deploy). */
    async stopStaleContainers(plan: Plan, host: string): Promise<string[]> {
      return stopEach(on(plan, host), plan, host, ([, ...stale]) => stale);
    },

    /** The roles' proxy routes, containers and their env files; with every role of the host gone, its images too. */
    async appRemove(plan: Plan, host: string): Promise<void> {
      const r = on(plan, host);
      const routes = new Set((await proxyServices(r)).map((s) => s.service));
      for (const role of rolesOn(plan, host)) {
        const service = proxyServiceName(scopeOf(plan, role.name));
        if (role.proxy && routes.has(service)) await r.ok(proxy.remove(service));
        const names = (await containersOf(r, plan, role.name)).map((c) => c.name);
        for (const name of names) await r.ok(app.forceRemove(name), { timeoutSeconds: role.stopTimeout + 30 });
      }
      // Images and the app directory are shared by the roles: only when none of the service is left here.
      const left = app.parseContainerList(await r.ok(app.listContainers({ service: plan.service, destination: plan.destination ?? undefined })));
      if (left.length > 0) return;
      await r.ok(files.removeTree(appDirectory({ service: plan.service, destination: plan.destination ?? undefined })));
      const used = prune.parseServiceContainers(await r.ok(prune.listServiceContainers({ service: plan.service }))).map((c) => c.image);
      const doomed = prune.parseImageList(await r.ok(prune.listServiceImages({ service: plan.service })))
        .map((i) => `${i.repository}:${i.tag}`)
        .filter((ref) => ref.startsWith(`${plan.image}:`) && !used.includes(ref));
      if (doomed.length) await r.ok(prune.removeImages(doomed));
    },

    /** kamal-proxy answers the roles' requests with 503 (and `message`) instead of forwarding them. */
    async appMaintenance(plan: Plan, host: string, options: MaintenanceOptions): Promise<void> {
      const r = on(plan, host);
      const routes = new Set((await proxyServices(r)).map((s) => s.service));
      for (const role of rolesOn(plan, host).filter((x) => x.proxy)) {
        const service = proxyServiceName(scopeOf(plan, role.name));
        if (!routes.has(service)) throw ApplicationFailure.nonRetryable(`kamal-proxy on ${host} has no route ${service}. Fix: deploy first`, 'NoRoute');
        await r.ok(proxy.stop(service, options), { timeoutSeconds: (options.drainTimeoutSeconds ?? 30) + 30 });
      }
    },

    /** Ends maintenance: kamal-proxy forwards to the roles' containers again. */
    async appLive(plan: Plan, host: string): Promise<void> {
      const r = on(plan, host);
      const routes = new Map((await proxyServices(r)).map((s) => [s.service, s.state]));
      for (const role of rolesOn(plan, host).filter((x) => x.proxy)) {
        const service = proxyServiceName(scopeOf(plan, role.name));
        if (routes.has(service) && routes.get(service) !== 'running') await r.ok(proxy.resume(service));
      }
    },

    /**
     * A new kamal-proxy container from the configured image; its routes come back from its state
     * volume. The container is labelled with the operation's ID, so a retry after the reboot
     * finds it done instead of taking the host down again.
     */
    async rebootProxy(plan: Plan, host: string): Promise<void> {
      const r = on(plan, host);
      const by = await r.run(proxy.startedBy());
      if (by.code !== 0 || by.stdout.trim() !== plan.deployId) {
        await r.ok(proxy.removeContainer());
        const label = `${DEPLOY_ID_LABEL}=${plan.deployId}`;
        await hostSteps.ensureProxy({ ...plan, proxy: { ...plan.proxy, options: { ...plan.proxy.options, label } } }, host);
      }
      await waitForProxy(r);
    },

    async startProxy(plan: Plan, host: string): Promise<void> {
      const r = on(plan, host);
      await r.ok(proxy.start());
      await waitForProxy(r);
    },

    async stopProxy(plan: Plan, host: string): Promise<void> {
      const r = on(plan, host);
      const state = await r.run(proxy.inspect());
      if (state.code === 0 && proxy.parseInspect(state.stdout).status === 'running') await r.ok(proxy.stopContainer(), { timeoutSeconds: 60 });
    },

    /** The proxy container, its image and its files under .kamal/proxy. */
    async removeProxy(plan: Plan, host: string): Promise<void> {
      await removeProxyFrom(on(plan, host), plan);
    },

    /** Removes kamal-proxy unless another service still has a route through it. */
    async removeProxyIfUnused(plan: Plan, host: string): Promise<boolean> {
      const r = on(plan, host);
      if ((await r.run(proxy.inspect())).code !== 0) return false;
      if ((await proxyServices(r)).length > 0) return false;
      await removeProxyFrom(r, plan);
      return true;
    },

    /** The service's files under .kamal: its app directory and audit log (the lock goes when the workflow releases it). */
    async removeServiceFiles(plan: Plan, host: string): Promise<void> {
      const r = on(plan, host);
      const scope = { service: plan.service, destination: plan.destination ?? undefined };
      await r.ok(files.removeTree(appDirectory(scope)));
      await r.ok(files.removeFile(auditLogFile(scope)));
    },

    async registryLogin(plan: Plan, host: string): Promise<void> {
      if (!plan.registry) throw ApplicationFailure.nonRetryable('the configuration has no registry: to log in to. Fix: add registry.server, username and password', 'BadInput');
      await login(deps, on(plan, host), plan);
    },

    async registryLogout(plan: Plan, host: string): Promise<void> {
      await on(plan, host).ok(registry.logout(plan.registry?.server));
    },

    /** Installs Docker where it is missing (as root, with Docker's install script); a no-op where it is there. */
    async bootstrapDocker(plan: Plan, host: string): Promise<boolean> {
      const r = on(plan, host);
      if ((await r.run(server.findDocker())).code === 0) return false;
      if ((await r.ok(server.userId())).trim() !== '0') {
        throw ApplicationFailure.nonRetryable(`Docker is missing on ${host} and ${plan.ssh.user} is not root, so it cannot be installed. Fix: install Docker there by hand`, 'DockerMissing');
      }
      const res = await r.run(server.installDocker(), { timeoutSeconds: 900 });
      if (res.code !== 0) throw ApplicationFailure.nonRetryable(`installing Docker on ${host} failed: ${`${res.stderr}${res.stdout}`.trim().slice(-2000)}`, 'DockerInstallFailed');
      return true;
    },
  };
}
