// Building and pushing the app image on the deployer's machine (run locally, not over SSH).
import { assertVersion } from './naming';
import { keyValueArgs } from './options';

export interface BuildParams {
  /** Image repository without tag (naming.imageRepository). */
  repository: string;
  /** Tags to apply, e.g. [version, 'latest']. */
  tags: readonly string[];
  /** Adds `--label service=<service>`, which prune uses to find the service's images. */
  service: string;
  buildArgs?: Readonly<Record<string, string>>;
  /** Path to the Dockerfile, relative to the checkout. */
  dockerfile?: string;
  /** Multi-stage build target. */
  target?: string;
  /** Build context directory. */
  context: string;
}

function common(p: BuildParams): string[] {
  if (!p.tags.length) throw new Error('build needs at least one tag');
  for (const t of p.tags) assertVersion(t);
  if (!p.context || p.context.startsWith('-')) throw new Error(`invalid build context ${JSON.stringify(p.context)}`);
  return [
    ...p.tags.flatMap((t) => ['-t', `${p.repository}:${t}`]),
    '--label', `service=${p.service}`,
    ...keyValueArgs('--build-arg', p.buildArgs),
    ...(p.dockerfile ? ['-f', p.dockerfile] : []),
    ...(p.target ? ['--target', p.target] : []),
  ];
}

/** Plain `docker build` into the local engine; push each tag afterwards. */
export function build(p: BuildParams): string[] {
  return ['docker', 'build', ...common(p), p.context];
}

export function push(ref: string): string[] {
  if (!ref || ref.startsWith('-')) throw new Error(`invalid image reference ${JSON.stringify(ref)}`);
  return ['docker', 'push', ref];
}

export interface BuildxParams extends BuildParams {
  /** e.g. ['linux/amd64', 'linux/arm64'] */
  platforms: readonly string[];
  /** A buildx builder instance name; absent = the current one. */
  builder?: string;
}

/** Kamal 2's style: build for the given platforms and push straight to the registry. */
export function buildxBuild(p: BuildxParams): string[] {
  if (!p.platforms.length) throw new Error('buildx build needs at least one platform');
  return [
    'docker', 'buildx', 'build',
    '--output=type=registry',
    '--platform', p.platforms.join(','),
    ...(p.builder ? ['--builder', p.builder] : []),
    ...common(p),
    p.context,
  ];
}
