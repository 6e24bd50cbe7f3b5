// Where to connect and how to name it.
import * as os from 'os';

export type SshTarget = {
  host: string;
  /** Default 22. */
  port?: number;
  /** Default "root" (Kamal's default SSH user). */
  user?: string;
  /** Private key file paths, tried in order. When neither keys nor keyData is given: ssh-agent, then ~/.ssh/id_*. */
  keys?: string[];
  /** Private keys given inline (PEM / OpenSSH format), tried after `keys`. */
  keyData?: string[];
  /** Not supported yet (jump host); rejected so it is never silently ignored. */
  proxy?: string;
};

export const DEFAULT_SSH_USER = 'root';
export const DEFAULT_SSH_PORT = 22;

export function targetPort(t: SshTarget): number {
  return t.port ?? DEFAULT_SSH_PORT;
}

export function targetUser(t: SshTarget): string {
  return t.user ?? DEFAULT_SSH_USER;
}

/** "user@host:port": the pool key and how hosts are named in messages. */
export function destination(t: SshTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${targetUser(t)}@${host}:${targetPort(t)}`;
}

/** The name OpenSSH uses for this host in known_hosts: "host" on port 22, else "[host]:port". */
export function knownHostsName(t: SshTarget): string {
  const port = targetPort(t);
  return port === DEFAULT_SSH_PORT ? t.host : `[${t.host}]:${port}`;
}

export function homeDir(): string {
  return process.env.HOME || os.homedir();
}
