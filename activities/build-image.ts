// Runs one image build on this machine's docker client: detect the builder, check the settings
// against it, log in, build (on the remote builder's engine when configured) and push. Shared by
// the deploy's buildAndPush step and the `sextant build` commands.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as builder from '../commands/builder';
import * as registry from '../commands/registry';
import { buildEnv, builderKind, builderProblem, buildSteps, buildxBuilderName, createSteps, parseRemote, type BuildStep, type DockerClient } from '../plan/builder';
import { openValue } from '../plan/seal';
import type { BuildPlan, Plan } from '../plan/types';
import { forwardDockerEngine, type ForwardedEngine } from '../ssh/docker-forward';
import { SshPool } from '../ssh/pool';
import { knownHostsFile } from '../worker/home';
import { lastLines, runLocal } from './local-exec';

/** A build's settings are wrong for this machine's docker client: fix the config, do not retry. */
export class BuilderSetupError extends Error {
  override name = 'BuilderSetupError';
}

/** A docker command of the build failed. */
export class BuildCommandError extends Error {
  override name = 'BuildCommandError';
}

export type BuildSource = Pick<Plan, 'image' | 'service' | 'registry' | 'ssh'> & { build: BuildPlan; source: Pick<Plan['source'], 'cwd'> };

export interface ImageBuild {
  plan: BuildSource;
  tags: readonly string[];
  /** Push to the registry; false keeps the image in the local engine (build dev). */
  push: boolean;
  /** Build on builder.remote when it is set (build dev always builds here). */
  useRemote: boolean;
  sealKey: Buffer;
  /** Sextant's data directory: known_hosts for the remote builder. */
  home: string;
  /** Where the build runs ('local' or the remote host) and each piece of its output. */
  onOutput?: (where: string, chunk: string) => void;
  onStep?: (where: string, what: string) => void;
}

export async function detectDockerClient(cwd: string): Promise<DockerClient> {
  const run = (argv: string[]) =>
    runLocal(argv, { cwd }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new BuilderSetupError('docker was not found on PATH. Fix: install the Docker client on this machine');
      throw err;
    });
  const [buildx, version] = await Promise.all([run(builder.buildxVersion()), run(builder.clientVersion())]);
  return { buildx: buildx.code === 0, version: /^\d+\.\S*/m.exec(version.output)?.[0] ?? 'unknown' };
}

/** Throws BuilderSetupError when the settings need what this docker client lacks. */
export async function checkBuilder(plan: BuildSource, configFile?: string): Promise<DockerClient> {
  const client = await detectDockerClient(plan.source.cwd);
  const problem = builderProblem(plan.build, client, configFile);
  if (problem) throw new BuilderSetupError(problem);
  return client;
}

/** The local socket a remote engine is forwarded to: stable for a buildx builder's endpoint. */
export function engineSocket(home: string, remote: string, stable: boolean): string {
  const hash = createHash('sha256').update(`${home}\n${remote}`).digest('hex').slice(0, 12);
  return join(tmpdir(), `sextant-engine-${hash}${stable ? '' : `-${process.pid}`}.sock`);
}

export async function runImageBuild(b: ImageBuild): Promise<{ client: DockerClient; where: string }> {
  const { plan } = b;
  const cwd = plan.source.cwd;
  const client = await checkBuilder(plan);
  const kind = builderKind(client);
  const remote = b.useRemote && plan.build.remote ? parseRemote(plan.build.remote) : null;
  const where = remote?.host ?? 'local';
  const run = async (step: BuildStep, env: Record<string, string> = {}, stdin?: string) => {
    b.onStep?.(where, step.what);
    const r = await runLocal(step.argv, { cwd, stdin, env: { ...process.env, ...env }, onOutput: (c) => b.onOutput?.(where, c) });
    if (r.code !== 0) throw new BuildCommandError(`${step.what} failed (exit ${r.code ?? r.signal}):\n${lastLines(r.output, 30)}`);
    return r;
  };
  let pool: SshPool | null = null;
  let engine: ForwardedEngine | null = null;
  try {
    if (remote) {
      pool = new SshPool({ knownHostsFile: knownHostsFile(b.home) });
      engine = await forwardDockerEngine(pool, { ...remote, keys: plan.ssh.keys }, engineSocket(b.home, plan.build.remote!, kind === 'buildx'));
    }
    // buildx reaches the remote engine through its builder instance; plain docker through DOCKER_HOST.
    const env = buildEnv(kind, kind === 'buildx' ? undefined : engine?.endpoint);
    if (kind === 'buildx') await ensureBuildxBuilder(plan.build, engine?.endpoint, cwd, run);
    if (b.push && plan.registry) {
      const { server, username, password } = plan.registry;
      const login = registry.login({ server, username, password: openValue(b.sealKey, password, 'registry password') });
      await run({ what: `docker login ${server}`, argv: login.argv }, env, login.stdin);
    }
    const secrets = Object.fromEntries(Object.entries(plan.build.secrets ?? {}).map(([name, sealed]) => [name, openValue(b.sealKey, sealed, `build secret ${name}`)]));
    const steps = buildSteps(plan.build, kind, { repository: plan.image, tags: b.tags, service: plan.service, context: resolve(cwd, plan.build.context), push: b.push });
    // Secret values only in the build's own environment, never in argv or output.
    for (const step of steps) await run(step, step.build ? { ...env, ...secrets } : env);
    return { client, where };
  } finally {
    await engine?.close();
    await pool?.close();
  }
}

/** Kamal's way: inspect the builder instance and create it when it is missing. */
async function ensureBuildxBuilder(b: BuildPlan, endpoint: string | undefined, cwd: string, run: (s: BuildStep) => Promise<unknown>): Promise<void> {
  const name = buildxBuilderName(b);
  if (!name) return;
  if ((await runLocal(builder.buildxInspect(name), { cwd })).code === 0) return;
  for (const step of createSteps(b, endpoint)) await run(step);
}
