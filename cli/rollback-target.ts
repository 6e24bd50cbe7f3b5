// A rollback needs the version's container on every host of each role it touches, as Kamal
// requires: checked over SSH before the workflow starts, so a pruned version changes nothing.
import * as app from '../commands/app';
import { containerName } from '../commands/naming';
import { roles } from '../config';
import { selectRoles } from '../plan/select';
import { SshPool } from '../ssh/pool';
import { knownHostsFile, sextantHome } from '../worker/home';
import { CliError, EXIT } from './exit-codes';
import type { Service } from './project';

export async function assertRollbackTarget(service: Service, env: NodeJS.ProcessEnv, version: string): Promise<void> {
  const scope = { service: service.config.service, destination: service.destination ?? undefined };
  const selected = selectRoles(roles(service.config), service.selection);
  const pool = new SshPool({ knownHostsFile: knownHostsFile(sextantHome(env)) });
  try {
    const missing = await Promise.all(
      service.hosts.map(async (h) => {
        const names = new Set(app.parseContainerList((await pool.execOrThrow(service.sshTarget(h), app.listContainers(scope))).stdout).map((c) => c.name));
        return selected.filter((r) => r.hosts.includes(h) && !names.has(containerName({ ...scope, role: r.name }, version))).map((r) => `${h} (${r.name})`);
      }),
    );
    const where = missing.flat();
    if (where.length === 0) return;
    throw new CliError(
      `version ${version} of ${scope.service} has no container on ${where.join(', ')}: it was pruned there, or never deployed. Nothing was changed. ` +
        'Fix: roll back to a version `sextant app details` shows on every host',
      EXIT.failed,
    );
  } finally {
    await pool.close();
  }
}
