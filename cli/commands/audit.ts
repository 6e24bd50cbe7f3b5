// `sextant audit`: the last 50 lines of each host's audit log (Kamal's `kamal audit`), read
// straight over SSH, so it works with no worker and no Temporal.
import { readAudit } from '../../commands/audit';
import { auditLogFile } from '../../commands/naming';
import { SshPool } from '../../ssh/pool';
import { knownHostsFile, sextantHome } from '../../worker/home';
import { UsageError } from '../args';
import { EXIT } from '../exit-codes';
import { outputOptionsFromEnv, Output } from '../output';
import { loadService } from '../project';
import type { CommandContext } from '../registry';

export async function auditCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  const { config, destination, hosts, sshTarget } = await loadService(ctx);
  const scope = { service: config.service, destination: destination ?? undefined };
  const out = new Output(outputOptionsFromEnv(ctx.flags), hosts);
  const pool = new SshPool({ knownHostsFile: knownHostsFile(sextantHome(ctx.env)) });
  try {
    // Read in parallel, print host by host, so one host's lines stay together.
    const results = await Promise.all(
      hosts.map((h) =>
        pool.exec(sshTarget(h), readAudit(scope), { timeoutSeconds: 60 }).then(
          (r) => r,
          (err: unknown) => new Error(err instanceof Error ? err.message : String(err)),
        ),
      ),
    );
    let code: number = EXIT.ok;
    for (const [i, host] of hosts.entries()) {
      const r = results[i]!;
      if (r instanceof Error) {
        code = EXIT.failed;
        out.emit({ event: 'step', host, step: 'read audit log', state: 'failed', detail: r.message });
      } else if (r.code !== 0) {
        const missing = /No such file/i.test(r.stderr);
        if (!missing) code = EXIT.failed;
        out.emit({ event: 'step', host, step: missing ? `no audit log yet (${auditLogFile(scope)})` : 'read audit log', state: missing ? 'done' : 'failed', detail: missing ? undefined : r.stderr.trim() });
      } else {
        for (const line of r.stdout.split('\n').filter(Boolean)) out.emit({ event: 'line', host, line });
      }
    }
    return code;
  } finally {
    await pool.close();
  }
}
