// Building and pushing the app image on the deployer's machine (run locally, not over SSH), with
// plain `docker build` or with buildx, and managing the buildx builder.
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
  /**
   * Build secret names. Each is read by the builder from the environment variable of the same
   * name (`env=`), so the value is only ever in the child's environment, never in argv.
   */
  secrets?: readonly string[];
  /** `--ssh` spec, e.g. `default`. */
  ssh?: string;
  /** e.g. ['linux/amd64']; empty = the builder's own platform. */
  platforms?: readonly string[];
}

function checkedArg(what: string, value: string): string {
  if (!value || value.startsWith('-')) throw new Error(`invalid ${what} ${JSON.stringify(value)}`);
  return value;
}

function common(p: BuildParams): string[] {
  if (!p.tags.length) throw new Error('build needs at least one tag');
  for (const t of p.tags) assertVersion(t);
  checkedArg('build context', p.context);
  const platforms = p.platforms ?? [];
  return [
    ...(platforms.length ? ['--platform', platforms.join(',')] : []),
    ...p.tags.flatMap((t) => ['-t', `${p.repository}:${t}`]),
    '--label', `service=${p.service}`,
    ...keyValueArgs('--build-arg', p.buildArgs),
    ...(p.secrets ?? []).flatMap((name) => ['--secret', `id=${name},env=${name}`]),
    ...(p.dockerfile ? ['-f', p.dockerfile] : []),
    ...(p.target ? ['--target', p.target] : []),
    ...(p.ssh ? ['--ssh', checkedArg('ssh spec', p.ssh)] : []),
  ];
}

/** Plain `docker build` into the engine DOCKER_HOST names; push each tag afterwards. */
export function build(p: BuildParams): string[] {
  return ['docker', 'build', ...common(p), p.context];
}

export function push(ref: string): string[] {
  return ['docker', 'push', checkedArg('image reference', ref)];
}

export interface BuildCache {
  type: 'gha' | 'registry';
  /** The registry cache's image reference (with registry and tag), for type registry. */
  ref?: string;
  /** Extra cache-to options, e.g. `mode=max`. */
  options?: string;
}

export interface BuildxParams extends BuildParams {
  /** `registry` pushes every tag; `docker` loads the image into the engine. */
  output: 'registry' | 'docker';
  /** A buildx builder instance name; absent = the current one. */
  builder?: string;
  cache?: BuildCache;
  /** `--provenance` value: true, false or a mode such as `mode=max`. */
  provenance?: boolean | string;
  sbom?: boolean;
}

function cacheArgs(c: BuildCache): string[] {
  const ref = c.type === 'registry' ? [`ref=${checkedArg('cache image', c.ref ?? '')}`] : [];
  const to = [`type=${c.type}`, ...(c.options ? [c.options] : []), ...ref].join(',');
  const from = [`type=${c.type}`, ...ref].join(',');
  return ['--cache-to', to, '--cache-from', from];
}

/** Kamal 2's style: one buildx build for every platform, straight to the registry (or the engine). */
export function buildxBuild(p: BuildxParams): string[] {
  return [
    'docker', 'buildx', 'build',
    `--output=type=${p.output}`,
    ...(p.builder ? ['--builder', p.builder] : []),
    ...common(p),
    ...(p.cache ? cacheArgs(p.cache) : []),
    ...(p.provenance !== undefined ? [`--provenance=${p.provenance}`] : []),
    ...(p.sbom !== undefined ? [`--sbom=${p.sbom}`] : []),
    p.context,
  ];
}

/** Exits 0 only when the docker client has the buildx plugin. */
export function buildxVersion(): string[] {
  return ['docker', 'buildx', 'version'];
}

/** The client's own version (printed even when no engine answers). */
export function clientVersion(): string[] {
  return ['docker', 'version', '--format', '{{.Client.Version}}'];
}

export interface BuildxCreateParams {
  name: string;
  driver: string;
  /** A Docker endpoint (e.g. `unix:///…/engine.sock`) whose engine runs the builder. */
  endpoint?: string;
  platforms?: readonly string[];
}

export function buildxCreate(p: BuildxCreateParams): string[] {
  const platforms = p.platforms ?? [];
  return [
    'docker', 'buildx', 'create',
    '--name', checkedArg('builder name', p.name),
    `--driver=${checkedArg('buildx driver', p.driver)}`,
    ...(platforms.length ? ['--platform', platforms.join(',')] : []),
    ...(p.endpoint ? [checkedArg('builder endpoint', p.endpoint)] : []),
  ];
}

export function buildxRemove(name: string): string[] {
  return ['docker', 'buildx', 'rm', checkedArg('builder name', name)];
}

export function buildxInspect(name: string): string[] {
  return ['docker', 'buildx', 'inspect', checkedArg('builder name', name)];
}

/** Run on a remote host: relays the Docker API between stdin/stdout and the host's engine. */
export function dialStdio(): string[] {
  return ['docker', 'system', 'dial-stdio'];
}
