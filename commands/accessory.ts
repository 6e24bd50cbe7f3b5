// Accessories (databases, caches, ... next to the app) on a host, in Kamal 2's layout: container
// `<service>-<accessory>` labelled `service=<that name>`, its env file under
// `.kamal/apps/<service>[-<dest>]/env/accessories/`, and its uploaded files and relative
// directories under `~/<container name>/`, which is where Kamal puts them, so either tool can
// reboot what the other booted.
import { DEPLOY_ID_LABEL, appDirectory, assertNamePart, type ServiceScope } from './naming';
import { DockerOptions, LoggingParams, keyValueArgs, loggingArgs, optionize } from './options';
import { shellSplit } from './shell';

export interface AccessoryScope extends ServiceScope {
  /** The key under `accessories:`. */
  accessory: string;
}

/** The container's name: the accessory's `service:`, else `<service>-<accessory>`. */
export function accessoryContainer(scope: AccessoryScope, serviceOverride?: string): string {
  const name = serviceOverride ?? `${scope.service}-${scope.accessory}`;
  assertNamePart('accessory container name', name);
  return name;
}

/** The accessory's secrets, uploaded with mode 0600 and passed as `--env-file`. */
export function accessoryEnvFile(scope: AccessoryScope): string {
  assertNamePart('accessory', scope.accessory);
  return `${appDirectory(scope)}/env/accessories/${scope.accessory}.env`;
}

export interface Mount {
  /** Absolute path on the host. */
  hostPath: string;
  containerPath: string;
  /** Docker mount options, e.g. `ro`. */
  options?: string;
}

export interface FileMount extends Mount {
  /** The file as named in deploy.yml, relative to the project. */
  local: string;
}

function splitPath(entry: string, key: string): { from: string; to: string; options?: string } {
  const [from, to, options] = entry.split(':', 3) as [string, string | undefined, string | undefined];
  if (!from || !to || !to.startsWith('/')) {
    throw new Error(`${key} entry ${JSON.stringify(entry)}: expected local:/path/in/container[:options]`);
  }
  if ([from, to].some((p) => p.split('/').includes('..'))) throw new Error(`${key} entry ${JSON.stringify(entry)}: '..' is not allowed`);
  return { from, to, ...(options ? { options } : {}) };
}

function checkHome(home: string): void {
  if (!home.startsWith('/') || /[\n:]/.test(home)) throw new Error(`invalid home directory ${JSON.stringify(home)}`);
}

/** `files:` entries `local:remote` → uploaded to `~/<container><remote>`, mounted at `remote`. */
export function fileMounts(home: string, container: string, files: readonly string[]): FileMount[] {
  checkHome(home);
  return files.map((entry) => {
    const { from, to, options } = splitPath(entry, 'files');
    return { local: from, hostPath: `${home}/${container}${to}`, containerPath: to, ...(options ? { options } : {}) };
  });
}

/** `directories:` entries `host:container` → a relative host path lives under `~/<container>/`. */
export function directoryMounts(home: string, container: string, directories: readonly string[]): Mount[] {
  checkHome(home);
  return directories.map((entry) => {
    const { from, to, options } = splitPath(entry, 'directories');
    const hostPath = from.startsWith('/') ? from : `${home}/${container}/${from.replace(/^\.\//, '').replace(/\/+$/, '')}`;
    return { hostPath, containerPath: to, ...(options ? { options } : {}) };
  });
}

/** `~/<container>`: uploaded files and relative directories; removed with the accessory. */
export function serviceDirectory(home: string, container: string): string {
  checkHome(home);
  assertNamePart('accessory container name', container);
  return `${home}/${container}`;
}

function mountArg(m: Mount): string {
  return [m.hostPath, m.containerPath, ...(m.options ? [m.options] : [])].join(':');
}

export interface AccessoryRunParams extends AccessoryScope {
  container: string;
  /** Full reference with tag (and registry). */
  image: string;
  network: string;
  /** `port:` as written: `3306`, `8080:80` or `127.0.0.1:3306:3306`. */
  port?: string;
  clearEnv?: Readonly<Record<string, string>>;
  logging?: LoggingParams;
  /** `volumes:` as written, then the file and directory mounts. */
  volumes?: readonly string[];
  mounts?: readonly Mount[];
  /** User labels; `service` is the container name and cannot be overridden. */
  labels?: Readonly<Record<string, string>>;
  /** `options:`; `restart` replaces the default policy instead of adding a second flag. */
  options?: DockerOptions;
  /** `cmd:`, split as the host shell would split it in Kamal. */
  cmd?: string;
  /** The operation that booted it, as a label: a retried reboot recognises its own container. */
  deployId?: string;
}

function checkImage(image: string): string {
  if (!image || image.startsWith('-') || /\s/.test(image)) throw new Error(`invalid accessory image ${JSON.stringify(image)}`);
  return image;
}

/** The env and volume arguments every new container of the accessory gets (boot and exec). */
function envAndVolumeArgs(p: AccessoryRunParams): string[] {
  assertNamePart('network', p.network);
  return [
    ...keyValueArgs('--env', p.clearEnv),
    '--env-file', accessoryEnvFile(p),
    ...(p.volumes ?? []).flatMap((v) => ['--volume', v]),
    ...(p.mounts ?? []).flatMap((m) => ['--volume', mountArg(m)]),
  ];
}

/** `docker run` of the accessory, in Kamal 2's argument order. */
export function run(p: AccessoryRunParams): string[] {
  assertNamePart('accessory container name', p.container);
  if (p.port !== undefined && !/^[A-Za-z0-9[][A-Za-z0-9.:[\]/]*$/.test(p.port)) throw new Error(`invalid accessory port ${JSON.stringify(p.port)}: expected e.g. 3306, 8080:80 or 127.0.0.1:3306:3306`);
  if (p.labels && 'service' in p.labels) throw new Error('label "service" names the accessory container and cannot be set in labels:');
  const { restart, ...options } = p.options ?? {};
  return [
    'docker', 'run',
    '--name', p.container,
    '--detach',
    '--restart', typeof restart === 'string' ? restart : 'unless-stopped',
    '--network', p.network,
    ...loggingArgs(p.logging),
    ...(p.port ? ['--publish', p.port] : []),
    ...envAndVolumeArgs(p),
    ...keyValueArgs('--label', { service: p.container, ...(p.deployId ? { [DEPLOY_ID_LABEL]: p.deployId } : {}), ...p.labels }),
    ...optionize(options),
    checkImage(p.image),
    ...(p.cmd ? shellSplit(p.cmd) : []),
  ];
}

/** The SSH user's home: file and directory mounts need absolute host paths. */
export function homeDirectory(): string[] {
  return ['printenv', 'HOME'];
}

export function start(container: string): string[] {
  assertNamePart('accessory container name', container);
  return ['docker', 'container', 'start', container];
}

export function stop(container: string): string[] {
  assertNamePart('accessory container name', container);
  return ['docker', 'container', 'stop', container];
}

/** The accessory's containers (`all`: stopped ones too; `quiet`: IDs only), as `docker ps` shows them. */
export function info(container: string, o: { all?: boolean; quiet?: boolean } = {}): string[] {
  assertNamePart('accessory container name', container);
  return ['docker', 'ps', ...(o.all ? ['--all'] : []), ...(o.quiet ? ['--quiet'] : []), '--filter', `label=service=${container}`];
}

/** Removes the accessory's stopped containers; succeeds when there are none. */
export function removeContainer(container: string): string[] {
  assertNamePart('accessory container name', container);
  return ['docker', 'container', 'prune', '--force', '--filter', `label=service=${container}`];
}

export function removeImage(image: string): string[] {
  return ['docker', 'image', 'rm', '--force', checkImage(image)];
}

/** The image ID the container runs (to remove it once a reboot moved to another). */
export function currentImageId(container: string): string[] {
  assertNamePart('accessory container name', container);
  return ['docker', 'container', 'inspect', '--format', '{{.Image}}', container];
}

/** Without --force: Docker declines while another container still uses the image. */
export function removeImageId(id: string): string[] {
  if (!/^(sha256:)?[0-9a-f]{12,64}$/.test(id)) throw new Error(`invalid image ID ${JSON.stringify(id)}`);
  return ['docker', 'image', 'rm', id];
}

export function makeDirectory(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`makeDirectory: expected an absolute path, got ${JSON.stringify(path)}`);
  return ['mkdir', '-p', '--', path];
}

/** CMD inside the running container; `interactive` for a PTY (`-it`). */
export function execInExisting(container: string, cmd: readonly string[], interactive = false): string[] {
  assertNamePart('accessory container name', container);
  if (cmd.length === 0) throw new Error('exec needs a command');
  return ['docker', 'exec', ...(interactive ? ['-it'] : []), container, ...cmd];
}

/** CMD in a throw-away container of the accessory's image, with its env and mounts. */
export function execInNew(p: AccessoryRunParams, cmd: readonly string[], interactive = false): string[] {
  if (cmd.length === 0) throw new Error('exec needs a command');
  return ['docker', 'run', ...(interactive ? ['-it'] : []), '--rm', '--network', p.network, ...envAndVolumeArgs(p), checkImage(p.image), ...cmd];
}
