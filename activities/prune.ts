// Prune on a host: keep the newest `retain_containers` stopped containers of a role (so
// rollback to each works) and the images they use; remove the rest.
import * as prune from '../commands/prune';
import type { ContainerSummary } from '../commands/app';
import type { Plan } from '../plan/types';
import type { Remote } from './remote';

/** Kamal's `prune all | images | containers`. */
export type PruneWhat = 'all' | 'images' | 'containers';

export async function pruneRole(r: Remote, plan: Plan, containers: readonly ContainerSummary[], retain = plan.retainContainers, protect: readonly string[] = []): Promise<void> {
  const doomed = prune.selectContainersToPrune(containers, retain, protect);
  if (doomed.length) await r.ok(prune.removeContainers(doomed));
}

export async function pruneImages(r: Remote, plan: Plan): Promise<void> {
  const scope = { service: plan.service };
  const [imageList, containerList] = await Promise.all([r.ok(prune.listServiceImages(scope)), r.ok(prune.listServiceContainers(scope))]);
  const images = prune.parseImageList(imageList);
  const used = prune.parseContainerImages(containerList);
  const doomed = prune.selectImagesToRemove(images, used);
  if (doomed.length) await r.run(prune.removeImages(doomed));
  await r.ok(prune.pruneDanglingImages(scope));
}
