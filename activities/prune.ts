// Prune on a host: keep the newest `retain_containers` stopped containers of a role (so
// rollback to each works) and the images they use; remove the rest.
import * as prune from '../commands/prune';
import type { ContainerSummary } from '../commands/app';
import type { Plan } from '../plan/types';
import type { Remote } from './remote';

/** Kamal's `prune all | images | containers`. */
export type PruneWhat = 'all' | 'images' | 'containers';

/** Removes the role's stopped containers beyond the newest `retain` (and `protect`); returns their names. */
export async function pruneRole(r: Remote, plan: Plan, containers: readonly ContainerSummary[], retain = plan.retainContainers, protect: readonly string[] = []): Promise<string[]> {
  const doomed = prune.selectContainersToPrune(containers, retain, protect);
  if (doomed.length) await r.ok(prune.removeContainers(doomed));
  return doomed;
}

/** What image pruning decides from: the service's tagged images, and its containers with theirs. */
export interface ServiceImages {
  images: prune.ImageSummary[];
  containers: prune.ServiceContainer[];
}

export async function serviceImages(r: Remote, plan: Plan): Promise<ServiceImages> {
  const scope = { service: plan.service };
  const [images, containers] = await Promise.all([r.ok(prune.listServiceImages(scope)), r.ok(prune.listServiceContainers(scope))]);
  return { images: prune.parseImageList(images), containers: prune.parseServiceContainers(containers) };
}

/** Removes the tagged images that no container uses once the `removed` containers are gone. */
export async function removeUnusedImages(r: Remote, seen: ServiceImages, removed: readonly string[] = []): Promise<void> {
  const used = seen.containers.filter((c) => !removed.includes(c.name)).map((c) => c.image);
  const doomed = prune.selectImagesToRemove(seen.images, used);
  if (doomed.length) await r.run(prune.removeImages(doomed));
}

export async function pruneImages(r: Remote, plan: Plan): Promise<void> {
  await removeUnusedImages(r, await serviceImages(r, plan));
  await r.ok(prune.pruneDanglingImages({ service: plan.service }));
}
