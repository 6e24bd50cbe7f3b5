// One authenticated SSH connection (ssh2 Client) to one target: host key check against
// known_hosts, key/agent auth, keepalive, and error mapping to SshError.
// A jump host (target.proxy) would plug in here by passing `sock` (a forwardOut stream of a
// connection to the proxy) to Client.connect.
import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { shellJoin } from '../commands/shell';
import { authHandlerFor, describeNoIdentities, resolveIdentities } from './auth';
import { SshError } from './errors';
import {
  algorithmsForKeyType,
  fingerprint,
  keyTypeLabel,
  keyTypeOf,
  KnownHosts,
  type HostKeyCheck,
} from './known-hosts';
import { destination, knownHostsName, targetPort, targetUser, type SshTarget } from './target';

export interface ConnectOptions {
  knownHosts: KnownHosts;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

// ssh2's default host key algorithms, in its order; known key types are moved to the front.
const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'temporary DNS failure',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  EADDRNOTAVAIL: 'address not available',
};

export class Connection {
  closed = false;
  private closeListeners: Array<(err: SshError) => void> = [];
  private closeReason: SshError | undefined;

  constructor(
    readonly target: SshTarget,
    readonly client: Client,
  ) {
    const dest = destination(target);
    client.on('error', (err: Error & { level?: string }) => {
      if (this.closeReason) return;
      this.closeReason =
        err.level === 'client-timeout'
          ? new SshError('disconnected', dest, `${dest}: connection lost (no answer to keepalives)`, { cause: err })
          : new SshError('disconnected', dest, `${dest}: connection lost: ${err.message}`, {
              cause: err,
              ...(codeOf(err) ? { code: codeOf(err)! } : {}),
            });
    });
    const onGone = () => {
      if (this.closed) return;
      this.closed = true;
      const reason = this.closeReason ?? new SshError('disconnected', dest, `${dest}: connection closed by the remote side`);
      for (const l of this.closeListeners.splice(0)) l(reason);
    };
    client.on('end', onGone);
    client.on('close', onGone);
  }

  get destination(): string {
    return destination(this.target);
  }

  /** Calls `fn` once when the connection goes away (immediately if it already has). */
  onClose(fn: (err: SshError) => void): () => void {
    if (this.closed) {
      fn(this.closeReason ?? new SshError('disconnected', this.destination, `${this.destination}: connection closed`));
      return () => undefined;
    }
    this.closeListeners.push(fn);
    return () => {
      const i = this.closeListeners.indexOf(fn);
      if (i >= 0) this.closeListeners.splice(i, 1);
    };
  }

  /** `pty` asks sshd for a terminal of that size (interactive commands). */
  exec(command: string, pty?: { rows: number; cols: number; term: string }): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        this.client.exec(command, pty ? { pty } : {}, (err, channel) => (err ? reject(err) : resolve(channel)));
      } catch (err) {
        reject(err);
      }
    });
  }

  /** A channel to a unix socket on the host (sshd connects to it as the logged-in user). */
  streamLocal(socketPath: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        this.client.openssh_forwardOutStreamLocal(socketPath, (err, channel) => (err ? reject(err) : resolve(channel)));
      } catch (err) {
        reject(err);
      }
    });
  }

  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      try {
        this.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)));
      } catch (err) {
        reject(err);
      }
    });
  }

  /** Close politely; resolves when the socket is closed (or after `waitMs`). */
  end(waitMs = 2000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, waitMs);
      timer.unref();
      this.onClose(() => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

function hostKeyError(target: SshTarget, knownHostsFile: string, check: HostKeyCheck, key: Buffer): SshError {
  const dest = destination(target);
  const name = knownHostsName(target);
  const offered = `${keyTypeLabel(keyTypeOf(key))} key ${fingerprint(key)}`;
  if (check.status === 'revoked') {
    return new SshError(
      'hostkey-changed',
      dest,
      `${dest}: the host key ${name} presented (${offered}) is marked @revoked in ${check.entry.file} line ${check.entry.line}; refusing to connect.`,
    );
  }
  if (check.status !== 'changed') throw new Error(`unexpected host key status ${check.status}`);
  const old = check.entry;
  const fix = shellJoin(['ssh-keygen', '-R', name, '-f', knownHostsFile]);
  return new SshError(
    'hostkey-changed',
    dest,
    [
      `${dest}: HOST KEY CHANGED for ${name}; refusing to connect.`,
      `  ${old.file} line ${old.line} has ${keyTypeLabel(old.keyType)} key ${fingerprint(old.key)}`,
      `  the host now presents ${offered}`,
      'Someone could be intercepting the connection (man-in-the-middle), or the host was reinstalled or got a new key.',
      `If the change is expected, remove the old entry (line ${old.line} of ${old.file}): ${fix}`,
    ].join('\n'),
  );
}

/** Connect and authenticate. Rejects with SshError (auth / hostkey-changed / unreachable / timeout). */
export async function openConnection(target: SshTarget, opts: ConnectOptions): Promise<Connection> {
  const dest = destination(target);
  if (target.proxy !== undefined) {
    // A configuration problem, not a transient one: a plain Error, so it is not retried.
    throw new Error(`${dest}: SSH proxy / jump host (${target.proxy}) is not supported yet`);
  }
  const { identities, skipped } = resolveIdentities(target);
  if (identities.length === 0) throw new SshError('auth', dest, describeNoIdentities(target, skipped));

  const name = knownHostsName(target);
  const knownTypes = await opts.knownHosts.knownKeyTypes(name);
  const preferred = knownTypes.flatMap(algorithmsForKeyType).filter((a) => DEFAULT_HOST_KEY_ALGORITHMS.includes(a));
  const hostKeyAlgorithms = [...new Set([...preferred, ...DEFAULT_HOST_KEY_ALGORITHMS])];

  const client = new Client();
  const tried: string[] = [];
  const agentErrors: string[] = [];
  let hostKeyFailure: SshError | undefined;

  const config: ConnectConfig = {
    host: target.host,
    port: targetPort(target),
    username: targetUser(target),
    readyTimeout: opts.connectTimeoutMs,
    keepaliveInterval: opts.keepaliveIntervalMs,
    keepaliveCountMax: opts.keepaliveCountMax,
    authHandler: authHandlerFor(identities, tried),
    algorithms: { serverHostKey: hostKeyAlgorithms as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
    hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
      opts.knownHosts.checkAndAccept(name, key).then(
        (check) => {
          if (check.status === 'known' || check.status === 'new') return verify(true);
          hostKeyFailure = hostKeyError(target, opts.knownHosts.file, check, key);
          verify(false);
        },
        (err: unknown) => {
          hostKeyFailure = new SshError(
            'hostkey-changed',
            dest,
            `${dest}: cannot check the host key against ${opts.knownHosts.file}: ${(err as Error).message}`,
            { cause: err },
          );
          verify(false);
        },
      );
    },
  };

  return new Promise<Connection>((resolve, reject) => {
    let settled = false;
    const fail = (err: SshError) => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      client.on('error', () => undefined); // late errors of an abandoned client
      client.destroy();
      reject(err);
    };
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      resolve(new Connection(target, client));
    });
    const onError = (err: Error & { level?: string }) => {
      if (hostKeyFailure) return fail(hostKeyFailure);
      if (err.level === 'agent') {
        agentErrors.push(err.message);
        return; // ssh2 goes on with the next identity
      }
      if (err.level === 'client-authentication') {
        const extra = [
          skipped.length ? `skipped: ${skipped.join('; ')}` : '',
          agentErrors.length ? `ssh-agent: ${agentErrors.join('; ')}` : '',
        ].filter(Boolean);
        return fail(
          new SshError(
            'auth',
            dest,
            `${dest}: authentication failed; tried ${tried.length ? tried.join(', ') : 'no keys'}${extra.length ? ` (${extra.join('; ')})` : ''}`,
            { cause: err },
          ),
        );
      }
      if (err.level === 'client-timeout') {
        return fail(
          new SshError('timeout', dest, `${dest}: timed out after ${opts.connectTimeoutMs} ms connecting (TCP connect + SSH handshake)`, {
            cause: err,
          }),
        );
      }
      const code = codeOf(err);
      if (code === 'ETIMEDOUT') {
        return fail(new SshError('timeout', dest, `${dest}: cannot connect: ETIMEDOUT (connection timed out)`, { code, cause: err }));
      }
      const why = code ? `${code} (${UNREACHABLE_CODES[code] ?? err.message})` : err.message;
      fail(new SshError('unreachable', dest, `${dest}: cannot connect: ${why}`, { cause: err, ...(code ? { code } : {}) }));
    };
    const onClose = () => {
      if (hostKeyFailure) return fail(hostKeyFailure);
      fail(new SshError('unreachable', dest, `${dest}: connection closed before authentication completed`));
    };
    client.on('error', onError);
    client.on('close', onClose);
    try {
      client.connect(config);
      // ssh2 leaves Nagle's algorithm on: a command's small packets (channel open, exec, stdin's
      // end) then wait for the host's delayed ACK, ~40 ms per command.
      client.setNoDelay(true);
    } catch (err) {
      fail(new SshError('unreachable', dest, `${dest}: cannot connect: ${(err as Error).message}`, { cause: err }));
    }
  });
}
