// Secrets travel through workflow history only as sealed values: AES-256-GCM, one value at a
// time, so the rest of the plan stays readable in the Temporal UI. Activities open them at the
// last moment with the same key (SEXTANT_SECRET_KEY for a team, else a file in SEXTANT_HOME).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Sealed } from './types';

const ALGORITHM = 'aes-256-gcm';

export class SealKeyError extends Error {
  override name = 'SealKeyError';
}

export function sealValue(key: Buffer, plain: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { sealed: 'aes-256-gcm', iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export function openValue(key: Buffer, value: Sealed, what: string): string {
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(value.iv, 'base64'));
    decipher.setAuthTag(Buffer.from(value.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(value.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealKeyError(
      `cannot open the sealed secret ${what}: this worker's key is not the one the deploy was started with. ` +
        'Fix: give every worker and the CLI the same SEXTANT_SECRET_KEY (64 hex characters).',
    );
  }
}

export function sealMap(key: Buffer, values: Record<string, string>): Record<string, Sealed> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, sealValue(key, v)]));
}

export function openMap(key: Buffer, values: Record<string, Sealed>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, openValue(key, v, k)]));
}

/** Where loadSealKey takes the key from, for messages (never the key itself). */
export function sealKeySource(home: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.SEXTANT_SECRET_KEY ? 'SEXTANT_SECRET_KEY' : `${join(home, 'secret.key')} (SEXTANT_SECRET_KEY is not set)`;
}

/** The sealing key: SEXTANT_SECRET_KEY (hex) when set, else `<home>/secret.key`, made once, mode 0600. */
export function loadSealKey(home: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.SEXTANT_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!/^[0-9a-fA-F]{64}$/.test(fromEnv)) {
      throw new SealKeyError('SEXTANT_SECRET_KEY must be 64 hex characters (32 bytes). Fix: generate one with `openssl rand -hex 32`.');
    }
    return Buffer.from(fromEnv, 'hex');
  }
  const file = join(home, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const hex = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new SealKeyError(`${file} does not hold a 64-hex-character key. Fix: delete it to have a new one made.`);
  return Buffer.from(hex, 'hex');
}
