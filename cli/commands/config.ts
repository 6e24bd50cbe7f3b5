// `sextant config`: the configuration as Sextant resolved it (destination merged, ERB evaluated,
// defaults filled in), secrets redacted, plus what it derives from it. Touches no host.
import { stringify } from 'yaml';
import { redactedConfig, resolveConfigSecrets, roles } from '../../config';
import { imageRepository } from '../../commands/naming';
import { selectRoles } from '../../plan/select';
import { appVersion } from '../app-version';
import { EXIT } from '../exit-codes';
import { loadService } from '../project';
import type { CommandContext } from '../registry';

export async function configCommand(ctx: CommandContext): Promise<number> {
  const service = await loadService(ctx);
  const { config, destination } = service;
  const secrets = resolveConfigSecrets({ config, files: [], destination: destination ?? undefined }, { cwd: ctx.cwd, env: ctx.env });
  const selected = selectRoles(roles(config), service.selection);
  const version = appVersion(ctx.cwd, typeof ctx.flags.version === 'string' ? ctx.flags.version : undefined);
  const repository = imageRepository({ image: config.image, registryServer: config.registry?.server });
  const resolved = {
    service: config.service,
    destination,
    version,
    image: `${repository}:${version}`,
    primary_host: selected.find((r) => r.primary)?.hosts[0] ?? service.hosts[0] ?? null,
    roles: Object.fromEntries(selected.map((r) => [r.name, r.hosts])),
    hosts: service.hosts,
    config: redactedConfig(config, secrets),
  };
  // lineWidth 0: yaml 2.9 folds long double-quoted lines between the halves of a surrogate pair
  // (an emoji), printing two U+FFFD instead.
  process.stdout.write(ctx.flags.json ? JSON.stringify(resolved) + '\n' : stringify(resolved, { lineWidth: 0 }));
  return EXIT.ok;
}
