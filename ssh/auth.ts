// Which credentials to offer: the target's keys, else ssh-agent and ~/.ssh/id_{ed25519,ecdsa,rsa}.
// Labels name key files (paths) or the agent socket, never key contents.
import * as fs from 'fs';
import * as path from 'path';
import { utils, type AnyAuthMethod, type AuthHandlerMiddleware } from 'ssh2';
import { SshError } from './errors';
import { destination, homeDir, targetUser, type SshTarget } from './target';

export const DEFAULT_IDENTITY_FILES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export interface Identity {
  /** Shown in auth failure messages: a key path, "keyData[0]", or "ssh-agent (<socket>)". */
  label: string;
  method: AnyAuthMethod;
}

export interface Identities {
  identities: Identity[];
  /** Keys that were skipped and why (unparseable, passphrase-protected). */
  skipped: string[];
}

function keyIdentity(label: string, data: Buffer, username: string, skipped: string[]): Identity | undefined {
  const parsed = utils.parseKey(data);
  if (parsed instanceof Error) {
    const why = /encrypted|passphrase/i.test(parsed.message)
      ? 'passphrase-protected (load it into ssh-agent instead)'
      : `not a usable private key (${parsed.message})`;
    skipped.push(`${label}: ${why}`);
    return undefined;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) {
    skipped.push(`${label}: not a private key`);
    return undefined;
  }
  return { label, method: { type: 'publickey', username, key: data } };
}

export function resolveIdentities(target: SshTarget, env: NodeJS.ProcessEnv = process.env): Identities {
  const username = targetUser(target);
  const identities: Identity[] = [];
  const skipped: string[] = [];
  const explicit = (target.keys?.length ?? 0) > 0 || (target.keyData?.length ?? 0) > 0;
  if (explicit) {
    for (const file of target.keys ?? []) {
      let data: Buffer;
      try {
        data = fs.readFileSync(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? String(err);
        throw new SshError('auth', destination(target), `${destination(target)}: cannot read SSH key ${file} (${code})`, { code, cause: err });
      }
      const id = keyIdentity(file, data, username, skipped);
      if (id) identities.push(id);
    }
    (target.keyData ?? []).forEach((k, i) => {
      const id = keyIdentity(`keyData[${i}]`, Buffer.from(k), username, skipped);
      if (id) identities.push(id);
    });
    return { identities, skipped };
  }
  const agent = env.SSH_AUTH_SOCK;
  if (agent) identities.push({ label: `ssh-agent (${agent})`, method: { type: 'agent', username, agent } });
  const sshDir = path.join(homeDir(), '.ssh');
  for (const name of DEFAULT_IDENTITY_FILES) {
    const file = path.join(sshDir, name);
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch {
      continue;
    }
    const id = keyIdentity(file, data, username, skipped);
    if (id) identities.push(id);
  }
  return { identities, skipped };
}

/** An authHandler that offers `identities` in order and records which were tried. */
export function authHandlerFor(identities: readonly Identity[], tried: string[]): AuthHandlerMiddleware {
  let next = 0;
  return (_methodsLeft, _partialSuccess, callback) => {
    const id = identities[next++];
    if (!id) return callback(false as unknown as AnyAuthMethod);
    tried.push(id.label);
    callback(id.method);
  };
}

export function describeNoIdentities(target: SshTarget, skipped: readonly string[]): string {
  const dest = destination(target);
  const explicit = (target.keys?.length ?? 0) > 0 || (target.keyData?.length ?? 0) > 0;
  const looked = explicit
    ? 'the configured keys'
    : `SSH_AUTH_SOCK (not set) and ${DEFAULT_IDENTITY_FILES.map((f) => path.join(homeDir(), '.ssh', f)).join(', ')}`;
  const why = skipped.length ? `; skipped: ${skipped.join('; ')}` : '';
  return `${dest}: no usable SSH key (looked at ${looked})${why}`;
}
