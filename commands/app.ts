// Everything about app containers on a host: run, start/stop/remove/rename, list, inspect, logs,
// and the env file that carries their secrets.
import { CommandWithInput } from './remote';
import { shellSplit } from './shell';
import { writeFile } from './files';
import { DockerOptions, LoggingParams, keyValueArgs, loggingArgs, optionize } from './options';
import {
  DEPLOY_ID_LABEL,
  NETWORK,
  RoleScope,
  appLabels,
  assertNamePart,
  containerName,
  roleEnvFile,
} from './naming';

export interface AppRunParams extends RoleScope {
  version: string;
  deployId: string;
  /** Image repository without tag (see naming.imageRepository); the container runs `<repository>:<version>`. */
  repository: string;
  /** The host as named in deploy.yml; becomes KAMAL_HOST. */
  host: string;
  hostname?: string;
  /** Clear env only: these go on the command line. Secrets go in the env file (envFileContent). */
  clearEnv?: Readonly<Record<string, string>>;
  logging?: LoggingParams;
  /** `host:container[:opts]` as in deploy.yml. Host paths must be absolute or named volumes. */
  volumes?: readonly string[];
  /** User labels; `service`, `role`, `destination` and Sextant's are reserved. */
  labels?: Readonly<Record<string, string>>;
  /** Role `options:` map, e.g. {memory: "1g"}. */
  options?: DockerOptions;
  /** Role `cmd:`; a string is split as the host shell would split it in Kamal. */
  cmd?: string | readonly string[];
}

/**
 * `docker run` for a new app container, in Kamal 2's argument order. Never `--publish` (the proxy
 * reaches containers over the `kamal` network) unless the role's options ask for it.
 */
export function run(p: AppRunParams): string[] {
  const name = containerName(p, p.version);
  const system = appLabels(p, p.deployId);
  for (const key of Object.keys(p.labels ?? {})) {
    if (key in system) throw new Error(`label ${JSON.stringify(key)} is set by Sextant and cannot be overridden in labels:`);
  }
  if (!p.repository || p.repository.startsWith('-') || /[\s@]/.test(p.repository)) {
    throw new Error(`invalid image repository ${JSON.stringify(p.repository)}`);
  }
  const cmd = typeof p.cmd === 'string' ? shellSplit(p.cmd) : [...(p.cmd ?? [])];
  return [
    'docker', 'run',
    '--detach',
    '--restart', 'unless-stopped',
    '--name', name,
    '--network', NETWORK,
    ...(p.hostname ? ['--hostname', p.hostname] : []),
    '--env', `KAMAL_CONTAINER_NAME=${name}`,
    '--env', `KAMAL_VERSION=${p.version}`,
    '--env', `KAMAL_HOST=${p.host}`,
    ...(p.destination ? ['--env', `KAMAL_DESTINATION=${p.destination}`] : []),
    ...keyValueArgs('--env', p.clearEnv),
    '--env-file', roleEnvFile(p),
    ...loggingArgs(p.logging),
    ...(p.volumes ?? []).flatMap((v) => ['--volume', v]),
    ...keyValueArgs('--label', system),
    ...keyValueArgs('--label', p.labels),
    ...optionize(p.options),
    `${p.repository}:${p.version}`,
    ...cmd,
  ];
}

/**
 * Docker env-file text: `KEY=VALUE` per line, taken literally by Docker (no quotes, no escapes).
 * Values Docker cannot read back unchanged are refused, naming the key but never the value.
 */
export function envFileContent(env: Readonly<Record<string, string>>): string {
  const lines = Object.entries(env).map(([key, value]) => {
    if (!/^[^=\s#][^=\s]*$/.test(key)) {
      throw new Error(`env key ${JSON.stringify(key)} cannot go in an env file: it must be non-empty, without '=', whitespace or a leading '#'`);
    }
    if (/[\n\0]/.test(value)) {
      throw new Error(`env value of ${key} contains a newline or NUL byte, which Docker env files cannot carry; encode it (e.g. base64) and decode it in the app`);
    }
    if (value.endsWith('\r')) {
      throw new Error(`env value of ${key} ends with a carriage return, which Docker strips from env files`);
    }
    const line = `${key}=${value}`;
    if (Buffer.byteLength(line) >= 64 * 1024) {
      throw new Error(`env value of ${key} is too long for a Docker env file line (64 KiB)`);
    }
    return `${line}\n`;
  });
  // Never empty: some tools warn on uploading an empty file, and Docker accepts a blank line.
  return lines.join('') || '\n';
}

/** Upload the role's env file with mode 0600. */
export function writeEnvFile(scope: RoleScope, env: Readonly<Record<string, string>>): CommandWithInput {
  return writeFile(roleEnvFile(scope), envFileContent(env), '600');
}

function checkContainer(name: string): string {
  assertNamePart('container name', name);
  return name;
}

export function start(name: string): string[] {
  return ['docker', 'start', checkContainer(name)];
}

/** `timeoutSeconds` before SIGKILL; omitted = Docker's default (10s). */
export function stop(name: string, timeoutSeconds?: number): string[] {
  if (timeoutSeconds !== undefined && !(Number.isInteger(timeoutSeconds) && timeoutSeconds >= 0)) {
    throw new Error(`stop timeout must be a whole number of seconds, got ${timeoutSeconds}`);
  }
  return ['docker', 'stop', ...(timeoutSeconds !== undefined ? ['-t', String(timeoutSeconds)] : []), checkContainer(name)];
}

export function remove(name: string): string[] {
  return ['docker', 'rm', checkContainer(name)];
}

export function rename(from: string, to: string): string[] {
  return ['docker', 'rename', checkContainer(from), checkContainer(to)];
}

export interface ContainerFilter {
  service: string;
  /** Kamal filters on the destination label even when there is none (matches the empty label). */
  destination?: string;
  /** Across all destinations instead (e.g. which images are still in use). */
  allDestinations?: boolean;
  role?: string;
  /** Docker states, e.g. ['running', 'restarting']; omitted = all. */
  statuses?: readonly string[];
}

// One JSON object per line. Labels are read one by one (.Label), because the combined .Labels
// string is ambiguous when a value contains a comma.
const PS_FORMAT =
  '{"name":{{json .Names}},"id":{{json .ID}},"state":{{json .State}},"status":{{json .Status}},' +
  '"image":{{json .Image}},"createdAt":{{json .CreatedAt}},"service":{{json (.Label "service")}},' +
  '"role":{{json (.Label "role")}},"destination":{{json (.Label "destination")}},' +
  `"deployId":{{json (.Label "${DEPLOY_ID_LABEL}")}}}`;

/** The filter as Docker takes it: values by kind, e.g. {label: ['service=app'], status: ['running']}. */
export function containerFilters(f: ContainerFilter): Record<string, string[]> {
  assertNamePart('service', f.service);
  const label = [`service=${f.service}`];
  if (!f.allDestinations) label.push(`destination=${f.destination ?? ''}`);
  if (f.role !== undefined) label.push(`role=${f.role}`);
  return f.statuses?.length ? { label, status: [...f.statuses] } : { label };
}

export function filterArgs(f: ContainerFilter): string[] {
  return Object.entries(containerFilters(f)).flatMap(([kind, values]) => values.flatMap((v) => ['--filter', `${kind}=${v}`]));
}

/** All containers (any state) matching the filter, newest first, one JSON line each. */
export function listContainers(f: ContainerFilter): string[] {
  return ['docker', 'ps', '--all', '--no-trunc', ...filterArgs(f), '--format', PS_FORMAT];
}

export interface ContainerSummary {
  name: string;
  id: string;
  /** created, running, restarting, exited, paused, dead, removing */
  state: string;
  /** Human status, e.g. "Up 2 minutes (healthy)". */
  status: string;
  image: string;
  /** As Docker prints it: `2024-05-01 12:00:00 +0000 UTC`. */
  createdAt: string;
  service: string;
  role: string;
  destination: string;
  /** Empty for containers Sextant did not start (e.g. Kamal's). */
  deployId: string;
}

export function parseContainerList(stdout: string): ContainerSummary[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const o = JSON.parse(line) as Record<string, unknown>;
      const s = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
      return {
        name: s('name'), id: s('id'), state: s('state'), status: s('status'), image: s('image'), createdAt: s('createdAt'),
        service: s('service'), role: s('role'), destination: s('destination'), deployId: s('deployId'),
      };
    });
}

// The whole .State: Docker's templates fail on a missing key, and .State.Health exists only
// for images with a health check.
const INSPECT_FORMAT =
  '{"id":{{json .Id}},"name":{{json .Name}},"state":{{json .State}},' +
  '"restartCount":{{json .RestartCount}},"image":{{json .Config.Image}},' +
  `"deployId":{{json (index .Config.Labels "${DEPLOY_ID_LABEL}")}},` +
  `"ip":{{with index .NetworkSettings.Networks "${NETWORK}"}}{{json .IPAddress}}{{else}}null{{end}}}`;

/** State, health and `kamal` network IP of one container; exits non-zero if it does not exist. */
export function inspectContainer(name: string): string[] {
  return ['docker', 'container', 'inspect', '--format', INSPECT_FORMAT, checkContainer(name)];
}

export interface ContainerDetails {
  id: string;
  name: string;
  status: string;
  /** starting / healthy / unhealthy, or null when the container has no health check. */
  health: string | null;
  exitCode: number;
  restartCount: number;
  startedAt: string;
  image: string;
  deployId: string;
  /** Address on the `kamal` network, or null when not attached / not running. */
  ip: string | null;
}

export function parseContainerInspect(stdout: string): ContainerDetails {
  const o = JSON.parse(stdout.trim()) as Record<string, unknown>;
  const s = (k: string): string => (typeof o[k] === 'string' ? (o[k] as string) : '');
  const state = (o.state ?? {}) as { Status?: string; ExitCode?: number; StartedAt?: string; Health?: { Status?: string } };
  return {
    id: s('id'),
    name: s('name').replace(/^\//, ''),
    status: state.Status ?? '',
    health: state.Health?.Status ?? null,
    exitCode: state.ExitCode ?? 0,
    restartCount: typeof o.restartCount === 'number' ? o.restartCount : 0,
    startedAt: state.StartedAt ?? '',
    image: s('image'),
    deployId: s('deployId'),
    ip: typeof o.ip === 'string' && o.ip ? o.ip : null,
  };
}

/** Just the container's IP on the `kamal` network (empty line when none). */
export function containerIp(name: string): string[] {
  return [
    'docker', 'container', 'inspect', '--format',
    `{{with index .NetworkSettings.Networks "${NETWORK}"}}{{.IPAddress}}{{end}}`,
    checkContainer(name),
  ];
}

/** Last lines of a container's output; the caller merges stderr (Docker replays the app's stderr there). */
export function logs(name: string, lines = 50): string[] {
  if (!Number.isInteger(lines) || lines <= 0) throw new Error(`logs: lines must be a positive whole number, got ${lines}`);
  return ['docker', 'logs', '--tail', String(lines), '--timestamps', checkContainer(name)];
}

/** Stops and removes in one step: for a container that failed and must not linger. */
export function forceRemove(name: string): string[] {
  return ['docker', 'rm', '--force', checkContainer(name)];
}

export interface ExecParams {
  /** The command, as separate words (no host shell evaluates it). */
  cmd: readonly string[];
  /** `-e K=V` from the command line. */
  env?: Readonly<Record<string, string>>;
  /** Keep stdin open and allocate a TTY (`app exec -i`). */
  interactive?: boolean;
}

function checkCmd(cmd: readonly string[]): readonly string[] {
  if (cmd.length === 0) throw new Error('exec: no command given');
  return cmd;
}

/** `app exec --reuse`: runs in the role's running container. */
export function execIn(container: string, p: ExecParams): string[] {
  return ['docker', 'exec', ...(p.interactive ? ['--interactive', '--tty'] : []), ...keyValueArgs('--env', p.env), checkContainer(container), ...checkCmd(p.cmd)];
}

export interface RunOnceParams extends RoleScope, ExecParams {
  /** Image with tag, e.g. naming.versionedImage(). */
  image: string;
  /** The role's clear env; its secrets come from the role's env file, as in the app's own container. */
  clearEnv?: Readonly<Record<string, string>>;
  /** Leave it running in the background (`--detach`) instead of removing it when it exits. */
  detach?: boolean;
}

/** `app exec`: a new container of the role's image and env, on the `kamal` network. */
export function runOnce(p: RunOnceParams): string[] {
  if (!p.image || p.image.startsWith('-') || /\s/.test(p.image)) throw new Error(`invalid image ${JSON.stringify(p.image)}`);
  return [
    'docker', 'run',
    ...(p.detach ? ['--detach'] : ['--rm']),
    ...(p.interactive ? ['--interactive', '--tty'] : []),
    '--network', NETWORK,
    '--env-file', roleEnvFile(p),
    ...keyValueArgs('--env', p.clearEnv),
    ...keyValueArgs('--env', p.env),
    p.image,
    ...checkCmd(p.cmd),
  ];
}
