// Kamal 2's names on a host: containers, labels, proxy services, files under ~/.kamal, image refs.
// Sextant uses exactly these so it can take over hosts Kamal deployed and roll back to them.

export interface ServiceScope {
  service: string;
  /** Absent when deploying without `-d`. */
  destination?: string;
}

export interface RoleScope extends ServiceScope {
  role: string;
}

export const NETWORK = 'kamal';
export const PROXY_CONTAINER = 'kamal-proxy';
/** Container label carrying the Sextant deploy ID, so activities recognise their own containers. */
export const DEPLOY_ID_LABEL = 'sextant.deploy-id';
/** Relative to the SSH user's home, which is where remote commands start. */
export const RUN_DIRECTORY = '.kamal';

// Docker container-name characters; also keeps any name from being read as a flag.
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// Docker tag grammar (versions become image tags and container-name suffixes).
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function assertNamePart(kind: string, value: string): void {
  if (!NAME_PART.test(value)) {
    throw new Error(`invalid ${kind} ${JSON.stringify(value)}: use letters, digits, '_', '.', '-', starting with a letter or digit`);
  }
}

export function assertVersion(version: string): void {
  if (!TAG.test(version)) {
    throw new Error(`invalid version ${JSON.stringify(version)}: must be a Docker tag (letters, digits, '_', '.', '-'; at most 128)`);
  }
}

function checkScope(scope: ServiceScope & { role?: string }): void {
  assertNamePart('service', scope.service);
  if (scope.destination !== undefined) assertNamePart('destination', scope.destination);
  if (scope.role !== undefined) assertNamePart('role', scope.role);
}

/** `<service>[-<dest>]`: names the app directory, lock and audit log. */
export function serviceWithDestination(scope: ServiceScope): string {
  checkScope(scope);
  return scope.destination ? `${scope.service}-${scope.destination}` : scope.service;
}

/** `<service>-<role>[-<dest>]`: the kamal-proxy service name of an app role. */
export function proxyServiceName(scope: RoleScope): string {
  checkScope(scope);
  return [scope.service, scope.role, scope.destination].filter((p) => p).join('-');
}

/** `<service>-<role>[-<dest>]-`: every container of the role starts with this. */
export function containerPrefix(scope: RoleScope): string {
  return `${proxyServiceName(scope)}-`;
}

export function containerName(scope: RoleScope, version: string): string {
  assertVersion(version);
  return `${containerPrefix(scope)}${version}`;
}

/**
 * The version part of a container name, or undefined if the name is not this role's. Without a
 * destination the prefix also matches a destination's containers: filter by labels first.
 */
export function versionFromName(scope: RoleScope, name: string): string | undefined {
  const prefix = containerPrefix(scope);
  const bare = name.startsWith('/') ? name.slice(1) : name;
  return bare.startsWith(prefix) && bare.length > prefix.length ? bare.slice(prefix.length) : undefined;
}

/** Name an old container of the same version is renamed to before a reboot; `hex` is random. */
export function replacedName(name: string, hex: string): string {
  if (!/^[0-9a-f]+$/.test(hex)) throw new Error(`replacedName: expected lowercase hex, got ${JSON.stringify(hex)}`);
  return `${name}_replaced_${hex}`;
}

/** The name a container had before replacedName (itself when it was never renamed). */
export function unreplacedName(name: string): string {
  return name.replace(/_replaced_[0-9a-f]+$/, '');
}

/** Kamal's labels (`destination` empty when none) plus Sextant's deploy ID. */
export function appLabels(scope: RoleScope, deployId: string): Record<string, string> {
  checkScope(scope);
  return { service: scope.service, role: scope.role, destination: scope.destination ?? '', [DEPLOY_ID_LABEL]: deployId };
}

export function appDirectory(scope: ServiceScope): string {
  return `${RUN_DIRECTORY}/apps/${serviceWithDestination(scope)}`;
}

/** The role's env file (secrets), uploaded with mode 0600 and passed as `--env-file`. */
export function roleEnvFile(scope: RoleScope): string {
  assertNamePart('role', scope.role);
  return `${appDirectory(scope)}/env/roles/${scope.role}.env`;
}

/** kamal-proxy's files on a host (run options, apps-config). */
export const PROXY_DIRECTORY = `${RUN_DIRECTORY}/proxy`;

export function lockDirectory(scope: ServiceScope): string {
  return `${RUN_DIRECTORY}/lock-${serviceWithDestination(scope)}`;
}

export function auditLogFile(scope: ServiceScope): string {
  return `${RUN_DIRECTORY}/${serviceWithDestination(scope)}-audit.log`;
}

export interface ImageParams {
  /** `image:` from deploy.yml, e.g. `acme/app` or `registry.example.com/acme/app`. */
  image: string;
  /** `registry.server`; absent means Docker Hub. */
  registryServer?: string;
}

/** The repository with the registry server in front, unless the image already names it. */
export function imageRepository(p: ImageParams): string {
  if (!p.image || /[\s@]/.test(p.image) || p.image.startsWith('-')) throw new Error(`invalid image ${JSON.stringify(p.image)}`);
  const server = p.registryServer?.replace(/\/+$/, '');
  if (!server || p.image.startsWith(`${server}/`)) return p.image;
  return `${server}/${p.image}`;
}

export function versionedImage(p: ImageParams, version: string): string {
  assertVersion(version);
  return `${imageRepository(p)}:${version}`;
}

/** `latest`, or `latest-<dest>` so destinations sharing a repository keep separate pointers. */
export function latestTag(destination?: string): string {
  if (destination !== undefined) assertNamePart('destination', destination);
  return destination ? `latest-${destination}` : 'latest';
}

export function latestImage(p: ImageParams & { destination?: string }): string {
  return `${imageRepository(p)}:${latestTag(p.destination)}`;
}
