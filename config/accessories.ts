// Where an accessory runs, as Kamal reads it: its `host`, `hosts`, the hosts of its `roles`, or
// every host tagged with one of its `tags` (config/checks.ts already refused unknown roles and tags).
import { hostName } from './leaves';
import { roles } from './roles';
import type { AccessoryConfig, Config } from './schema';

export function accessoryHosts(config: Config, a: AccessoryConfig): string[] {
  if (a.host !== undefined) return [a.host];
  if (a.hosts !== undefined) return a.hosts.map(hostName);
  const all = roles(config);
  if (a.roles !== undefined) return [...new Set(all.filter((r) => a.roles!.includes(r.name)).flatMap((r) => r.hosts))];
  const tagged = all.flatMap((r) => Object.entries(r.hostTags)).filter(([, tags]) => tags.some((t) => a.tags?.includes(t)));
  return [...new Set(tagged.map(([h]) => h))];
}
