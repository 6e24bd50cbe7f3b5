// SshPool: one connection per user@host:port, sessions multiplexed on it (bounded, queued
// beyond the bound), connection starts bounded across hosts, transparent reconnect, idle close.
// Nothing here logs argv, stdin or output.
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { engineEndpoint, parseEngineEndpoint, type EngineReply, type EngineRequest } from '../commands/engine';
import { bounded } from '../commands/remote';
import { shellJoin } from '../commands/shell';
import { Connection, openConnection } from './connection';
import { SshCommandError, SshError } from './errors';
import { exchange } from './engine';
import { runChannel, type ExecOptions, type ExecResult } from './exec';
import { KnownHosts } from './known-hosts';
import { abortError, Semaphore } from './semaphore';
import { destination, type SshTarget } from './target';
import { sftpUpload, UploadError } from './upload';

export interface SshPoolOptions {
  /** OpenSSH known_hosts file; unknown hosts are appended (accept-new), changed keys refused. */
  knownHostsFile: string;
  /** Connections being established at once, across all hosts. Default 30. */
  maxConcurrentStarts?: number;
  /** Sessions (channels) open at once on one connection; more calls queue. Default 8 (sshd allows 10). */
  maxSessionsPerConnection?: number;
  /** Close a connection after this long without sessions. Default 120 s. */
  idleTimeoutMs?: number;
  /** TCP connect + SSH handshake + auth. Default 15 s. */
  connectTimeoutMs?: number;
  /** Keepalive probe interval. Default 3 s: a dead link is noticed within ~12 s (keepaliveCountMax misses). */
  keepaliveIntervalMs?: number;
  /** Default 3. */
  keepaliveCountMax?: number;
}

export interface SshPoolStats {
  /** Connections successfully established since the pool was made. */
  connectionsOpened: number;
  /** Connections open now. */
  openConnections: number;
  /** Sessions running now, across hosts. */
  activeSessions: number;
}

interface HostState {
  sessions: Semaphore;
  current?: Connection;
  connecting?: Promise<Connection>;
  idleTimer?: NodeJS.Timeout;
}

const NOT_CONNECTED = /Not connected|No response from server/i;
// sshd refuses a session over its MaxSessions, and counts a closed one a moment after the pool
// has seen its channel close: when many end at once, the freed slots' opens can come too early.
const SESSION_REFUSED = /Channel open failure/i;
const REFUSED_RETRIES = 40;

export class SshPool {
  private readonly hosts = new Map<string, HostState>();
  private readonly starts: Semaphore;
  private readonly knownHosts: KnownHosts;
  private readonly maxSessions: number;
  private readonly idleTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly keepaliveIntervalMs: number;
  private readonly keepaliveCountMax: number;
  private connectionsOpened = 0;
  private closed = false;
  /** Per connection: the socket of the engine the host's docker CLI uses, or null for "use the CLI". */
  private readonly engineSockets = new WeakMap<Connection, Promise<string | null>>();

  constructor(opts: SshPoolOptions) {
    this.knownHosts = new KnownHosts(opts.knownHostsFile);
    this.starts = new Semaphore(opts.maxConcurrentStarts ?? 30);
    this.maxSessions = opts.maxSessionsPerConnection ?? 8;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? 120_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 15_000;
    this.keepaliveIntervalMs = opts.keepaliveIntervalMs ?? 3_000;
    this.keepaliveCountMax = opts.keepaliveCountMax ?? 3;
  }

  /** Run argv on the host (joined with commands/shell's shellJoin). Non-zero exit is a result, not an error. */
  async exec(target: SshTarget, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec: empty argv');
    const command = shellJoin(opts.timeoutSeconds !== undefined ? bounded(argv, opts.timeoutSeconds) : argv);
    return this.withSession(target, opts.signal, async (st, holdUntil) => {
      const pty = opts.pty && { rows: opts.pty.rows, cols: opts.pty.cols, term: opts.pty.term };
      const { conn, value: channel } = await this.start(target, st, (c) => c.exec(command, pty));
      const running = runChannel(conn, channel, opts);
      // The session slot is free only once the server has closed the channel (after an abort
      // that can be later than the result).
      holdUntil(running.closed);
      return running.result;
    });
  }

  /**
   * A session running argv whose stdin/stdout the caller relays (docker system dial-stdio). The
   * session slot is held until the channel closes; the caller ends it.
   */
  async stream(target: SshTarget, argv: readonly string[]): Promise<ClientChannel> {
    const command = shellJoin(argv);
    return this.withSession(target, undefined, async (st, holdUntil) => {
      const { value: channel } = await this.start(target, st, (c) => c.exec(command));
      holdUntil(new Promise((resolve) => channel.once('close', () => resolve())));
      return channel;
    });
  }

  /**
   * One Docker Engine API request, to the socket of the engine the host's docker CLI talks to
   * (its current context, asked once per connection). Null when that engine cannot be reached
   * this way (a tcp:// or ssh:// endpoint, a docker without contexts, sshd refusing to forward
   * to the socket, or the socket not answering): the caller runs the docker CLI instead, which is
   * then the only way used on this connection.
   */
  async engine(target: SshTarget, req: EngineRequest, timeoutMs: number): Promise<EngineReply | null> {
    if (this.closed) throw new Error('SshPool is closed');
    const conn = await this.connection(target, this.hostState(target));
    const socket = await this.engineSocket(target, conn);
    if (!socket) return null;
    return this.withSession(target, undefined, async () => {
      let channel: ClientChannel;
      try {
        channel = await conn.streamLocal(socket);
      } catch {
        // OpenSSH answers "open failed" alike for forwarding not allowed (AllowStreamLocalForwarding,
        // DisableForwarding) and for a socket absent or refusing (dockerd restarting, its
        // permissions): the CLI for the rest of this connection (a reconnect asks again), which
        // says what is wrong, if anything, as it always has.
        this.engineSockets.set(conn, Promise.resolve(null));
        return null;
      }
      return exchange(conn, channel, req, timeoutMs);
    });
  }

  private engineSocket(target: SshTarget, conn: Connection): Promise<string | null> {
    let socket = this.engineSockets.get(conn);
    if (!socket) {
      socket = this.exec(target, engineEndpoint(), { timeoutSeconds: 30 }).then((r) => (r.code === 0 ? parseEngineEndpoint(r.stdout) : null));
      this.engineSockets.set(conn, socket);
      socket.catch(() => this.engineSockets.delete(conn));
    }
    return socket;
  }

  /** Like exec, but a non-zero exit throws SshCommandError (host, short command, stderr tail). */
  async execOrThrow(target: SshTarget, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.exec(target, argv, opts);
    if (result.code !== 0) {
      throw new SshCommandError({
        destination: destination(target),
        command: shellJoin(argv),
        code: result.code,
        stdout: result.stdout,
        stderr: result.stderr,
        timedOut: result.timedOut,
        ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}),
      });
    }
    return result;
  }

  /**
   * Write `content` to `remotePath` with `mode`, atomically (temp file with the mode set at open,
   * then rename). Relative and "~/" paths are relative to the user's home; parent dirs are created.
   */
  async upload(target: SshTarget, remotePath: string, content: string | Buffer, mode: number): Promise<void> {
    const dest = destination(target);
    await this.withSession(target, undefined, async (st) => {
      const { conn, value: sftp } = await this.start(target, st, (c) => c.sftp());
      try {
        await sftpUpload(sftp, remotePath, content, mode);
      } catch (err) {
        if (conn.closed) {
          throw new SshError('disconnected', dest, `${dest}: connection lost during upload to ${remotePath}`, { cause: err });
        }
        if (err instanceof UploadError) err.message = `${dest}: ${err.message}`;
        throw err;
      } finally {
        await endSftp(sftp);
      }
    });
  }

  stats(): SshPoolStats {
    let open = 0;
    let active = 0;
    for (const st of this.hosts.values()) {
      if (st.current && !st.current.closed) open++;
      active += st.sessions.active;
    }
    return { connectionsOpened: this.connectionsOpened, openConnections: open, activeSessions: active };
  }

  /** Close every connection. Calls after close() fail. */
  async close(): Promise<void> {
    this.closed = true;
    const ends: Promise<void>[] = [];
    for (const st of this.hosts.values()) {
      if (st.idleTimer) clearTimeout(st.idleTimer);
      if (st.current) ends.push(st.current.end());
      if (st.connecting) ends.push(st.connecting.then((c) => c.end(), () => undefined));
    }
    this.hosts.clear();
    await Promise.all(ends);
  }

  private hostState(target: SshTarget): HostState {
    const key = destination(target);
    let st = this.hosts.get(key);
    if (!st) {
      st = { sessions: new Semaphore(this.maxSessions) };
      this.hosts.set(key, st);
    }
    return st;
  }

  /**
   * Run `fn` holding one session slot of the target's connection. The slot is released when `fn`
   * settles, or, if `fn` called holdUntil(p), when p settles.
   */
  private async withSession<T>(
    target: SshTarget,
    signal: AbortSignal | undefined,
    fn: (st: HostState, holdUntil: (p: Promise<void>) => void) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new Error('SshPool is closed');
    const st = this.hostState(target);
    await st.sessions.acquire(signal);
    if (st.idleTimer) {
      clearTimeout(st.idleTimer);
      st.idleTimer = undefined;
    }
    let hold: Promise<void> | undefined;
    const release = () => {
      st.sessions.release();
      this.scheduleIdle(st);
    };
    try {
      if (signal?.aborted) throw abortError(signal);
      return await fn(st, (p) => (hold = p));
    } finally {
      if (hold) void hold.then(release, release);
      else release();
    }
  }

  private scheduleIdle(st: HostState): void {
    if (this.closed || st.sessions.active > 0 || st.sessions.waiting > 0 || !st.current) return;
    if (st.idleTimer) clearTimeout(st.idleTimer);
    const conn = st.current;
    st.idleTimer = setTimeout(() => {
      st.idleTimer = undefined;
      if (st.sessions.active > 0 || st.current !== conn) return;
      st.current = undefined;
      void conn.end();
    }, this.idleTimeoutMs);
    st.idleTimer.unref();
  }

  /** The live connection for the target, connecting (once, shared by concurrent callers) if needed. */
  private connection(target: SshTarget, st: HostState): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error('SshPool is closed'));
    if (st.current && !st.current.closed) return Promise.resolve(st.current);
    st.current = undefined;
    if (st.connecting) return st.connecting;
    const p = this.starts
      .with(() =>
        openConnection(target, {
          knownHosts: this.knownHosts,
          connectTimeoutMs: this.connectTimeoutMs,
          keepaliveIntervalMs: this.keepaliveIntervalMs,
          keepaliveCountMax: this.keepaliveCountMax,
        }),
      )
      .then(
        (conn) => {
          st.connecting = undefined;
          if (this.closed) {
            void conn.end();
            throw new Error('SshPool is closed');
          }
          this.connectionsOpened++;
          st.current = conn;
          conn.onClose(() => {
            if (st.current === conn) st.current = undefined;
          });
          return conn;
        },
        (err: unknown) => {
          st.connecting = undefined;
          throw err;
        },
      );
    st.connecting = p;
    return p;
  }

  /**
   * Open a session with `open`. If the pooled connection turns out to be dead before anything
   * started, retry once on a fresh connection.
   */
  private async start<T>(target: SshTarget, st: HostState, open: (c: Connection) => Promise<T>): Promise<{ conn: Connection; value: T }> {
    const dest = destination(target);
    for (let attempt = 0, refused = 0; ; attempt++) {
      const conn = await this.connection(target, st);
      try {
        return { conn, value: await open(conn) };
      } catch (err) {
        const message = (err as Error)?.message ?? String(err);
        if (SESSION_REFUSED.test(message) && !conn.closed && refused < REFUSED_RETRIES) {
          await new Promise((res) => setTimeout(res, Math.min(500, 25 * 2 ** refused++)));
          attempt--;
          continue;
        }
        const dead = conn.closed || NOT_CONNECTED.test(message);
        if (dead) {
          if (st.current === conn) st.current = undefined;
          conn.client.destroy();
          if (attempt === 0) continue;
          throw new SshError('disconnected', dest, `${dest}: connection lost before the command started (${message})`, { cause: err });
        }
        throw new SshError('disconnected', dest, `${dest}: could not open an SSH session: ${message}`, { cause: err });
      }
    }
  }
}

/** End the SFTP session and wait (briefly) until the server has closed the channel, so the
 *  session slot really is free when it is handed to the next caller. */
function endSftp(sftp: SFTPWrapper): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 1000);
    timer.unref();
    sftp.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      sftp.end();
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
