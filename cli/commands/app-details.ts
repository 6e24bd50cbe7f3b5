// `sextant app details`: the app's containers on every host, read straight over SSH.
import * as app from '../../commands/app';
import { readHosts } from '../host-reads';
import type { CommandContext } from '../registry';

export function appDetailsCommand(ctx: CommandContext): Promise<number> {
  return readHosts(ctx, async (host, { service, out, run }) => {
    const list = app.parseContainerList(await run(host, app.listContainers({ service: service.config.service, destination: service.destination ?? undefined })));
    if (ctx.flags.json) out.emit({ event: 'result', ok: true, message: host, data: { host, containers: list } });
    else if (list.length === 0) out.emit({ event: 'step', host, step: 'no containers', state: 'done' });
    for (const c of ctx.flags.json ? [] : list) out.emit({ event: 'step', host, step: c.name, state: 'done', detail: `${c.state}: ${c.status}  ${c.image}` });
  });
}
