// `sextant build push | deliver | pull | dev | create | remove | details`. Building changes no
// host (only the registry, or the local engine), so builds run in the CLI process, like Kamal's:
// the user sees the build live and Ctrl-C stops it; the deploy's own build is a step of its
// workflow. `pull` changes hosts, so it runs as an operation workflow.
import { execFileSync } from 'node:child_process';
import { BuilderSetupError, BuildCommandError, checkBuilder, engineSocket, runImageBuild, type BuildSource, type ImageBuild } from '../../activities/build-image';
import { runHookFile } from '../../activities/hooks';
import { runLocal } from '../../activities/local-exec';
import * as builder from '../../commands/builder';
import { latestTag } from '../../commands/naming';
import { shellJoin } from '../../commands/shell';
import { builderKind, buildSteps, buildxBuilderName, createSteps, parseRemote, platforms, type DockerClient } from '../../plan/builder';
import { loadSealKey } from '../../plan/seal';
import { planHosts, type BuildPlan, type Plan } from '../../plan/types';
import { sextantHome } from '../../worker/home';
import { UsageError } from '../args';
import { CliError, EXIT } from '../exit-codes';
import { outputOptionsFromEnv, Output } from '../output';
import { runOperation } from '../operation';
import { loadProject } from '../project';
import type { CommandContext } from '../registry';

interface BuildContext {
  plan: Plan & { build: BuildPlan };
  home: string;
  out: Output;
  ctx: CommandContext;
}

async function prepare(ctx: CommandContext): Promise<BuildContext> {
  if (ctx.positionals.length) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  const project = await loadProject(ctx, { kind: 'deploy', command: 'build' });
  const home = sextantHome(ctx.env);
  const plan = project.plan(home);
  const remote = plan.build?.remote ? parseRemote(plan.build.remote) : null;
  const out = new Output(outputOptionsFromEnv(ctx.flags), ['local', ...(remote ? [remote.host] : [])]);
  return { plan: { ...plan, build: plan.build! }, home, out, ctx };
}

/** Runs a build, reporting each command as a step and its output (with --verbose) line by line. */
async function build(c: BuildContext, options: Pick<ImageBuild, 'tags' | 'push' | 'useRemote'>) {
  const pending = new Map<string, string>();
  const lines = (where: string, chunk: string) => {
    const parts = ((pending.get(where) ?? '') + chunk).split(/\r?\n/);
    pending.set(where, parts.pop()!);
    for (const line of parts) c.out.emit({ event: 'output', host: where, stream: 'stdout', line });
  };
  let current: { where: string; what: string; at: number } | null = null;
  const finish = (state: 'done' | 'failed') => {
    if (current) c.out.emit({ event: 'step', host: current.where, step: current.what, state, seconds: (Date.now() - current.at) / 1000 });
    current = null;
  };
  try {
    const result = await runImageBuild({
      ...options,
      plan: c.plan,
      sealKey: loadSealKey(c.home),
      home: c.home,
      onOutput: lines,
      onStep: (where, what) => {
        finish('done');
        current = { where, what, at: Date.now() };
        c.out.emit({ event: 'step', host: where, step: what, state: 'started' });
        c.out.setProgress(`${where}: ${what}`);
      },
    });
    finish('done');
    return result;
  } catch (err) {
    finish('failed');
    throw buildFailure(err);
  } finally {
    c.out.done();
  }
}

function buildFailure(err: unknown): unknown {
  if (err instanceof BuilderSetupError) return new CliError(err.message, EXIT.config);
  if (err instanceof BuildCommandError) return new CliError(err.message, EXIT.failed);
  return err;
}

const configFileFlag = (ctx: CommandContext) => (typeof ctx.flags['config-file'] === 'string' ? ctx.flags['config-file'] : undefined);

/** Refuses (exit 3, naming the key) builder settings this machine's docker client cannot honour. */
export async function checkBuilderUpFront(plan: BuildSource, ctx: CommandContext): Promise<DockerClient> {
  return checkBuilder(plan, configFileFlag(ctx)).catch((err: unknown) => Promise.reject(buildFailure(err)));
}

/** Kamal's build push: pre-build hook, then build and push the version and latest tags. */
async function push(c: BuildContext): Promise<void> {
  // Everything the builder cannot do is refused before the hook, so nothing runs half.
  await checkBuilderUpFront(c.plan, c.ctx);
  try {
    await runHookFile(c.plan, 'pre-build', [...new Set(c.plan.roles.flatMap((r) => r.hosts))]);
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.failed);
  }
  const tags = [c.plan.version, latestTag(c.plan.destination ?? undefined)];
  const { where } = await build(c, { tags, push: true, useRemote: true });
  c.out.emit({
    event: 'result',
    ok: true,
    message: `Pushed ${c.plan.image}:${c.plan.version} (and ${tags[1]})${where === 'local' ? '' : `, built on ${where}`}`,
    data: { image: c.plan.image, tags, builtOn: where },
  });
}

export async function buildPushCommand(ctx: CommandContext): Promise<number> {
  await push(await prepare(ctx));
  return EXIT.ok;
}

/** Pulls the version's image on every host: changes hosts, so an operation workflow (locked, in history). */
export function buildPullCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  return runOperation(ctx, {
    command: 'build pull',
    phases: (plan) => [{ step: 'pullImage', hosts: planHosts(plan), audit: `Pulled image with version ${plan.version}` }],
    success: "Pulled the version's image on every host",
  });
}

/** Kamal's build deliver: push, then pull that same version (a dirty tree's version is random once). */
export async function buildDeliverCommand(ctx: CommandContext): Promise<number> {
  const c = await prepare(ctx);
  await push(c);
  return buildPullCommand({ ...ctx, flags: { ...ctx.flags, version: c.plan.version } });
}

/** Kamal 2's build dev: the working tree as it is, tagged `-dirty`, into the local engine only. */
export async function buildDevCommand(ctx: CommandContext): Promise<number> {
  const c = await prepare(ctx);
  const changed = execFileSync('git', ['status', '--porcelain'], { cwd: ctx.cwd, encoding: 'utf8' }).trimEnd();
  if (changed) c.out.emit({ event: 'warning', message: `uncommitted and untracked files go into the dev image:\n${changed}` });
  const tags = [`${c.plan.version}-dirty`, `${latestTag(c.plan.destination ?? undefined)}-dirty`];
  await build(c, { tags, push: false, useRemote: false });
  c.out.emit({ event: 'result', ok: true, message: `Built ${c.plan.image}:${tags[0]} in the local engine (not pushed)`, data: { image: c.plan.image, tags } });
  return EXIT.ok;
}

/** The buildx builder instance, for `build create|remove`; a clear refusal without buildx. */
async function buildxBuilder(c: BuildContext, what: string): Promise<string | null> {
  const client = await checkBuilderUpFront(c.plan, c.ctx);
  if (!client.buildx) {
    throw new CliError(
      `build ${what} manages a buildx builder, and this docker client (${client.version}) has no buildx plugin: Sextant builds with plain \`docker build\` here and needs no builder. ` +
        'Fix: install the buildx plugin (https://docs.docker.com/go/buildx/) to use one',
      EXIT.config,
    );
  }
  const name = buildxBuilderName(c.plan.build);
  if (!name) c.out.emit({ event: 'result', ok: true, message: `builder.driver is docker: builds use the default builder, there is nothing to ${what}` });
  return name;
}

async function runBuildx(c: BuildContext, what: string, argv: string[]): Promise<void> {
  const r = await runLocal(argv, { cwd: c.plan.source.cwd });
  if (r.code !== 0) throw new CliError(`${what} failed (exit ${r.code ?? r.signal}):\n${r.output.trimEnd()}`, EXIT.failed);
  c.out.emit({ event: 'result', ok: true, message: what });
}

export async function buildCreateCommand(ctx: CommandContext): Promise<number> {
  const c = await prepare(ctx);
  if (!(await buildxBuilder(c, 'create'))) return EXIT.ok;
  const endpoint = c.plan.build.remote ? `unix://${engineSocket(c.home, c.plan.build.remote, true)}` : undefined;
  for (const step of createSteps(c.plan.build, endpoint)) await runBuildx(c, step.what, step.argv);
  return EXIT.ok;
}

export async function buildRemoveCommand(ctx: CommandContext): Promise<number> {
  const c = await prepare(ctx);
  const name = await buildxBuilder(c, 'remove');
  if (name) await runBuildx(c, `docker buildx rm ${name}`, builder.buildxRemove(name));
  return EXIT.ok;
}

/** What a build would use and run, without running it. */
export async function buildDetailsCommand(ctx: CommandContext): Promise<number> {
  const c = await prepare(ctx);
  const client = await checkBuilderUpFront(c.plan, c.ctx);
  const kind = builderKind(client);
  const b = c.plan.build;
  const remote = b.remote ? parseRemote(b.remote) : null;
  const steps = buildSteps(b, kind, { repository: c.plan.image, tags: [c.plan.version, latestTag(c.plan.destination ?? undefined)], service: c.plan.service, context: b.context, push: true });
  const data = {
    client: client.version,
    builder: { buildx: 'docker buildx build', buildkit: 'docker build with its built-in BuildKit, then docker push', legacy: 'docker build (legacy builder), then docker push' }[kind],
    buildxBuilder: kind === 'buildx' ? buildxBuilderName(b) ?? 'default' : null,
    driver: kind === 'buildx' ? b.driver ?? 'docker-container' : null,
    remote: remote ? `${remote.user}@${remote.host}:${remote.port} (its Docker engine, over Sextant's SSH)` : null,
    platforms: platforms(b),
    secrets: Object.keys(b.secrets ?? {}),
    commands: steps.map((s) => shellJoin(s.argv)),
  };
  if (ctx.flags.json) {
    c.out.emit({ event: 'result', ok: true, message: 'build details', data });
    return EXIT.ok;
  }
  const lines = [
    `Docker client: ${data.client}`,
    `Builder:       ${data.builder}`,
    ...(data.buildxBuilder ? [`buildx builder: ${data.buildxBuilder} (driver ${data.driver})`] : []),
    `Builds on:     ${data.remote ?? 'this machine'}`,
    `Platforms:     ${data.platforms.join(', ') || "the builder's own"}`,
    ...(data.secrets.length ? [`Build secrets: ${data.secrets.join(', ')} (values from the environment, never in argv)`] : []),
    'Would run:',
    ...data.commands.map((cmd) => `  ${cmd}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
}
