// Which builder a build uses and what it runs: buildx when the docker client has it, else plain
// `docker build` (with the client's built-in BuildKit before Docker 23, the legacy builder after)
// then `docker push`. Settings only buildx can honour are refused up front, naming the key.
import * as builder from '../commands/builder';
import type { BuildPlan } from './types';

export interface DockerClient {
  /** `docker version`'s client version, e.g. 20.10.24+dfsg1. */
  version: string;
  buildx: boolean;
}

export type BuilderKind = 'buildx' | 'buildkit' | 'legacy';

export function builderKind(client: DockerClient): BuilderKind {
  if (client.buildx) return 'buildx';
  // Docker 23 made buildx the only way to BuildKit; before, DOCKER_BUILDKIT=1 chose the built-in one.
  const major = Number(/^(\d+)\./.exec(client.version)?.[1] ?? NaN);
  return major < 23 ? 'buildkit' : 'legacy';
}

/** `linux/<arch>` for each architecture to build; Kamal 0.16's `multiarch: true` meant amd64 and arm64. */
export function platforms(b: BuildPlan): string[] {
  const arches = b.arch ?? (b.multiarch ? ['amd64', 'arm64'] : []);
  return arches.map((a) => (a.includes('/') ? a : `linux/${a}`));
}

/** The config keys set in `b` that only buildx can honour. */
export function buildxOnlyKeys(b: BuildPlan): string[] {
  return [
    ...(platforms(b).length > 1 ? [b.arch ? 'builder.arch (more than one architecture)' : 'builder.multiarch'] : []),
    ...(b.cache ? ['builder.cache'] : []),
    ...(b.sbom !== undefined ? ['builder.sbom'] : []),
    ...(b.provenance !== undefined ? ['builder.provenance'] : []),
  ];
}

export interface RemoteBuilder {
  user: string;
  host: string;
  port: number;
}

/** `ssh://[user@]host[:port]` → where the remote engine is; null when the value is no such URL. */
export function parseRemote(remote: string): RemoteBuilder | null {
  const m = /^ssh:\/\/(?:([^@/\s]+)@)?([^:/\s@]+|\[[0-9a-fA-F:]+\])(?::(\d+))?\/?$/.exec(remote);
  if (!m) return null;
  return { user: m[1] ?? 'root', host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22 };
}

/** Why this build cannot run with this docker client (null: it can). One message, every key. */
export function builderProblem(b: BuildPlan, client: DockerClient, configFile = 'config/deploy.yml'): string | null {
  const kind = builderKind(client);
  const problems: string[] = [];
  if (b.remote !== undefined && !parseRemote(b.remote)) {
    problems.push(`builder.remote must be an SSH URL such as ssh://root@builder.example.com, got ${JSON.stringify(b.remote)}. Fix: write it as ssh://USER@HOST[:PORT]`);
  }
  const only = buildxOnlyKeys(b);
  if (kind !== 'buildx' && only.length) {
    problems.push(
      `${only.join(', ')} ${only.length > 1 ? 'need' : 'needs'} docker buildx, and this docker client (${client.version}) has no buildx plugin. ` +
        `Fix: install the buildx plugin (https://docs.docker.com/go/buildx/), or remove ${only.length > 1 ? 'these keys' : 'the key'} from ${configFile}`,
    );
  }
  const kit = [...(Object.keys(b.secrets ?? {}).length ? ['builder.secrets'] : []), ...(b.ssh ? ['builder.ssh'] : [])];
  if (kind === 'legacy' && kit.length) {
    problems.push(
      `${kit.join(', ')} ${kit.length > 1 ? 'need' : 'needs'} BuildKit, and this docker client (${client.version}) has no buildx plugin, so it only has the legacy builder. ` +
        `Fix: install the buildx plugin (https://docs.docker.com/go/buildx/), or use a docker client with built-in BuildKit (before 23.0), or remove ${kit.join(' and ')} from ${configFile}`,
    );
  }
  return problems.length ? problems.map((p) => `${configFile}: ${p}`).join('\n') : null;
}

/** The buildx builder instance a build uses; null = the client's default (driver `docker`). */
export function buildxBuilderName(b: BuildPlan): string | null {
  if (b.driver === 'docker' && !b.remote) return null;
  if (b.remote) return `sextant-remote-${b.remote.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
  return `sextant-local-${b.driver ?? 'docker-container'}`;
}

export interface BuildStep {
  what: string;
  argv: string[];
  /** The step builds: it gets the build secrets' values in its environment. */
  build?: boolean;
}

export interface BuildRequest {
  repository: string;
  tags: readonly string[];
  service: string;
  /** Absolute build context. */
  context: string;
  /** Push to the registry (build push); else keep the image in the engine (build dev). */
  push: boolean;
}

/**
 * The commands of one build, in order, for the client's builder. The environment they need is
 * buildEnv's; build secret values are added there by the caller, never here.
 */
export function buildSteps(b: BuildPlan, kind: BuilderKind, r: BuildRequest): BuildStep[] {
  const params: builder.BuildParams = {
    repository: r.repository,
    tags: r.tags,
    service: r.service,
    buildArgs: b.args,
    dockerfile: b.dockerfile,
    target: b.target,
    context: r.context,
    secrets: Object.keys(b.secrets ?? {}),
    ssh: b.ssh,
    platforms: platforms(b),
  };
  if (kind === 'buildx') {
    const name = buildxBuilderName(b);
    const ref = b.cache?.image ? cacheImage(r.repository, b.cache.image) : `${r.repository}-build-cache`;
    const cache = b.cache && { type: b.cache.type, options: b.cache.options, ref: b.cache.type === 'registry' ? ref : undefined };
    const argv = builder.buildxBuild({ ...params, output: r.push ? 'registry' : 'docker', builder: name ?? undefined, cache, provenance: b.provenance, sbom: b.sbom });
    return [{ what: 'docker buildx build', argv, build: true }];
  }
  const tags = r.push ? r.tags.map((t) => `${r.repository}:${t}`) : [];
  return [{ what: 'docker build', argv: builder.build(params), build: true }, ...tags.map((ref) => ({ what: `docker push ${ref}`, argv: builder.push(ref) }))];
}

/** A cache image named without a registry goes to the app image's registry, as Kamal does. */
function cacheImage(repository: string, image: string): string {
  const registry = repository.includes('/') && /[.:]|^localhost$/.test(repository.split('/')[0]!) ? repository.split('/')[0]! : null;
  return registry && !image.startsWith(`${registry}/`) ? `${registry}/${image}` : image;
}

/** Variables the builder's commands run with: the engine to use, and BuildKit on or off. */
export function buildEnv(kind: BuilderKind, dockerHost?: string): Record<string, string> {
  return {
    ...(dockerHost ? { DOCKER_HOST: dockerHost } : {}),
    ...(kind === 'buildkit' ? { DOCKER_BUILDKIT: '1' } : kind === 'legacy' ? { DOCKER_BUILDKIT: '0' } : {}),
  };
}

/** `build create`: the buildx builder instance (its endpoint is the remote engine, when remote). */
export function createSteps(b: BuildPlan, endpoint?: string): BuildStep[] {
  const name = buildxBuilderName(b);
  if (!name) return [];
  const argv = builder.buildxCreate({ name, driver: b.driver ?? 'docker-container', endpoint, platforms: b.remote ? platforms(b) : [] });
  return [{ what: `docker buildx create ${name}`, argv }];
}
