// A throwaway copy of the example app (test/fixtures/app) with a config/deploy.yml and
// .kamal/secrets generated from lab.json: what a user's checkout looks like.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readLab, repoRoot, type Lab } from './lab';

export interface Project {
  dir: string;
  home: string;
  lab: Lab;
  service: string;
  env: NodeJS.ProcessEnv;
  hosts: string[];
}

export interface ProjectOptions {
  service?: string;
  hosts?: number;
  /** Merged over the generated deploy.yml (top-level keys replace). */
  config?: Record<string, unknown>;
  secrets?: Record<string, string>;
  /** Use the lab's Temporal (default) or none (the agent's own dev server). */
  temporal?: 'lab' | 'agent';
  env?: NodeJS.ProcessEnv;
  /** Hook scripts (name → script), written executable to .kamal/hooks/ and committed with the app. */
  hooks?: Record<string, string>;
}

export function appConfig(lab: Lab, service: string, hosts: string[]): Record<string, unknown> {
  return {
    service,
    image: `sextant/${service}`,
    servers: { web: { hosts } },
    registry: { server: lab.registry.server, username: lab.registry.username, password: ['REGISTRY_PASSWORD'] },
    proxy: {
      app_port: 3000,
      healthcheck: { path: '/up', interval: 1, timeout: 2 },
      run: { registry: lab.proxy.registry, repository: lab.proxy.repository, version: lab.proxy.version },
    },
    env: { clear: { APP_MODE: 'lab' }, secret: ['APP_SECRET'] },
    ssh: { user: lab.hosts[0]!.user, keys: [lab.hosts[0]!.key] },
    boot: { limit: 1, wait: 1 },
    deploy_timeout: 20,
    drain_timeout: 2,
    retain_containers: 3,
  };
}

/** Every project this test process made: their agents are stopped when it ends (root-hooks.ts). */
export const madeProjects: Project[] = [];

export function makeProject(options: ProjectOptions = {}): Project {
  const lab = readLab();
  const service = options.service ?? `app${Math.random().toString(36).slice(2, 7)}`;
  // SEXTANT_TEST_HOSTS_FROM=K starts at the lab's K-th host, so people (or sessions) working in
  // parallel on one larger lab keep out of each other's hosts and kamal-proxy routes.
  // SEXTANT_TEST_HOSTS_COUNT caps how many it may take (npm test's lanes have three hosts each).
  const from = Number(process.env.SEXTANT_TEST_HOSTS_FROM ?? 0);
  const count = options.hosts ?? Number(process.env.SEXTANT_TEST_HOSTS_COUNT ?? lab.hosts.length - from);
  const hosts = lab.hosts.slice(from, from + count).map((h) => h.address);
  if (hosts.length < (options.hosts ?? 1)) throw new Error(`the lab has too few hosts from #${from + 1} for ${options.hosts}: run \`npm run lab:up -- --hosts ${from + (options.hosts ?? 1)}\``);
  const root = mkdtempSync(join(lab.stateDir ?? tmpdir(), `sextant-${service}-`));
  const dir = join(root, 'app');
  const home = join(root, 'home');
  cpSync(join(repoRoot, 'test', 'fixtures', 'app'), dir, { recursive: true });
  mkdirSync(join(dir, 'config'), { recursive: true });
  mkdirSync(join(dir, '.kamal'), { recursive: true });
  writeFileSync(join(dir, 'config', 'deploy.yml'), stringify({ ...appConfig(lab, service, hosts), ...options.config }));
  const secrets = { REGISTRY_PASSWORD: lab.registry.password, APP_SECRET: 'not-a-real-secret', ...options.secrets };
  writeFileSync(join(dir, '.kamal', 'secrets'), Object.entries(secrets).map(([k, v]) => `${k}=${v}\n`).join(''));
  if (options.hooks) mkdirSync(join(dir, '.kamal', 'hooks'));
  for (const [name, script] of Object.entries(options.hooks ?? {})) writeFileSync(join(dir, '.kamal', 'hooks', name), script, { mode: 0o755 });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('-c', 'user.email=lab@sextant.test', '-c', 'user.name=lab', 'add', '-A');
  git('-c', 'user.email=lab@sextant.test', '-c', 'user.name=lab', 'commit', '-qm', 'app');
  const temporal = options.temporal ?? 'lab';
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SEXTANT_HOME: home,
    DOCKER_HOST: lab.docker.host,
    ...(temporal === 'lab' ? { SEXTANT_TEMPORAL_ADDRESS: lab.temporal.address, SEXTANT_TEMPORAL_UI: lab.temporal.ui } : { SEXTANT_TEMPORAL_ADDRESS: '' }),
    NO_COLOR: '1',
    ...options.env,
  };
  const project = { dir, home, lab, service, env, hosts };
  madeProjects.push(project);
  return project;
}
