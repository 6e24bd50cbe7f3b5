/**
 * The normalized view of roles: whichever way `servers:` was written, each role with its hosts
 * (and their tags), its environment (top-level env merged with the role's), labels, docker
 * options, logging and proxy settings (top-level proxy merged with the role's, or false when
 * the role runs without proxy).
 *
 * As in Kamal 2: a plain list of servers is the role `web`; the primary role runs behind the
 * proxy unless it says `proxy: false`; other roles only when they say `proxy: true` or give
 * proxy settings. A Kamal 0.16 `healthcheck:` on a role fills that role's proxy settings.
 */
import { hostName, hostTags, type HostEntry } from './leaves';
import { proxyFromLegacy, type LegacyHealthcheck } from './legacy';
import type { Config, EnvBaseConfig, LoggingConfig, ProxyConfig, RoleConfig, RoleOptions, RoleProxyConfig } from './schema';

/** A secret passed to a container: env var `name` gets the value of secret `secret`. */
export interface SecretEnv {
  name: string;
  secret: string;
}

export interface RoleEnv {
  clear: Record<string, string>;
  secret: SecretEnv[];
}

/** Proxy settings of one role (the kamal-proxy `run` settings are host-wide: see config.proxy.run). */
export type RoleProxy = Omit<ProxyConfig, 'run'>;

export interface Role {
  name: string;
  primary: boolean;
  hosts: string[];
  /** Tags of the hosts that have any (`- 10.0.0.1: [gpu]`), host -> tags in the order written. */
  hostTags: Record<string, string[]>;
  cmd?: string;
  env: RoleEnv;
  labels: Record<string, string>;
  options: RoleOptions;
  logging: LoggingConfig;
  /** Role's stop_timeout, else the top-level one (or Kamal 0.16's stop_wait_time). */
  stopTimeout?: number;
  assetPath?: string;
  proxy: RoleProxy | false;
  /** A Kamal 0.16 health check (role's merged over the top-level one), for a Docker health check (`cmd`, `max_attempts`). */
  healthcheck?: LegacyHealthcheck;
}

/** `NAME` or `NAME:SECRET` (env var NAME gets the value of secret SECRET). */
export function parseSecretRef(ref: string): SecretEnv {
  const i = ref.indexOf(':');
  return i < 0 ? { name: ref, secret: ref } : { name: ref.slice(0, i), secret: ref.slice(i + 1) };
}

/** Role names and their raw settings, in the order they were written. */
export function roleEntries(config: Config): Array<[string, RoleConfig]> {
  const servers = config.servers;
  if (Array.isArray(servers)) return [['web', { hosts: servers }]];
  return Object.entries(servers).map(([name, r]) => [name, Array.isArray(r) ? { hosts: r } : r]);
}

/** Env `over` merged over `base`: a name set in `over` wins, whether it is clear or secret there. */
export function mergeEnv(base: RoleEnv | EnvBaseConfig, over: EnvBaseConfig | undefined): RoleEnv {
  const secrets = (list: Array<string | SecretEnv>) => list.map((s) => (typeof s === 'string' ? parseSecretRef(s) : s));
  const clear = new Map(Object.entries(base.clear));
  const secret = new Map(secrets(base.secret).map((s) => [s.name, s]));
  if (over) {
    for (const [k, v] of Object.entries(over.clear)) {
      clear.set(k, v);
      secret.delete(k);
    }
    for (const s of secrets(over.secret)) {
      secret.set(s.name, s);
      clear.delete(s.name);
    }
  }
  return { clear: Object.fromEntries(clear), secret: [...secret.values()] };
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Role proxy settings over the top-level ones; a role's host or hosts replaces both of the top level's. */
export function mergeProxy(global: ProxyConfig, role: RoleProxyConfig | undefined): RoleProxy {
  const { run: _run, ...base } = global;
  const merged: RoleProxy = { ...base, healthcheck: { ...base.healthcheck } };
  if (!role) return merged;
  const { healthcheck, ...rest } = defined(role);
  if (rest.host !== undefined || rest.hosts !== undefined) {
    delete merged.host;
    delete merged.hosts;
  }
  if (rest.path_prefix !== undefined || rest.path_prefixes !== undefined) {
    delete merged.path_prefix;
    delete merged.path_prefixes;
  }
  // A role that sets ssl chooses its own certificate source (or none).
  if (rest.ssl !== undefined) delete merged.ssl_certificate;
  return { ...merged, ...rest, healthcheck: { ...merged.healthcheck, ...defined(healthcheck) } } as RoleProxy;
}

function roleProxy(config: Config, r: RoleConfig, primary: boolean, hc: LegacyHealthcheck | undefined): RoleProxy | false {
  const p = r.proxy;
  if (p === false) return false;
  if (p === undefined && !primary) return false;
  const merged = mergeProxy(config.proxy, p === true || p === undefined ? undefined : p);
  // The top-level 0.16 health check is already in config.proxy (see legacy.ts); a role's own
  // adds to it, below the role's explicit proxy settings.
  return r.healthcheck && hc ? proxyFromLegacy(merged, hc, p) : merged;
}

function mergeLogging(base: LoggingConfig, over: LoggingConfig | undefined): LoggingConfig {
  if (!over) return base;
  const out: LoggingConfig = { ...base, ...defined(over) };
  if (base.options || over.options) out.options = { ...base.options, ...over.options };
  return out;
}

function tagsOf(entries: HostEntry[]): Record<string, string[]> {
  return Object.fromEntries(entries.filter((e) => hostTags(e).length > 0).map((e) => [hostName(e), hostTags(e)]));
}

export function roles(config: Config): Role[] {
  return roleEntries(config).map(([name, r]) => {
    const primary = name === config.primary_role;
    const entries = r.hosts ?? [];
    const hc = r.healthcheck || config.healthcheck ? { ...config.healthcheck, ...defined(r.healthcheck) } : undefined;
    const role: Role = {
      name,
      primary,
      hosts: entries.map(hostName),
      hostTags: tagsOf(entries),
      env: mergeEnv(config.env, r.env),
      labels: { ...config.labels, ...(r.labels ?? {}) },
      options: r.options ?? {},
      logging: mergeLogging(config.logging, r.logging),
      proxy: roleProxy(config, r, primary, hc),
    };
    if (r.cmd !== undefined) role.cmd = r.cmd;
    const stop = r.stop_timeout ?? config.stop_timeout;
    if (stop !== undefined) role.stopTimeout = stop;
    const asset = r.asset_path ?? config.asset_path;
    if (asset !== undefined) role.assetPath = asset;
    if (hc !== undefined) role.healthcheck = hc;
    return role;
  });
}

/**
 * The env of one host of a role: the role env with the env of each of the host's tags merged
 * over it, in the order the tags appear in env.tags (as Kamal applies them).
 */
export function hostEnv(config: Config, role: Role, host: string): RoleEnv {
  const tags = role.hostTags[host] ?? [];
  let env = role.env;
  for (const [tag, tagEnv] of Object.entries(config.env.tags)) if (tags.includes(tag)) env = mergeEnv(env, tagEnv);
  return env;
}

export function findRole(config: Config, name: string): Role | undefined {
  return roles(config).find((r) => r.name === name);
}

/** The primary role (loadConfig guarantees it exists and has hosts). */
export function primaryRole(config: Config): Role {
  const r = findRole(config, config.primary_role);
  if (!r) throw new Error(`primary role ${config.primary_role} is not defined`);
  return r;
}

/** Every host of every role, each once, in the order written. */
export function allHosts(config: Config): string[] {
  return [...new Set(roles(config).flatMap((r) => r.hosts))];
}
