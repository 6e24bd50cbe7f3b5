// kamal-proxy (v0.9.2 flags): its container, and the CLI that talks to it through a socket inside
// that container, hence `docker exec kamal-proxy kamal-proxy …`.
import { DEPLOY_ID_LABEL, NETWORK, PROXY_CONTAINER, assertNamePart } from './naming';
import { DockerOptions, optionize } from './options';

export const DEFAULT_PROXY_REPOSITORY = 'basecamp/kamal-proxy';
export const DEFAULT_PROXY_VERSION = 'v0.9.2';
/** State (services, certificates) lives in this named volume, so a new proxy container keeps it. */
export const PROXY_CONFIG_VOLUME = 'kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy';
export const PROXY_APPS_CONFIG_CONTAINER_DIR = '/home/kamal-proxy/.apps-config';

export interface ProxyImageParams {
  registry?: string;
  repository?: string;
  version?: string;
}

export function proxyImage(p: ProxyImageParams = {}): string {
  const repository = p.repository ?? DEFAULT_PROXY_REPOSITORY;
  return `${p.registry ? `${p.registry.replace(/\/+$/, '')}/` : ''}${repository}:${p.version ?? DEFAULT_PROXY_VERSION}`;
}

export interface ProxyRunParams {
  image?: ProxyImageParams;
  /** Host ports published to the proxy's 80 and 443 (default 80, 443). */
  httpPort?: number;
  httpsPort?: number;
  /** false = publish nothing (another front end forwards to the container). */
  publish?: boolean;
  /** Publish only on these addresses. */
  bindIps?: readonly string[];
  /** `--log-opt max-size`; default 10m, null for Docker's own logging defaults. */
  logMaxSize?: string | null;
  debug?: boolean;
  metricsPort?: number;
  /** Absolute host path of ~/.kamal/proxy/apps-config (error pages, custom certificates), if used. */
  appsConfigHostDir?: string;
  options?: DockerOptions;
}

function port(n: number, what: string): string {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`invalid ${what} ${n}`);
  return String(n);
}

function publishArgs(p: ProxyRunParams): string[] {
  if (p.publish === false) return [];
  const http = port(p.httpPort ?? 80, 'proxy http port');
  const https = port(p.httpsPort ?? 443, 'proxy https port');
  const ips = p.bindIps?.length ? p.bindIps : [undefined];
  return ips.flatMap((ip) => {
    const bind = ip === undefined ? '' : `${ip.includes(':') && !ip.startsWith('[') ? `[${ip}]` : ip}:`;
    return ['--publish', `${bind}${http}:80`, '--publish', `${bind}${https}:443`];
  });
}

export interface ProxyContainerAs {
  /** `docker create`: made but not started (`sextant upgrade` starts it the moment Traefik stops). */
  create?: boolean;
  /** Another name (upgrade's staging proxy, which shares the state volume); default kamal-proxy. */
  name?: string;
}

/** `docker run` for the kamal-proxy container, in Kamal 2's argument order. */
export function run(p: ProxyRunParams = {}, as: ProxyContainerAs = {}): string[] {
  if (p.appsConfigHostDir !== undefined && !p.appsConfigHostDir.startsWith('/')) {
    throw new Error(`appsConfigHostDir must be an absolute path, got ${JSON.stringify(p.appsConfigHostDir)}`);
  }
  const logMaxSize = p.logMaxSize === undefined ? '10m' : p.logMaxSize;
  return [
    'docker', as.create ? 'create' : 'run',
    '--name', as.name ?? PROXY_CONTAINER,
    '--network', NETWORK,
    ...(as.create ? [] : ['--detach']),
    '--restart', 'unless-stopped',
    '--volume', PROXY_CONFIG_VOLUME,
    ...(p.appsConfigHostDir ? ['--volume', `${p.appsConfigHostDir}:${PROXY_APPS_CONFIG_CONTAINER_DIR}`] : []),
    ...publishArgs(p),
    ...(logMaxSize ? ['--log-opt', `max-size=${logMaxSize}`] : []),
    ...(p.metricsPort !== undefined ? [`--expose=${port(p.metricsPort, 'metrics port')}`] : []),
    ...optionize(p.options),
    proxyImage(p.image),
    'kamal-proxy', 'run',
    ...(p.debug ? ['--debug'] : []),
    ...(p.metricsPort !== undefined ? ['--metrics-port', String(p.metricsPort)] : []),
  ];
}

export function start(): string[] {
  return ['docker', 'container', 'start', PROXY_CONTAINER];
}

export function stopContainer(): string[] {
  return ['docker', 'container', 'stop', PROXY_CONTAINER];
}

export function removeContainer(): string[] {
  return ['docker', 'container', 'rm', '--force', PROXY_CONTAINER];
}

export function removeImage(image: string): string[] {
  if (!image || image.startsWith('-') || /\s/.test(image)) throw new Error(`invalid image ${JSON.stringify(image)}`);
  return ['docker', 'image', 'rm', '--force', image];
}

/** The Sextant deploy/operation ID the proxy container was started by (empty line when none). */
export function startedBy(): string[] {
  return ['docker', 'container', 'inspect', '--format', `{{index .Config.Labels "${DEPLOY_ID_LABEL}"}}`, PROXY_CONTAINER];
}

/** `docker ps` line of the proxy container, running or not (empty when there is none). */
export function details(): string[] {
  return ['docker', 'ps', '--all', '--filter', `name=^${PROXY_CONTAINER}$`];
}

/** Status and image of the proxy container, and whether it is on the `kamal` network; exits non-zero when there is none. */
export function inspect(): string[] {
  const onNetwork = `{{with index .NetworkSettings.Networks "${NETWORK}"}}true{{else}}false{{end}}`;
  return ['docker', 'container', 'inspect', '--format', `{"status":{{json .State.Status}},"image":{{json .Config.Image}},"onNetwork":${onNetwork}}`, PROXY_CONTAINER];
}

export interface ProxyState {
  status: string;
  onNetwork: boolean;
}

/** What inspect() printed that callers act on. */
export function parseInspect(stdout: string): ProxyState {
  const o = JSON.parse(stdout.trim()) as Partial<ProxyState>;
  return { status: o.status ?? '', onNetwork: o.onNetwork === true };
}

function exec(container: string, ...args: string[]): string[] {
  assertNamePart('proxy container', container);
  return ['docker', 'exec', container, 'kamal-proxy', ...args];
}

function seconds(n: number, what: string): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a whole number of seconds, got ${n}`);
  return `${n}s`;
}

function checkService(service: string): string {
  assertNamePart('proxy service', service);
  return service;
}

export interface ProxyDeployParams {
  /** naming.proxyServiceName(scope) */
  service: string;
  /** `address:port` of the new container on the `kamal` network (IP or container name). */
  target: string;
  /** The proxy container to tell (default kamal-proxy). */
  container?: string;
  hosts?: readonly string[];
  pathPrefixes?: readonly string[];
  stripPathPrefix?: boolean;
  tls?: boolean;
  tlsRedirect?: boolean;
  /** Default 30 (Kamal's deploy_timeout). */
  deployTimeoutSeconds?: number;
  /** Default 30 (Kamal's drain_timeout). */
  drainTimeoutSeconds?: number;
  healthCheck?: { path?: string; intervalSeconds?: number; timeoutSeconds?: number };
  /** Kamal's `response_timeout`. */
  targetTimeoutSeconds?: number;
  /** Kamal turns both on unless configured off. */
  bufferRequests?: boolean;
  bufferResponses?: boolean;
  bufferMemory?: number;
  maxRequestBody?: number;
  maxResponseBody?: number;
  forwardHeaders?: boolean;
  /** Default Kamal's: Cache-Control, Last-Modified, User-Agent. */
  logRequestHeaders?: readonly string[];
  logResponseHeaders?: readonly string[];
}

export const KAMAL_LOG_REQUEST_HEADERS: readonly string[] = ['Cache-Control', 'Last-Modified', 'User-Agent'];

/**
 * Routes the service to a new target: kamal-proxy health-checks it, switches atomically and drains
 * the old target before returning. Fails with "target failed to become healthy" after the timeout.
 */
export function deploy(p: ProxyDeployParams): string[] {
  if (!/^[^\s:/][^\s/]*:\d{1,5}$/.test(p.target)) {
    throw new Error(`proxy target must be address:port, got ${JSON.stringify(p.target)}`);
  }
  if (p.tls && !p.hosts?.length) throw new Error('proxy TLS needs at least one host (kamal-proxy refuses TLS without a host)');
  const flags: Array<[string, string | boolean | number | readonly string[] | undefined]> = [
    ['target', p.target],
    ['host', p.hosts],
    ['path-prefix', p.pathPrefixes],
    ['strip-path-prefix', p.stripPathPrefix],
    ['tls', p.tls || undefined],
    ['tls-redirect', p.tlsRedirect],
    ['deploy-timeout', seconds(p.deployTimeoutSeconds ?? 30, 'deploy timeout')],
    ['drain-timeout', seconds(p.drainTimeoutSeconds ?? 30, 'drain timeout')],
    ['health-check-interval', p.healthCheck?.intervalSeconds === undefined ? undefined : seconds(p.healthCheck.intervalSeconds, 'health check interval')],
    ['health-check-timeout', p.healthCheck?.timeoutSeconds === undefined ? undefined : seconds(p.healthCheck.timeoutSeconds, 'health check timeout')],
    ['health-check-path', p.healthCheck?.path],
    ['target-timeout', p.targetTimeoutSeconds === undefined ? undefined : seconds(p.targetTimeoutSeconds, 'target timeout')],
    ['buffer-requests', p.bufferRequests ?? true],
    ['buffer-responses', p.bufferResponses ?? true],
    ['buffer-memory', p.bufferMemory],
    ['max-request-body', p.maxRequestBody],
    ['max-response-body', p.maxResponseBody],
    ['forward-headers', p.forwardHeaders],
    ['log-request-header', p.logRequestHeaders ?? KAMAL_LOG_REQUEST_HEADERS],
    ['log-response-header', p.logResponseHeaders],
  ];
  // kamal-proxy's flags take `--name=value`; `--name=false` turns off a flag that defaults on.
  const args = flags.flatMap(([name, value]): string[] => {
    if (value === undefined) return [];
    if (value === true) return [`--${name}`];
    if (Array.isArray(value)) return value.map((v: string) => `--${name}=${v}`);
    return [`--${name}=${String(value)}`];
  });
  return exec(p.container ?? PROXY_CONTAINER, 'deploy', checkService(p.service), ...args);
}

export function remove(service: string): string[] {
  return exec(PROXY_CONTAINER, 'remove', checkService(service));
}

/** Maintenance mode: the proxy answers with `message` instead of forwarding. */
export function stop(service: string, opts: { drainTimeoutSeconds?: number; message?: string } = {}): string[] {
  return exec(
    PROXY_CONTAINER, 'stop', checkService(service),
    ...(opts.drainTimeoutSeconds !== undefined ? [`--drain-timeout=${seconds(opts.drainTimeoutSeconds, 'drain timeout')}`] : []),
    ...(opts.message !== undefined ? [`--message=${opts.message}`] : []),
  );
}

export function resume(service: string): string[] {
  return exec(PROXY_CONTAINER, 'resume', checkService(service));
}

/** v0.9.2 has no `--json`: parse the table with parseList. */
export function list(container = PROXY_CONTAINER): string[] {
  return exec(container, 'list');
}

export interface ProxyServiceEntry {
  service: string;
  host: string;
  path: string;
  target: string;
  state: string;
  tls: boolean;
}

/**
 * Parses `kamal-proxy list`: a table whose every cell is wrapped in ANSI styles and padded to its
 * column's width. Cells can be empty (no host), so columns are cut at the header's positions.
 */
export function parseList(stdout: string): ProxyServiceEntry[] {
  const lines = stdout.replace(/\x1b\[[0-9;]*m/g, '').split('\n').filter((l) => l.trim());
  const header = lines.shift();
  if (header === undefined) return [];
  const columns = ['Service', 'Host', 'Path', 'Target', 'State', 'TLS'];
  const starts = columns.map((c) => header.search(new RegExp(`(?<!\\S)${c}(?!\\S)`)));
  if (starts[0] !== 0 || starts.some((s, i) => i > 0 && s <= starts[i - 1]!)) {
    throw new Error(`unexpected kamal-proxy list header: ${JSON.stringify(header)}`);
  }
  return lines.map((line) => {
    const cell = (i: number): string => line.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined).trim();
    return { service: cell(0), host: cell(1), path: cell(2), target: cell(3), state: cell(4), tls: cell(5) === 'yes' };
  });
}
