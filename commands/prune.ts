// Pruning old containers and images of a service, Kamal's way: keep the `retain` newest stopped
// containers (all roles together), and every image a remaining container still uses.
import { ContainerSummary, filterArgs } from './app';
import { ServiceScope, assertNamePart } from './naming';

/** Kamal's default `retain_containers`. */
export const DEFAULT_RETAIN = 5;
const STOPPED_STATES = new Set(['created', 'exited', 'dead']);

/** Docker prints `2024-05-01 12:00:00 +0000 UTC` (optionally with fractions); → epoch ms or NaN. */
function createdMs(createdAt: string): number {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d\d)(\d\d)/.exec(createdAt);
  return m ? Date.parse(`${m[1]}T${m[2]}${(m[3] ?? '').slice(0, 4)}${m[4]}:${m[5]}`) : NaN;
}

/**
 * Names of stopped containers to remove: all but the `retain` newest. Running ones are never
 * picked, nor any whose name or ID is in `protect` (e.g. the version a rollback may need now).
 */
export function selectContainersToPrune(
  containers: readonly ContainerSummary[],
  retain: number,
  protect: readonly string[] = [],
): string[] {
  if (!Number.isInteger(retain) || retain < 0) throw new Error(`retain must be a whole number, got ${retain}`);
  const keep = new Set(protect);
  const stopped = containers
    .map((c, index) => ({ c, index, ms: createdMs(c.createdAt) }))
    .filter(({ c }) => STOPPED_STATES.has(c.state) && !keep.has(c.name) && !keep.has(c.id));
  // Newest first; Docker's own (newest-first) order breaks ties and covers unparsable dates.
  stopped.sort((a, b) => (Number.isNaN(a.ms) || Number.isNaN(b.ms) || a.ms === b.ms ? a.index - b.index : b.ms - a.ms));
  return stopped.slice(retain).map(({ c }) => c.name);
}

/** `docker rm` of the given containers; the caller skips the call when there are none. */
export function removeContainers(names: readonly string[]): string[] {
  if (!names.length) throw new Error('removeContainers: no containers given');
  for (const n of names) assertNamePart('container name', n);
  return ['docker', 'rm', ...names];
}

/** Every container of the service in any destination, with its image: those images are in use. */
export function listServiceContainers(scope: Pick<ServiceScope, 'service'>): string[] {
  return ['docker', 'ps', '--all', '--no-trunc', ...filterArgs({ service: scope.service, allDestinations: true }), '--format', '{"name":{{json .Names}},"image":{{json .Image}}}'];
}

/** Tagged images built for the service (they carry `label service=`), one JSON line each. */
export function listServiceImages(scope: Pick<ServiceScope, 'service'>): string[] {
  assertNamePart('service', scope.service);
  return [
    'docker', 'image', 'ls', '--no-trunc',
    '--filter', `label=service=${scope.service}`,
    '--format', '{"id":{{json .ID}},"repository":{{json .Repository}},"tag":{{json .Tag}}}',
  ];
}

export interface ImageSummary {
  id: string;
  repository: string;
  tag: string;
}

export function parseImageList(stdout: string): ImageSummary[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      const s = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
      return { id: s('id'), repository: s('repository'), tag: s('tag') };
    });
}

export interface ServiceContainer {
  name: string;
  image: string;
}

/** The containers (name and image) from listServiceContainers, one JSON line each. */
export function parseServiceContainers(stdout: string): ServiceContainer[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const o = JSON.parse(l) as Record<string, unknown>;
      return { name: typeof o.name === 'string' ? o.name : '', image: typeof o.image === 'string' ? o.image : '' };
    });
}

/**
 * `repo:tag` refs no container uses any more. `latest`/`latest-<dest>` tags stay (the next deploy
 * and `kamal app boot` rely on them); untagged images are left to pruneDanglingImages.
 */
export function selectImagesToRemove(images: readonly ImageSummary[], containerImages: readonly string[]): string[] {
  const used = new Set(containerImages);
  const usedById = (id: string): boolean => {
    const bare = id.replace(/^sha256:/, '');
    return containerImages.some((ci) => {
      const c = ci.replace(/^sha256:/, '');
      return c.length >= 12 && /^[0-9a-f]+$/.test(c) && bare.startsWith(c);
    });
  };
  // Tags that merely share an image with a used tag go: removing one only untags it (images of
  // identical builds share an ID, and a pruned version's tag must not outlive its container).
  return images
    .filter((i) => i.tag !== '<none>' && i.repository !== '<none>')
    .filter((i) => !/^latest(-.+)?$/.test(i.tag))
    .filter((i) => !used.has(`${i.repository}:${i.tag}`) && !usedById(i.id))
    .map((i) => `${i.repository}:${i.tag}`);
}

/** `docker rmi` refuses images a container still uses, a last safety net. */
export function removeImages(refs: readonly string[]): string[] {
  if (!refs.length) throw new Error('removeImages: no images given');
  for (const r of refs) if (!r || r.startsWith('-')) throw new Error(`invalid image reference ${JSON.stringify(r)}`);
  return ['docker', 'rmi', ...refs];
}

/** Untagged images of the service no container uses. */
export function pruneDanglingImages(scope: Pick<ServiceScope, 'service'>): string[] {
  assertNamePart('service', scope.service);
  return ['docker', 'image', 'prune', '--force', '--filter', `label=service=${scope.service}`];
}
