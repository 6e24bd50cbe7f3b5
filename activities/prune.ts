// Prune on a host: keep the newest `retain_containers` stopped containers of a role (so
// rollback to each works) and the images they use; remove the rest.
import * as engine from '../commands/engine';
import * as prune from '../commands/prune';
import type { ContainerSummary } from '../commands/app';
import { thenTry } from '../commands/remote';
import type { Plan } from '../plan/types';
import type { Remote } from './remote';

/** Kamal's `prune all | images | containers`. */
export type PruneWhat = 'all' | 'images' | 'containers';

/** Removes the role's stopped containers beyond the newest `retain`. */
export async function pruneRole(r: Remote, plan: Plan, containers: readonly ContainerSummary[], retain = plan.retainContainers): Promise<void> {
  const doomed = prune.selectContainersToPrune(containers, retain, []);
  if (doomed.length) await r.ok(prune.removeContainers(doomed));
}

/** What image pruning decides from: the service's tagged images, and its containers with theirs. */
export interface ServiceImages {
  images: prune.ImageSummary[];
  containers: prune.ServiceContainer[];
}

export async function serviceImages(r: Remote, plan: Plan): Promise<ServiceImages> {
  const scope = { service: plan.service };
  const [images, containers] = await Promise.all([r.docker(engine.serviceImages(scope)), r.docker(engine.serviceContainers(scope))]);
  return { images, containers };
}

/** The tagged images no container uses once the `removed` containers are gone. */
function unusedImages(seen: ServiceImages, removed: readonly string[] = []): string[] {
  const used = seen.containers.filter((c) => !removed.includes(c.name)).map((c) => c.image);
  return prune.selectImagesToRemove(seen.images, used);
}

/**
 * pruneRole, then the images no container uses any more, in one round trip: the images go
 * once their containers are removed (`docker rmi` refuses images in use, a last safety net).
 */
export async function pruneRoleAndImages(r: Remote, containers: readonly ContainerSummary[], seen: ServiceImages, retain: number, protect: readonly string[]): Promise<void> {
  const doomed = prune.selectContainersToPrune(containers, retain, protect);
  const images = unusedImages(seen, doomed);
  if (doomed.length) await r.ok(images.length ? thenTry(prune.removeContainers(doomed), prune.removeImages(images)) : prune.removeContainers(doomed));
  else if (images.length) await r.run(prune.removeImages(images));
}

export async function pruneImages(r: Remote, plan: Plan): Promise<void> {
  const images = unusedImages(await serviceImages(r, plan));
  if (images.length) await r.run(prune.removeImages(images));
  await r.docker(engine.pruneDanglingImages({ service: plan.service }));
}
