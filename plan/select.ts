// -h/--hosts, -r/--roles and -p/--primary: which roles and hosts a command touches, with Kamal's
// meaning (comma lists, `*` wildcards; roles keep only their selected hosts; empty roles drop).
export interface Selection {
  hosts?: string[];
  roles?: string[];
  primary?: boolean;
}

export class SelectionError extends Error {
  override name = 'SelectionError';
}

/** "web-*,10.0.0.1" → matchers; `*` matches any run of characters, nothing else is special. */
export function patterns(list: readonly string[]): RegExp[] {
  return list.map((p) => new RegExp(`^${p.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
}

const matches = (res: RegExp[], value: string) => res.some((re) => re.test(value));

export function isEmptySelection(s: Selection): boolean {
  return !s.hosts?.length && !s.roles?.length && !s.primary;
}

export function selectRoles<R extends { name: string; primary: boolean; hosts: string[] }>(all: readonly R[], s: Selection): R[] {
  if (isEmptySelection(s)) return [...all];
  let picked = [...all];
  if (s.roles?.length) {
    const res = patterns(s.roles);
    picked = picked.filter((r) => matches(res, r.name));
    if (picked.length === 0) throw new SelectionError(`no role matches --roles ${s.roles.join(',')}; the roles are ${all.map((r) => r.name).join(', ')}`);
  }
  if (s.hosts?.length) {
    const res = patterns(s.hosts);
    picked = picked.map((r) => ({ ...r, hosts: r.hosts.filter((h) => matches(res, h)) }));
    if (picked.every((r) => r.hosts.length === 0)) {
      const hosts = [...new Set(picked.flatMap((r) => all.find((a) => a.name === r.name)!.hosts))];
      throw new SelectionError(`no host matches --hosts ${s.hosts.join(',')}${s.roles?.length ? ' in the selected roles' : ''}; the hosts are ${hosts.join(', ')}`);
    }
  }
  if (s.primary) {
    const primary = (picked.find((r) => r.primary) ?? picked.find((r) => r.hosts.length))!;
    const host = primary.hosts[0];
    if (!host) throw new SelectionError(`--primary: the ${primary.name} role has no host in the selection`);
    picked = picked.map((r) => ({ ...r, hosts: r.hosts.filter((h) => h === host) }));
  }
  return picked.filter((r) => r.hosts.length > 0);
}
