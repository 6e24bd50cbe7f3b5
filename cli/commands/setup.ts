// `sextant setup`, with Kamal's meaning: Docker where it is missing (then the docker-setup hook)
// and every accessory booted, as one operation workflow; then the deploy workflow, with its hooks.
// Both run under the service's workflow ID, one after the other, so each is in history as what
// it is and a deploy's own machinery (attach, pause, abort, rollback on failure) is unchanged.
import { sextantHome } from '../../worker/home';
import { EXIT } from '../exit-codes';
import { noArguments, runOperation } from '../operation';
import { loadProject } from '../project';
import type { CommandContext } from '../registry';
import { bootPhase, everyAccessory } from './accessory';
import { checkBuilderUpFront } from './build';
import { deployCommand } from './deploy';
import { bootstrapPhase, serviceHosts } from './server';

export async function setupCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  // What the deploy would refuse (config, version, builder) is refused before any host changes.
  const deploy = (await loadProject(ctx, { kind: 'deploy' })).plan(sextantHome(ctx.env));
  if (deploy.build) await checkBuilderUpFront({ ...deploy, build: deploy.build }, ctx);
  const accessories = await everyAccessory(ctx);
  const prepared = await runOperation(ctx, {
    command: 'setup',
    phases: (plan) => [bootstrapPhase(serviceHosts(plan, accessories)), ...accessories.map(bootPhase)],
    success: `Docker is on every host${accessories.length ? `; booted ${accessories.map((a) => a.name).join(', ')} (where it had no container)` : ''}; deploying next`,
  });
  return prepared === EXIT.ok ? deployCommand(ctx) : prepared;
}
