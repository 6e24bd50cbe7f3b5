// Config + secrets + command options → the plan a workflow runs. Secrets are sealed here, the
// last moment they exist in the clear on the deploying machine before the plan leaves it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { credentialValue, roles, type Config } from '../config';
import { imageRepository } from '../commands/naming';
import type { ProxyRunParams } from '../commands/proxy';
import type { RoleProxy } from '../config/roles';
import { anyDeployHook } from './hooks';
import { sealMap, sealValue } from './seal';
import { selectRoles, type Selection } from './select';
import type { BuildPlan, Plan, ProxyRoute, RolePlan } from './types';

export interface PlanOptions {
  config: Config;
  secrets: Readonly<Record<string, string>>;
  destination: string | null;
  kind: Plan['kind'];
  version: string;
  sealKey: Buffer;
  cwd: string;
  localQueue: string;
  skipPush: boolean;
  skipHooks: boolean;
  command: string;
  /** -h/-r/-p: only these roles and hosts. */
  selection?: Selection;
  now?: Date;
}

/** A deploy ID: time-ordered, unique, short enough for labels and lock details. */
export function newDeployId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

/** Who deploys, as Kamal records it: git's user.email, else the login name. */
export function performer(cwd = process.cwd()): string {
  try {
    const email = execFileSync('git', ['config', 'user.email'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (email) return email;
  } catch {
    // no git, or no user.email
  }
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

function proxyRoute(p: RoleProxy): ProxyRoute {
  return {
    appPort: p.app_port,
    hosts: p.hosts ?? (p.host ? [p.host] : undefined),
    tls: p.ssl,
    healthCheck: { path: p.healthcheck.path, intervalSeconds: p.healthcheck.interval, timeoutSeconds: p.healthcheck.timeout },
    targetTimeoutSeconds: p.response_timeout,
  };
}

export function proxyRun(config: Config): ProxyRunParams {
  const run = config.proxy.run;
  return { image: { registry: run.registry, repository: run.repository, version: run.version }, httpPort: run.http_port, httpsPort: run.https_port };
}

/** The builder settings of the plan; build secrets sealed like every other secret. */
export function buildSettings(config: Config, secrets: Readonly<Record<string, string>>, sealKey: Buffer): BuildPlan {
  const { context, secrets: names, local: _local, ...rest } = config.builder;
  return {
    ...rest,
    context: context ?? '.',
    secrets: sealMap(sealKey, Object.fromEntries(names.map((n) => [n, secrets[n] ?? '']))),
  };
}

export function buildPlan(o: PlanOptions): Plan {
  const { config, secrets, sealKey } = o;
  const now = o.now ?? new Date();
  const registryPassword = credentialValue(config.registry?.password, secrets);
  const registryUser = credentialValue(config.registry?.username, secrets);
  const rolePlans: RolePlan[] = selectRoles(roles(config), o.selection ?? {}).map((r) => ({
    name: r.name,
    primary: r.primary,
    hosts: r.hosts,
    cmd: r.cmd ?? null,
    env: {
      clear: r.env.clear,
      secret: sealMap(sealKey, Object.fromEntries(r.env.secret.map((s) => [s.name, secrets[s.secret] ?? '']))),
    },
    labels: r.labels,
    // Lists of docker options repeat the flag; each item is passed as text.
    options: Object.fromEntries(Object.entries(r.options).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : v])),
    logging: {},
    volumes: config.volumes,
    stopTimeout: config.stop_timeout ?? 10,
    proxy: r.proxy ? proxyRoute(r.proxy) : null,
  }));
  // The primary role boots first: the others wait until it is healthy.
  rolePlans.sort((a, b) => Number(b.primary) - Number(a.primary));
  return {
    kind: o.kind,
    deployId: newDeployId(now),
    service: config.service,
    destination: o.destination,
    version: o.version,
    image: imageRepository({ image: config.image, registryServer: config.registry?.server }),
    registry:
      config.registry && registryUser !== undefined && registryPassword !== undefined
        ? { server: config.registry.server ?? 'docker.io', username: registryUser, password: sealValue(sealKey, registryPassword) }
        : null,
    proxy: proxyRun(config),
    roles: rolePlans,
    ssh: { user: config.ssh.user, port: config.ssh.port, keys: config.ssh.keys ?? [] },
    boot: config.boot,
    retainContainers: config.retain_containers,
    deployTimeout: config.deploy_timeout,
    drainTimeout: config.drain_timeout,
    readinessDelay: config.readiness_delay,
    build:
      o.kind === 'deploy' && !o.skipPush
        ? buildSettings(config, secrets, sealKey)
        : null,
    source: {
      queue: o.localQueue,
      cwd: o.cwd,
      performer: performer(o.cwd),
      hooksPath: config.hooks_path,
      skipHooks: o.skipHooks,
      anyHook: !o.skipHooks && anyDeployHook({ cwd: o.cwd, hooksPath: config.hooks_path }),
      command: o.command,
    },
    startedAt: now.toISOString(),
  };
}
