/**
 * Checks that need the whole (parsed, defaulted) config rather than one key: the primary role
 * exists and has hosts, no role is empty, role names are usable in container names, and
 * automatic HTTPS has what it needs once role and top-level proxy settings are merged, and
 * accessories placed by role or tag name roles and tags that exist.
 */
import type { Config } from './schema';
import type { PathProblem } from './issues';
import { roleEntries, roles } from './roles';

const ROLE_NAME = /^[A-Za-z0-9_-]+$/;

function has(raw: unknown, key: string): boolean {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.prototype.hasOwnProperty.call(raw, key);
}

export function semanticProblems(config: Config, raw: Record<string, unknown>): PathProblem[] {
  const out: PathProblem[] = [];
  const listForm = Array.isArray(config.servers);
  const rawServers = raw.servers as Record<string, unknown>;
  const rolePath = (name: string) => (listForm ? ['servers'] : ['servers', name]);
  const hostsPath = (name: string) =>
    listForm ? ['servers'] : has(rawServers[name], 'hosts') ? ['servers', name, 'hosts'] : ['servers', name];

  const entries = roleEntries(config);
  const names = entries.map(([n]) => n);

  for (const name of names) {
    if (!ROLE_NAME.test(name)) {
      out.push({
        path: ['servers', name],
        message:
          'a role name may only use letters, digits, hyphens and underscores (it is part of container names). Fix: rename the role',
      });
    }
  }

  const primary = config.primary_role;
  if (names.length === 0) {
    out.push({
      path: ['servers'],
      message: 'no roles are defined. Fix: list the hosts, e.g. servers: [10.0.0.1], or roles with hosts, e.g. servers: { web: [10.0.0.1] }',
    });
  } else if (!names.includes(primary)) {
    const path = has(raw, 'primary_role') ? ['primary_role'] : ['servers'];
    const message = listForm
      ? `the primary role ${primary} is not defined: a plain list of servers is the role web. ` +
        `Fix: remove primary_role, or write servers as a map with a ${primary} role`
      : `the primary role ${primary} is not defined. Fix: ` +
        (has(raw, 'primary_role')
          ? `set primary_role to one of: ${names.join(', ')}`
          : `add a ${primary} role under servers, or set primary_role to one of: ${names.join(', ')}`);
    out.push({ path, message });
  }

  for (const role of roles(config)) {
    if (role.hosts.length === 0 && (role.primary || !config.allow_empty_roles)) {
      const why = role.primary ? 'the primary role needs at least one host' : 'every role needs at least one host';
      const fix = role.primary
        ? `list its hosts, e.g. hosts: [10.0.0.1]`
        : `list its hosts, e.g. hosts: [10.0.0.1], remove the role, or set allow_empty_roles: true`;
      out.push({ path: hostsPath(role.name), message: `role ${role.name} has no hosts; ${why}. Fix: ${fix}` });
    }
    const proxy = role.proxy;
    if (proxy && proxy.ssl) {
      // Own certificates (ssl_certificate) may be installed on any number of hosts.
      const automatic = proxy.ssl_certificate === undefined;
      if (proxy.host === undefined && (proxy.hosts === undefined || proxy.hosts.length === 0)) {
        out.push({
          path: [...rolePath(role.name), 'proxy'],
          message: `role ${role.name} uses automatic HTTPS (ssl: true) without a host name. Fix: set proxy.host`,
        });
      }
      if (automatic && role.hosts.length > 1) {
        out.push({
          path: hostsPath(role.name),
          message:
            `automatic HTTPS (ssl: true) works with a single host per role, but role ${role.name} has ${role.hosts.length}. ` +
            'Fix: use one host, or terminate TLS in a load balancer in front and set ssl: false',
        });
      }
    }
  }
  out.push(...accessoryProblems(config, names));
  return out;
}

/** Accessories placed by roles or tags must name roles and tags that exist. */
function accessoryProblems(config: Config, roleNames: string[]): PathProblem[] {
  const out: PathProblem[] = [];
  const tags = new Set(roles(config).flatMap((r) => Object.values(r.hostTags).flat()));
  for (const [name, a] of Object.entries(config.accessories)) {
    (a.roles ?? []).forEach((role, i) => {
      if (!roleNames.includes(role)) {
        out.push({
          path: ['accessories', name, 'roles', i],
          message: `role ${role} is not defined under servers. Fix: use one of: ${roleNames.join(', ')}`,
        });
      }
    });
    (a.tags ?? []).forEach((tag, i) => {
      if (!tags.has(tag)) {
        out.push({
          path: ['accessories', name, 'tags', i],
          message: `no host carries the tag ${tag}. Fix: tag a host under servers, e.g. - 10.0.0.1: [${tag}], or use hosts:`,
        });
      }
    });
  }
  return out;
}
