/**
 * The normalized view of roles: whichever way `servers:` was written, each role with its hosts,
 * its environment (top-level env merged with the role's), labels, docker options and proxy
 * settings (top-level proxy merged with the role's, or false when the role runs without proxy).
 *
 * As in Kamal 2: a plain list of servers is the role `web`; the primary role runs behind the
 * proxy unless it says `proxy: false`; other roles only when they say `proxy: true` or give
 * proxy settings.
 */
import type { Config, EnvConfig, ProxyConfig, RoleConfig, RoleOptions, RoleProxyConfig } from './schema';

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
  cmd?: string;
  env: RoleEnv;
  labels: Record<string, string>;
  options: RoleOptions;
  proxy: RoleProxy | false;
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

function mergeEnv(base: EnvConfig, over: EnvConfig | undefined): RoleEnv {
  const clear = new Map(Object.entries(base.clear));
  const secret = new Map(base.secret.map((s) => [parseSecretRef(s).name, parseSecretRef(s)]));
  if (over) {
    // The role's setting for a name wins, whether it is clear or secret.
    for (const [k, v] of Object.entries(over.clear)) {
      clear.set(k, v);
      secret.delete(k);
    }
    for (const s of over.secret.map(parseSecretRef)) {
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
  return { ...merged, ...rest, healthcheck: { ...merged.healthcheck, ...defined(healthcheck) } };
}

function roleProxy(config: Config, r: RoleConfig, primary: boolean): RoleProxy | false {
  const p = r.proxy;
  if (p === false) return false;
  if (p === undefined && !primary) return false;
  return mergeProxy(config.proxy, p === true || p === undefined ? undefined : p);
}

export function roles(config: Config): Role[] {
  return roleEntries(config).map(([name, r]) => {
    const primary = name === config.primary_role;
    const role: Role = {
      name,
      primary,
      hosts: r.hosts ?? [],
      env: mergeEnv(config.env, r.env),
      labels: { ...config.labels, ...(r.labels ?? {}) },
      options: r.options ?? {},
      proxy: roleProxy(config, r, primary),
    };
    if (r.cmd !== undefined) role.cmd = r.cmd;
    return role;
  });
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
