// Image operations shared by the deployer's machine (after a build) and hosts (before a boot).

function checkRef(ref: string): string {
  if (!ref || ref.startsWith('-') || /\s/.test(ref)) throw new Error(`invalid image reference ${JSON.stringify(ref)}`);
  return ref;
}

/** `ref` may be `repo:tag` or `repo@sha256:…` (the plan pins the digest). */
export function pull(ref: string): string[] {
  return ['docker', 'pull', checkRef(ref)];
}

export function tag(source: string, target: string): string[] {
  return ['docker', 'tag', checkRef(source), checkRef(target)];
}

/**
 * ID and registry digests of a local image as JSON. All digests, not `index .RepoDigests 0`:
 * an image pushed to two repositories has one per repository, and a never-pushed one has none.
 */
export function inspectImage(ref: string): string[] {
  return ['docker', 'image', 'inspect', '--format', '{"id":{{json .Id}},"repoDigests":{{json .RepoDigests}}}', checkRef(ref)];
}

export interface ImageDetails {
  id: string;
  /** `repo@sha256:…` entries. */
  repoDigests: string[];
}

export function parseImageInspect(stdout: string): ImageDetails {
  const o = JSON.parse(stdout.trim()) as { id?: unknown; repoDigests?: unknown };
  return {
    id: typeof o.id === 'string' ? o.id : '',
    repoDigests: Array.isArray(o.repoDigests) ? o.repoDigests.filter((d): d is string => typeof d === 'string') : [],
  };
}

/** The `sha256:…` digest this image has in `repository`, if it was pushed or pulled there. */
export function digestIn(details: ImageDetails, repository: string): string | undefined {
  const hit = details.repoDigests.find((d) => d.startsWith(`${repository}@`));
  return hit?.slice(repository.length + 1);
}
