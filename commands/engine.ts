// What a deploy asks of every host's Docker engine most often, two ways that give one answer:
// an Engine API request (sent over the SSH connection to the socket the host's docker CLI uses:
// ~3 ms of CPU, where starting the docker CLI costs ~25 ms) and the docker CLI command that does
// the same (for hosts whose engine cannot be reached that way). Each call parses both replies
// into the same value; the tests hold the two to it against a real engine.
import * as app from './app';
import { DEPLOY_ID_LABEL, NETWORK, PROXY_CONTAINER, assertNamePart, type ServiceScope } from './naming';
import * as prune from './prune';
import type { ProxyState } from './proxy';
import * as proxy from './proxy';
import { inspectNetwork } from './network';

export interface EngineRequest {
  method: 'GET' | 'POST';
  /** Unversioned (the engine's own API version): the fields read here are in every version. */
  path: string;
  /** JSON. */
  body?: string;
  /** The reply is a command's output in Docker's multiplexed stream (an exec's start). */
  output?: true;
}

export interface EngineReply {
  status: number;
  /** With `output` and a 2xx status: the command's stdout. */
  body: string;
  /** With `output` and a 2xx status: the command's stderr. */
  stderr?: string;
}

export interface CliReply {
  code: number;
  stdout: string;
  stderr: string;
}

export interface DockerCall<T> {
  /** For messages: "listing containers", "stopping app-web-v1". */
  what: string;
  cli: string[];
  api: EngineRequest;
  fromCli(reply: CliReply): T;
  fromApi(reply: EngineReply): T;
}

/** The engine refused or failed a call (its own message, or the CLI's stderr). */
export class DockerCallError extends Error {
  override readonly name = 'DockerCallError';
}

/** The current docker context's endpoint, as the host's docker CLI resolves it (DOCKER_HOST, DOCKER_CONTEXT, config.json). */
export function engineEndpoint(): string[] {
  return ['docker', 'context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'];
}

/** The socket path of a `unix://` endpoint; null for any other (tcp://, ssh://, npipe://), which stays with the CLI. */
export function parseEngineEndpoint(stdout: string): string | null {
  const m = /^unix:\/\/(\/\S*)$/.exec(stdout.trim());
  return m ? m[1]! : null;
}

function query(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
}

function apiMessage(reply: EngineReply): string {
  try {
    const o = JSON.parse(reply.body) as { message?: unknown };
    if (typeof o.message === 'string') return o.message;
  } catch {
    // not JSON: the body as it is
  }
  return reply.body.trim() || `HTTP ${reply.status}`;
}

function accepted(reply: EngineReply): void {
  if (reply.status < 200 || reply.status >= 300) throw new DockerCallError(apiMessage(reply));
}

function json<T>(reply: EngineReply): T {
  accepted(reply);
  return JSON.parse(reply.body) as T;
}

function cliOut(reply: CliReply): string {
  if (reply.code !== 0) throw new DockerCallError(reply.stderr.trim() || `exit code ${reply.code}`);
  return reply.stdout;
}

/** A read of one object that may not exist: null then (a non-zero CLI exit, as before, or HTTP 404). */
function lookup<T, J>(what: string, cli: string[], path: string, fromStdout: (s: string) => T, fromJson: (o: J) => T): DockerCall<T | null> {
  return {
    what,
    cli,
    api: { method: 'GET', path },
    fromCli: (r) => (r.code === 0 ? fromStdout(r.stdout) : null),
    fromApi: (r) => (r.status === 404 ? null : fromJson(json<J>(r))),
  };
}

function list<T, J>(what: string, cli: string[], path: string, fromStdout: (s: string) => T[], fromJson: (o: J) => T[]): DockerCall<T[]> {
  return {
    what,
    cli,
    api: { method: 'GET', path },
    fromCli: (r) => fromStdout(cliOut(r)),
    fromApi: (r) => fromJson(json<J>(r)),
  };
}

interface ApiContainer {
  Id?: string;
  Names?: string[];
  Image?: string;
  Created?: number;
  State?: string;
  Status?: string;
  Labels?: Record<string, string> | null;
}

/** The CLI's `.CreatedAt` (Go's time.String() in the CLI's zone); rendered in UTC here, which prune reads the same. */
export function cliTime(unixSeconds: number): string {
  const iso = new Date(unixSeconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/** What the CLI's `--no-trunc` format prints for one container of /containers/json. */
export function summaryFromApi(c: ApiContainer): app.ContainerSummary {
  const label = (k: string) => c.Labels?.[k] ?? '';
  return {
    name: (c.Names ?? []).map((n) => n.replace(/^\//, '')).join(','),
    id: c.Id ?? '',
    state: c.State ?? '',
    status: c.Status ?? '',
    image: c.Image || '<no image>',
    createdAt: typeof c.Created === 'number' ? cliTime(c.Created) : '',
    service: label('service'),
    role: label('role'),
    destination: label('destination'),
    deployId: label(DEPLOY_ID_LABEL),
  };
}

function containersPath(filters: Record<string, string[]>): string {
  return `/containers/json?${query({ all: '1', filters: JSON.stringify(filters) })}`;
}

/** app.listContainers: every container the filter matches, newest first. */
export function containers(f: app.ContainerFilter): DockerCall<app.ContainerSummary[]> {
  return list('listing containers', app.listContainers(f), containersPath(app.containerFilters(f)), app.parseContainerList, (o: ApiContainer[]) => o.map(summaryFromApi));
}

/** prune.listServiceContainers: the service's containers in every destination, with their images. */
export function serviceContainers(scope: Pick<ServiceScope, 'service'>): DockerCall<prune.ServiceContainer[]> {
  const filters = app.containerFilters({ service: scope.service, allDestinations: true });
  return list('listing the service\'s containers', prune.listServiceContainers(scope), containersPath(filters), prune.parseServiceContainers, (o: ApiContainer[]) =>
    o.map((c) => {
      const s = summaryFromApi(c);
      return { name: s.name, image: s.image };
    }),
  );
}

interface ApiImage {
  Id?: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
}

/** The CLI's lines of one image of /images/json: one per tag; untagged, `<none>` (by digest repository where there is one). */
export function imagesFromApi(i: ApiImage): prune.ImageSummary[] {
  const id = i.Id ?? '';
  const tags = (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  if (tags.length) {
    return tags.map((t) => {
      const at = t.lastIndexOf(':');
      return at > t.lastIndexOf('/') ? { id, repository: t.slice(0, at), tag: t.slice(at + 1) } : { id, repository: t, tag: '<none>' };
    });
  }
  const digests = (i.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
  if (digests.length) return digests.map((d) => ({ id, repository: d.split('@')[0]!, tag: '<none>' }));
  return [{ id, repository: '<none>', tag: '<none>' }];
}

/** prune.listServiceImages: the service's images (not intermediate layers), a line per tag. */
export function serviceImages(scope: Pick<ServiceScope, 'service'>): DockerCall<prune.ImageSummary[]> {
  const cli = prune.listServiceImages(scope);
  const path = `/images/json?${query({ filters: JSON.stringify({ label: [`service=${scope.service}`] }) })}`;
  return list('listing the service\'s images', cli, path, prune.parseImageList, (o: ApiImage[]) => o.flatMap(imagesFromApi));
}

interface ApiInspect {
  Id?: string;
  Name?: string;
  State?: { Status?: string; ExitCode?: number; StartedAt?: string; Health?: { Status?: string } };
  RestartCount?: number;
  Config?: { Image?: string; Labels?: Record<string, string> | null };
  NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> | null };
}

/** What app.parseContainerInspect reads, from /containers/{name}/json. */
export function detailsFromApi(o: ApiInspect): app.ContainerDetails {
  const ip = o.NetworkSettings?.Networks?.[NETWORK]?.IPAddress;
  return {
    id: o.Id ?? '',
    name: (o.Name ?? '').replace(/^\//, ''),
    status: o.State?.Status ?? '',
    health: o.State?.Health?.Status ?? null,
    exitCode: o.State?.ExitCode ?? 0,
    restartCount: o.RestartCount ?? 0,
    startedAt: o.State?.StartedAt ?? '',
    image: o.Config?.Image ?? '',
    deployId: o.Config?.Labels?.[DEPLOY_ID_LABEL] ?? '',
    ip: ip || null,
  };
}

/** app.inspectContainer: null when there is no such container. */
export function containerDetails(name: string): DockerCall<app.ContainerDetails | null> {
  const cli = app.inspectContainer(name); // checks the name
  return lookup(`inspecting ${name}`, cli, `/containers/${name}/json`, app.parseContainerInspect, detailsFromApi);
}

/** proxy.inspect: null when there is no kamal-proxy container. */
export function proxyState(): DockerCall<ProxyState | null> {
  return lookup('inspecting kamal-proxy', proxy.inspect(), `/containers/${PROXY_CONTAINER}/json`, proxy.parseInspect, (o: ApiInspect) => ({
    status: o.State?.Status ?? '',
    onNetwork: Boolean(o.NetworkSettings?.Networks?.[NETWORK]),
  }));
}

/** network.inspectNetwork: whether the `kamal` network exists. */
export function networkExists(): DockerCall<boolean> {
  const call = lookup('inspecting the kamal network', inspectNetwork(), `/networks/${NETWORK}`, () => true, () => true);
  return { ...call, fromCli: (r) => call.fromCli(r) ?? false, fromApi: (r) => call.fromApi(r) ?? false };
}

/** A write whose answer is only "done" (2xx, or 304: it already was). */
function action(what: string, cli: string[], path: string): DockerCall<void> {
  return {
    what,
    cli,
    api: { method: 'POST', path },
    fromCli: (r) => void cliOut(r),
    fromApi: (r) => {
      if (r.status !== 304) accepted(r);
    },
  };
}

/** app.stop: SIGTERM, then SIGKILL after `timeoutSeconds`; an already stopped container is fine. */
export function stop(name: string, timeoutSeconds: number): DockerCall<void> {
  // app.stop checks the name (a path segment here, as it is an argument there).
  const cli = app.stop(name, timeoutSeconds);
  return action(`stopping ${name}`, cli, `/containers/${name}/stop?${query({ t: String(timeoutSeconds) })}`);
}

/** app.rename: fails when `from` is gone or `to` is taken. */
export function rename(from: string, to: string): DockerCall<void> {
  const cli = app.rename(from, to); // checks both names
  return action(`renaming ${from} to ${to}`, cli, `/containers/${from}/rename?${query({ name: to })}`);
}

/** prune.pruneDanglingImages: the service's untagged images no container uses. */
export function pruneDanglingImages(scope: Pick<ServiceScope, 'service'>): DockerCall<void> {
  const cli = prune.pruneDanglingImages(scope);
  const path = `/images/prune?${query({ filters: JSON.stringify({ dangling: ['true'], label: [`service=${scope.service}`] }) })}`;
  return action('removing the service\'s dangling images', cli, path);
}

/**
 * `docker exec CONTAINER CMD…` (no options) as the API runs it: create the exec, start it
 * attached (its output comes back multiplexed), then read its exit code.
 */
export interface ExecCall {
  what: string;
  cli: string[];
  create: EngineRequest;
  createdId(reply: EngineReply): string;
  start(id: string): EngineRequest;
  output(reply: EngineReply): { stdout: string; stderr: string };
  inspect(id: string): EngineRequest;
  /** Null while the engine still counts the command as running (its output can end a moment before). */
  exitCode(reply: EngineReply): number | null;
}

/** The API form of a plain `docker exec` argv, such as commands/proxy.ts builds for kamal-proxy. */
export function execOf(cli: string[]): ExecCall {
  const [docker, exec, container = '', ...cmd] = cli;
  if (docker !== 'docker' || exec !== 'exec' || container.startsWith('-') || !cmd.length) throw new Error(`not a plain docker exec: ${cli.slice(0, 4).join(' ')}`);
  assertNamePart('container', container);
  return {
    what: `running ${cmd[0]} in ${container}`,
    cli,
    create: { method: 'POST', path: `/containers/${container}/exec`, body: JSON.stringify({ AttachStdout: true, AttachStderr: true, Cmd: cmd }) },
    createdId: (r) => {
      const id = json<{ Id?: unknown }>(r).Id;
      if (typeof id !== 'string' || !/^[0-9a-f]+$/.test(id)) throw new DockerCallError(`the engine gave no exec ID: ${r.body.slice(0, 200)}`);
      return id;
    },
    start: (id) => ({ method: 'POST', path: `/exec/${id}/start`, body: JSON.stringify({ Detach: false, Tty: false }), output: true }),
    output: (r) => (accepted(r), { stdout: r.body, stderr: r.stderr ?? '' }),
    inspect: (id) => ({ method: 'GET', path: `/exec/${id}/json` }),
    exitCode: (r) => {
      const o = json<{ Running?: unknown; ExitCode?: unknown }>(r);
      return o.Running === true || typeof o.ExitCode !== 'number' ? null : o.ExitCode;
    },
  };
}

/** Docker's multiplexed stream: frames of [stream (1 stdout, 2 stderr), 0, 0, 0, length (uint32, big-endian)], then that many bytes. */
export function demultiplex(raw: Buffer): { stdout: string; stderr: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const length = raw.readUInt32BE(at + 4);
    const payload = raw.subarray(at + 8, at + 8 + length);
    (raw[at] === 2 ? err : out).push(payload);
    at += 8 + length;
  }
  return { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
