// Kamal's on-host deploy lock: the directory `.kamal/lock-<service>[-<dest>]` (mkdir is atomic)
// holding `details`, base64 text saying who locked it, when, for which version and why. Sextant adds
// a `Deploy ID:` line so a retried acquire can tell its own lock from someone else's, or, for a
// lock taken by hand, a `Locked with:` line so `lock status` can tell it from Kamal's.
import { CommandWithInput } from './remote';
import { ServiceScope, lockDirectory } from './naming';
import { utcIso8601 } from './timestamp';

export interface LockDetailsParams {
  lockedBy: string;
  at: Date;
  version: string;
  message: string;
  /** The deploy holding the lock; absent for a lock taken with `sextant lock acquire`. */
  deployId?: string;
}

const MANUAL_LINE = 'Locked with: sextant lock acquire';

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/** The decoded details text, Kamal's three lines plus Sextant's deploy ID (or manual-lock line). */
export function lockDetails(p: LockDetailsParams): string {
  return [
    `Locked by: ${oneLine(p.lockedBy)} at ${utcIso8601(p.at)}`,
    `Version: ${oneLine(p.version)}`,
    `Message: ${oneLine(p.message)}`,
    p.deployId !== undefined ? `Deploy ID: ${oneLine(p.deployId)}` : MANUAL_LINE,
  ].join('\n');
}

/** Base64 in 60-column lines, as Kamal (Ruby's Base64.encode64) writes it; `base64 -d` reads it. */
export function encodeLockDetails(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  return (b64.match(/.{1,60}/g) ?? []).map((l) => `${l}\n`).join('');
}

export function lockDetailsFile(scope: ServiceScope): string {
  return `${lockDirectory(scope)}/details`;
}

// mkdir fails if the lock exists: that failure is the "already locked" answer.
const ACQUIRE_SCRIPT = 'mkdir -p -- "$(dirname -- "$1")" && mkdir -- "$1" && cat > "$1/details"';

/**
 * Takes the lock and writes its details (from stdin) in one remote command. Exits non-zero when the
 * directory exists: then read the details and compare the deploy ID.
 */
export function acquireLock(scope: ServiceScope, details: LockDetailsParams): CommandWithInput {
  return { argv: ['sh', '-c', ACQUIRE_SCRIPT, 'sh', lockDirectory(scope)], stdin: encodeLockDetails(lockDetails(details)) };
}

/** Prints the raw (base64) details; exits non-zero when there is no lock. */
export function readLockDetails(scope: ServiceScope): string[] {
  return ['cat', '--', lockDetailsFile(scope)];
}

/** Exit status of `showLock` when there is no lock directory. */
export const NO_LOCK_EXIT = 3;
// Kamal looks for the directory (its release removes `details` first): a directory without
// details is still a lock, shown with empty details.
const SHOW_SCRIPT = `test -d "$1" || exit ${NO_LOCK_EXIT}; cat -- "$1/details" 2>/dev/null; exit 0`;

/** Prints the raw details if the lock is held (even without details), else exits NO_LOCK_EXIT. */
export function showLock(scope: ServiceScope): string[] {
  return ['sh', '-c', SHOW_SCRIPT, 'sh', lockDirectory(scope)];
}

/** The lock from `showLock`'s result: null when unlocked; throws on any other failure. */
export function parseShownLock(result: { code: number; stdout: string; stderr: string }): LockDetails | null {
  if (result.code === NO_LOCK_EXIT) return null;
  if (result.code !== 0) throw new Error(`reading the lock failed (exit ${result.code}): ${result.stderr.trim()}`);
  return decodeLockDetails(result.stdout);
}

/** Succeeds when the lock is already gone, so a retried release is a no-op. Check ownership first. */
export function releaseLock(scope: ServiceScope): string[] {
  return ['rm', '-rf', '--', lockDirectory(scope)];
}

// A lock whose details name another deploy (or none) is left alone; no lock is no error.
const RELEASE_OWN_SCRIPT =
  'test -d "$1" || exit 0; base64 -d < "$1/details" 2>/dev/null | grep -qxF -- "Deploy ID: $2" || exit 0; rm -rf -- "$1"';

/** Releases the lock only if this deploy holds it, in one remote command; a retried release is a no-op. */
export function releaseOwnLock(scope: ServiceScope, deployId: string): string[] {
  return ['sh', '-c', RELEASE_OWN_SCRIPT, 'sh', lockDirectory(scope), oneLine(deployId)];
}

export interface LockDetails {
  lockedBy: string;
  /** ISO 8601 as written. */
  at: string;
  version: string;
  message: string;
  /** Absent when Kamal (or an older tool) took the lock, or `sextant lock acquire`. */
  deployId?: string;
  /** The whole decoded text, for showing to a user. */
  text: string;
}

/** Decodes the details file (Kamal's or Sextant's). */
export function decodeLockDetails(fileContent: string): LockDetails {
  const text = Buffer.from(fileContent.replace(/\s+/g, ''), 'base64').toString('utf8').trim();
  const field = (name: string): string | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}: `));
    return line?.slice(name.length + 2);
  };
  const locked = field('Locked by') ?? '';
  const m = /^(.*) at (\S+)$/.exec(locked);
  return {
    lockedBy: m ? m[1]! : locked,
    at: m ? m[2]! : '',
    version: field('Version') ?? '',
    message: field('Message') ?? '',
    ...(field('Deploy ID') ? { deployId: field('Deploy ID') } : {}),
    text,
  };
}

/** Who wrote a lock: a Sextant deploy, `sextant lock acquire`, or Kamal (or another tool in its format). */
export function lockHolder(details: LockDetails): 'deploy' | 'manual' | 'kamal' {
  if (details.deployId) return 'deploy';
  return details.text.split('\n').includes(MANUAL_LINE) ? 'manual' : 'kamal';
}
