// The plan: everything a deploy will do, fixed when its workflow starts. Plain JSON (it is the
// workflow's input, readable in the Temporal UI); secrets only as Sealed values.
import type { BuilderConfig, Config } from '../config/schema';
import type { DockerOptions, LoggingParams } from '../commands/options';
import type { ProxyDeployParams, ProxyRunParams } from '../commands/proxy';

export interface Sealed {
  sealed: 'aes-256-gcm';
  iv: string;
  tag: string;
  data: string;
}

export interface SshSettings {
  user: string;
  port: number;
  /** Private key paths on the worker's machine; empty = ssh-agent and ~/.ssh/id_*. */
  keys: string[];
}

/** How kamal-proxy routes to a role: its deploy flags, plus the port the app listens on. */
export type ProxyRoute = Omit<ProxyDeployParams, 'service' | 'target' | 'deployTimeoutSeconds' | 'drainTimeoutSeconds'> & {
  appPort: number;
};

export interface RolePlan {
  name: string;
  primary: boolean;
  hosts: string[];
  cmd: string | null;
  env: { clear: Record<string, string>; secret: Record<string, Sealed> };
  labels: Record<string, string>;
  /** Extra `docker run` options as written in the config (`memory: 1g` → `--memory 1g`). */
  options: DockerOptions;
  logging: LoggingParams;
  volumes: string[];
  stopTimeout: number;
  proxy: ProxyRoute | null;
}

/**
 * The `builder:` settings as written (context defaulted). Fields after `args` came with the build
 * commands and are absent in older recorded plans. Build secrets are sealed, by name.
 */
export type BuildPlan = Pick<BuilderConfig, 'dockerfile' | 'args'> & {
  context: string;
} & Partial<Pick<BuilderConfig, 'target' | 'arch' | 'remote' | 'cache' | 'ssh' | 'driver' | 'provenance' | 'sbom' | 'multiarch'>> & {
  secrets?: Record<string, Sealed>;
};

export interface Plan {
  /** 'operation': an `app`/`proxy`/`registry`/`server` command (workflows/operation.ts). */
  kind: 'deploy' | 'rollback' | 'operation' | 'prune';
  /** Stable for the whole deploy and every retry: labels, lock details and hooks carry it. */
  deployId: string;
  service: string;
  destination: string | null;
  version: string;
  /** Repository with registry prefix, without tag. */
  image: string;
  registry: { server: string; username: string; password: Sealed } | null;
  /** How kamal-proxy runs on hosts with proxied roles. */
  proxy: ProxyRunParams;
  roles: RolePlan[];
  ssh: SshSettings;
  boot: Config['boot'];
  retainContainers: number;
  deployTimeout: number;
  drainTimeout: number;
  readinessDelay: number;
  /** null = use an image already in the registry (--skip-push, rollback). */
  build: BuildPlan | null;
  source: {
    /** Task queue served on the machine that started the deploy (build, push, hooks). */
    queue: string;
    /** The app's checkout on that machine. */
    cwd: string;
    performer: string;
    hooksPath: string;
    skipHooks: boolean;
    /** Whether the checkout had any deploy hook (and hooks were not skipped) when planned; absent in older plans. */
    anyHook?: boolean;
    command: string;
  };
  startedAt: string;
}

/** Every host of the plan, in config order, without duplicates. */
export function planHosts(plan: Pick<Plan, 'roles'>): string[] {
  return [...new Set(plan.roles.flatMap((r) => r.hosts))];
}
