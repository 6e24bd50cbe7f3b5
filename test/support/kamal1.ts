// A lab host as Kamal 1.x (or 0.16) leaves it after a deploy, made with the argv those versions
// run: Traefik v2.10 on port 80 with the Docker provider and Kamal's catch-all labels, and each
// role's container on the default bridge with Traefik labels, a Docker health check and (1.x)
// the env file under .kamal/env/roles, or (0.16) secrets on the command line and no destination
// label. Nothing of Sextant is on the host: no kamal network, no kamal-proxy, no state volume.
import { onHost, type Lab, type LabHost } from './lab';

export interface KamalHostOptions {
  service: string;
  /** Full image reference, pulled from the lab registry. */
  image: string;
  version: string;
  /** Roles on this host; `traefik` ones get Traefik's labels. */
  roles: { name: string; traefik: boolean }[];
  secrets: Record<string, string>;
  kamal: '1.x' | '0.16';
  /** Accessories on this host (shell command lines), on the default bridge as Kamal 1.x ran them. */
  accessories?: { name: string; image: string; cmd: string }[];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function traefikRun(lab: Lab): string {
  const labels = {
    'traefik.http.routers.catchall.entryPoints': 'http',
    'traefik.http.routers.catchall.rule': 'PathPrefix(`/`)',
    'traefik.http.routers.catchall.service': 'unavailable',
    'traefik.http.routers.catchall.priority': '1',
    'traefik.http.services.unavailable.loadbalancer.server.port': '0',
  };
  return [
    'docker run --name traefik --detach --restart unless-stopped --publish 80:80',
    '--volume /var/run/docker.sock:/var/run/docker.sock --log-opt max-size=10m',
    ...Object.entries(labels).map(([k, v]) => `--label ${q(`${k}=${v}`)}`),
    lab.traefikImage,
    '--providers.docker --log.level=DEBUG',
  ].join(' ');
}

function roleRun(o: KamalHostOptions, role: { name: string; traefik: boolean }): string {
  const name = `${o.service}-${role.name}-${o.version}`;
  const router = `${o.service}-${role.name}`;
  const labels: Record<string, string> = { service: o.service, role: role.name };
  if (role.traefik) {
    Object.assign(labels, {
      [`traefik.http.services.${router}.loadbalancer.server.scheme`]: 'http',
      [`traefik.http.routers.${router}.rule`]: 'PathPrefix(`/`)',
      [`traefik.http.routers.${router}.priority`]: '2',
      [`traefik.http.middlewares.${router}-retry.retry.attempts`]: '5',
      [`traefik.http.middlewares.${router}-retry.retry.initialinterval`]: '500ms',
      [`traefik.http.routers.${router}.middlewares`]: `${router}-retry@docker`,
    });
  }
  const env =
    o.kamal === '1.x'
      ? `--env-file .kamal/env/roles/${o.service}-${role.name}.env`
      : Object.entries(o.secrets).map(([k, v]) => `-e ${q(`${k}=${v}`)}`).join(' ');
  return [
    `docker run --detach --restart unless-stopped --name ${name}`,
    `-e KAMAL_CONTAINER_NAME=${name} -e KAMAL_VERSION=${o.version}`,
    env,
    // Kamal's default is curl; the lab's busybox image has wget.
    ...(role.traefik ? [`--health-cmd ${q('wget -q -O /dev/null http://localhost:3000/up || exit 1')} --health-interval 1s`] : []),
    '--log-opt max-size=10m',
    ...Object.entries(labels).map(([k, v]) => `--label ${q(`${k}=${v}`)}`),
    // Kamal 1.x sets an empty destination label without a destination; 0.16 sets none.
    ...(o.kamal === '1.x' ? ['--label destination'] : []),
    o.image,
  ].join(' ');
}

/** Clears what other tests left of Sextant on the host, then deploys as Kamal would. */
export function makeKamalHost(lab: Lab, host: LabHost, o: KamalHostOptions): void {
  const envFiles = o.roles
    .map((r) => `printf %s ${q(Object.entries(o.secrets).map(([k, v]) => `${k}=${v}\n`).join(''))} > .kamal/env/roles/${o.service}-${r.name}.env`)
    .join('; ');
  onHost(
    host,
    [
      'docker rm -f kamal-proxy kamal-proxy-upgrade traefik >/dev/null 2>&1; docker volume rm kamal-proxy-config >/dev/null 2>&1; docker network rm kamal >/dev/null 2>&1; true',
      `printf %s ${q(lab.registry.password)} | docker login -u ${q(lab.registry.username)} --password-stdin ${lab.registry.server} >/dev/null`,
      `docker pull -q ${o.image} >/dev/null && docker pull -q ${lab.traefikImage} >/dev/null`,
      ...(o.kamal === '1.x' ? [`mkdir -p .kamal/env/roles && (umask 077; ${envFiles})`] : []),
      traefikRun(lab),
      ...o.roles.map((r) => roleRun(o, r)),
      ...(o.accessories ?? []).map((a) => `docker run --name ${o.service}-${a.name} --detach --restart unless-stopped --log-opt max-size=10m --label service=${o.service}-${a.name} ${a.image} ${a.cmd}`),
    ].join(' && '),
  );
}

/** Until Traefik has picked up the running containers (its Docker provider reacts to events). */
export async function waitForTraefik(url: string, body: string, get: (u: string) => Promise<{ status: number; body: string }>): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const res = await get(url).catch(() => null);
    if (res?.status === 200 && res.body.trim() === body) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} never answered ${body} through Traefik`);
}
