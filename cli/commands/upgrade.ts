// `sextant upgrade`: hosts Kamal 0.16 or 1.x deployed last (Traefik in front, containers on the
// default bridge) become Kamal 2 hosts (kamal-proxy, the kamal network) without a gap longer than
// the switch itself: per host, kamal-proxy takes over port 80 already routing the running
// version (activities/upgrade.ts), then the app is rebooted through it as a deploy boots it.
// Accessories join the kamal network where they run (Kamal reboots them; nothing needs that).
import { planHosts, type Plan } from '../../plan/types';
import type { OperationPhase } from '../../workflows/operation';
import { noArguments, proxyHosts, runOperation } from '../operation';
import type { CommandContext } from '../registry';
import { everyAccessory, upgradePhase } from './accessory';

export async function upgradeCommand(ctx: CommandContext): Promise<number> {
  noArguments(ctx);
  const rolling = ctx.flags.rolling === true;
  const accessories = await everyAccessory(ctx);
  const hostPhases = (plan: Plan, hosts: string[]): OperationPhase[] => [
    {
      step: 'upgradeProxy',
      hosts: hosts.filter((h) => proxyHosts(plan).includes(h)),
      audit: 'Upgraded proxy: Traefik replaced by kamal-proxy',
      hooks: { pre: 'pre-proxy-reboot', post: 'post-proxy-reboot' },
    },
    { step: 'upgradeApp', hosts, audit: 'Rebooted app on the kamal network' },
  ];
  return runOperation(ctx, {
    command: 'upgrade',
    phases: (plan) => [
      ...(rolling ? planHosts(plan).map((h) => [h]) : [planHosts(plan)]).flatMap((hosts) => hostPhases(plan, hosts)),
      ...accessories.map(upgradePhase),
    ],
    success: 'Upgraded: kamal-proxy routes every host, Traefik is gone',
    confirm: `This replaces Traefik with kamal-proxy ${rolling ? 'one host at a time' : 'on every host at once'}: each host stops answering for the moment of the switch.`,
  });
}
