// OpenSSH known_hosts: read (plain, wildcard and hashed "|1|salt|hash" entries), check, append.
// Policy is StrictHostKeyChecking=accept-new: unknown hosts are trusted on first use and
// appended; a changed key is refused.
import { createHash, createHmac } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export interface KnownHostEntry {
  file: string;
  /** 1-based line number in `file`. */
  line: number;
  marker?: '@revoked' | '@cert-authority';
  /** The host field as written (comma-separated patterns, or a hashed name). */
  hosts: string;
  keyType: string;
  key: Buffer;
}

export type HostKeyCheck =
  | { status: 'known'; entry: KnownHostEntry }
  | { status: 'new' }
  /** The host is known with other key(s); `entry` is the one to show (same key type if there is one). */
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry };

/** "SHA256:<unpadded base64>", as `ssh-keygen -l` prints it. */
export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Key type from an SSH wire-format public key blob ("ssh-ed25519", "ssh-rsa", ...). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown';
  const len = key.readUInt32BE(0);
  if (len > 64 || 4 + len > key.length) return 'unknown';
  return key.subarray(4, 4 + len).toString('latin1');
}

/** "ED25519", "RSA", "ECDSA": how OpenSSH names key types in fingerprints. */
export function keyTypeLabel(type: string): string {
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type === 'ssh-rsa') return 'RSA';
  if (type === 'ssh-dss') return 'DSA';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  return type;
}

/** Host key algorithms to offer for a key type stored in known_hosts. */
export function algorithmsForKeyType(type: string): string[] {
  if (type === 'ssh-rsa') return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  return [type];
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    else if (fields[0]!.startsWith('@')) continue; // unknown marker: ignore the line, as OpenSSH does
    if (fields.length < 3) continue;
    const [hosts, keyType, b64] = fields as [string, string, string];
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0) continue;
    entries.push({ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  }
  return entries;
}

/** Glob match with `*` and `?`, as OpenSSH's match_pattern. */
function globMatch(pattern: string, s: string): boolean {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(s);
}

/** Does a known_hosts host field match `name` ("host" or "[host]:port", lower-cased)? */
export function hostFieldMatches(hosts: string, name: string): boolean {
  const lname = name.toLowerCase();
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(lname).digest('base64');
    return mac === hash;
  }
  let matched = false;
  for (const pat of hosts.split(',')) {
    if (pat === '') continue;
    const negated = pat.startsWith('!');
    const p = (negated ? pat.slice(1) : pat).toLowerCase();
    if (globMatch(p, lname)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

export function checkHostKey(entries: readonly KnownHostEntry[], name: string, key: Buffer): HostKeyCheck {
  const matching = entries.filter((e) => e.marker !== '@cert-authority' && hostFieldMatches(e.hosts, name));
  const revoked = matching.find((e) => e.marker === '@revoked' && e.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = matching.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key.equals(key));
  if (same) return { status: 'known', entry: same };
  if (plain.length === 0) return { status: 'new' };
  const type = keyTypeOf(key);
  const sameType = plain.find((e) => e.keyType === type);
  return { status: 'changed', entry: sameType ?? plain[0]! };
}

// Appends are serialized per file within this process (several pools may share a file).
const appendQueues = new Map<string, Promise<unknown>>();

function serialize<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const prev = appendQueues.get(file) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const settled = next.catch(() => undefined);
  appendQueues.set(file, settled);
  void settled.then(() => {
    if (appendQueues.get(file) === settled) appendQueues.delete(file);
  });
  return next;
}

export class KnownHosts {
  constructor(readonly file: string) {}

  async entries(): Promise<KnownHostEntry[]> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return parseKnownHosts(text, this.file);
  }

  async check(name: string, key: Buffer): Promise<HostKeyCheck> {
    return checkHostKey(await this.entries(), name, key);
  }

  /** Key types already recorded for `name` (to prefer them when negotiating, as OpenSSH does). */
  async knownKeyTypes(name: string): Promise<string[]> {
    const types = (await this.entries())
      .filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name))
      .map((e) => e.keyType);
    return [...new Set(types)];
  }

  /**
   * Trust-on-first-use: check, and if the host is new append "name type base64" with one
   * write. Re-checks under the in-process lock so concurrent first connects add one line each.
   */
  async checkAndAccept(name: string, key: Buffer): Promise<HostKeyCheck> {
    const first = await this.check(name, key);
    if (first.status !== 'new') return first;
    return serialize(this.file, async () => {
      const again = await this.check(name, key);
      if (again.status !== 'new') return again;
      await fs.promises.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const fh = await fs.promises.open(this.file, 'a+', 0o600);
      try {
        const { size } = await fh.stat();
        let prefix = '';
        if (size > 0) {
          const last = Buffer.alloc(1);
          await fh.read(last, 0, 1, size - 1);
          if (last[0] !== 0x0a) prefix = '\n';
        }
        await fh.write(`${prefix}${name} ${keyTypeOf(key)} ${key.toString('base64')}\n`);
      } finally {
        await fh.close();
      }
      return again;
    });
  }
}
