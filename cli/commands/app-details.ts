// `sextant app details`: the app's containers on every host, read straight over SSH.
import * as app from '../../commands/app';
import { SshPool } from '../../ssh/pool';
import { knownHostsFile, sextantHome } from '../../worker/home';
import { outputOptionsFromEnv, Output } from '../output';
import { loadService } from '../project';
import type { CommandContext } from '../registry';
import { EXIT } from '../exit-codes';

export async function appDetailsCommand(ctx: CommandContext): Promise<number> {
  const { config, destination, hosts, sshTarget } = await loadService(ctx);
  const out = new Output(outputOptionsFromEnv(ctx.flags), hosts);
  const pool = new SshPool({ knownHostsFile: knownHostsFile(sextantHome(ctx.env)) });
  let code: number = EXIT.ok;
  try {
    await Promise.all(
      hosts.map(async (host) => {
        try {
          const stdout = await pool.execOrThrow(sshTarget(host), app.listContainers({ service: config.service, destination: destination ?? undefined }));
          const list = app.parseContainerList(stdout.stdout);
          if (ctx.flags.json) out.emit({ event: 'result', ok: true, message: host, data: { host, containers: list } });
          else if (list.length === 0) out.emit({ event: 'step', host, step: 'no containers', state: 'done' });
          for (const c of ctx.flags.json ? [] : list) out.emit({ event: 'step', host, step: c.name, state: 'done', detail: `${c.state}: ${c.status}  ${c.image}` });
        } catch (err) {
          code = EXIT.failed;
          out.emit({ event: 'step', host, step: 'ssh', state: 'failed', detail: err instanceof Error ? err.message : String(err) });
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return code;
}
