// How activities reach a host: the worker's SSH pool, with failures mapped to Temporal's
// retry semantics (network trouble retries; bad keys, changed host keys and bad input don't).
import { ApplicationFailure, Context } from '@temporalio/activity';
import { DockerCallError, type DockerCall, type EngineReply, type EngineRequest, type ExecCall } from '../commands/engine';
import { SshCommandError, SshError, isRetryable } from '../ssh/errors';
import type { SshPool } from '../ssh/pool';
import type { Plan } from '../plan/types';
import type { SshTarget } from '../ssh/target';

export interface HostDeps {
  pool: SshPool;
  sealKey: () => Buffer;
}

export interface RunOptions {
  stdin?: string | Buffer;
  /** Bound on the remote process, so a retried step never races an earlier attempt. */
  timeoutSeconds?: number;
}

export interface Remote {
  host: string;
  /** Runs argv; a non-zero exit is returned, not thrown, for the caller to judge. */
  run(argv: readonly string[], options?: RunOptions): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Runs argv and fails the activity on a non-zero exit. */
  ok(argv: readonly string[], options?: RunOptions): Promise<string>;
  upload(path: string, content: string, mode: number): Promise<void>;
  /** One call to the host's Docker engine: over its API where the pool reaches it, else the docker CLI; the same answer either way. */
  docker<T>(call: DockerCall<T>, options?: Pick<RunOptions, 'timeoutSeconds'>): Promise<T>;
  /** A plain `docker exec`, over the engine's API where the pool reaches it: the same exit code and output as the CLI's. */
  dockerExec(call: ExecCall, options?: Pick<RunOptions, 'timeoutSeconds'>): Promise<{ code: number; stdout: string; stderr: string }>;
}

export function targetOf(plan: Plan, host: string): SshTarget {
  return { host, port: plan.ssh.port, user: plan.ssh.user, keys: plan.ssh.keys.length ? plan.ssh.keys : undefined };
}

export function remote(deps: HostDeps, plan: Plan, host: string): Remote {
  const target = targetOf(plan, host);
  const wrap = async <T>(what: () => Promise<T>): Promise<T> => {
    try {
      return await what();
    } catch (err) {
      throw toFailure(err);
    }
  };
  const withHeartbeat = async <T>(what: () => Promise<T>): Promise<T> => {
    const ctx = safeContext();
    // Beat at every command too: an activity made of many short commands must not look dead.
    ctx?.heartbeat();
    const beat = ctx ? setInterval(() => ctx.heartbeat(), 5000) : null;
    try {
      return await what();
    } finally {
      if (beat) clearInterval(beat);
    }
  };
  // An API call gets the CLI form's grace too (exec.ts gives up 10 s after the remote timeout).
  const engine = (req: EngineRequest, timeoutSeconds: number) => deps.pool.engine(target, req, (timeoutSeconds + 10) * 1000);
  /** An engine request that must be answered (the exec is under way). */
  const engineOf = async (req: EngineRequest, timeoutSeconds: number): Promise<EngineReply> => {
    const reply = await engine(req, timeoutSeconds);
    if (!reply) throw new DockerCallError('the engine\'s socket stopped answering');
    return reply;
  };
  return {
    host,
    run: (argv, o = {}) =>
      wrap(() => withHeartbeat(() => deps.pool.exec(target, argv, { stdin: o.stdin, timeoutSeconds: o.timeoutSeconds ?? 120 }))),
    ok: async (argv, o = {}) =>
      wrap(() => withHeartbeat(() => deps.pool.execOrThrow(target, argv, { stdin: o.stdin, timeoutSeconds: o.timeoutSeconds ?? 120 }))).then(
        (r) => r.stdout,
      ),
    upload: (path, content, mode) => wrap(() => withHeartbeat(() => deps.pool.upload(target, path, content, mode))),
    docker: (call, o = {}) =>
      wrap(() =>
        withHeartbeat(async () => {
          const timeoutSeconds = o.timeoutSeconds ?? 120;
          try {
            const reply = await engine(call.api, timeoutSeconds);
            return reply ? call.fromApi(reply) : call.fromCli(await deps.pool.exec(target, call.cli, { timeoutSeconds }));
          } catch (err) {
            if (err instanceof DockerCallError) throw ApplicationFailure.retryable(`${call.what} on ${host} failed: ${err.message}`, 'DockerFailed');
            throw err;
          }
        }),
      ),
    dockerExec: (call, o = {}) =>
      wrap(() =>
        withHeartbeat(async () => {
          const timeoutSeconds = o.timeoutSeconds ?? 120;
          const created = await engine(call.create, timeoutSeconds);
          if (!created) return deps.pool.exec(target, call.cli, { timeoutSeconds });
          try {
            const id = call.createdId(created);
            const { stdout, stderr } = call.output(await engineOf(call.start(id), timeoutSeconds));
            for (let look = 0; ; look++) {
              const code = call.exitCode(await engineOf(call.inspect(id), 30));
              if (code !== null) return { code, stdout, stderr };
              if (look === 100) throw new DockerCallError(`${call.what}: its output ended but the engine still counts it as running`);
              await new Promise((r) => setTimeout(r, 20));
            }
          } catch (err) {
            // As the CLI reports the engine refusing (no such container, not running): exit code 1.
            if (err instanceof DockerCallError) return { code: 1, stdout: '', stderr: `Error response from daemon: ${err.message}` };
            throw err;
          }
        }),
      ),
  };
}

function safeContext(): Context | null {
  try {
    return Context.current();
  } catch {
    return null;
  }
}

/** SSH trouble → a Temporal failure with the right retry behaviour and a message naming the host. */
export function toFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof SshError) {
    return isRetryable(err)
      ? ApplicationFailure.retryable(err.message, `Ssh${capitalise(err.kind)}`)
      : ApplicationFailure.nonRetryable(err.message, `Ssh${capitalise(err.kind)}`);
  }
  if (err instanceof SshCommandError) return ApplicationFailure.retryable(err.message, 'RemoteCommandFailed');
  return err;
}

function capitalise(kind: string): string {
  return kind.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
}
