// Atomic file upload over SFTP: create a temp file next to the target with the final mode set
// at open (so it is never readable by others, not even briefly), write, fsync, rename over.
import { randomBytes } from 'crypto';
import { posix } from 'path';
import type { SFTPWrapper, Stats } from 'ssh2';

/** SFTP status codes (draft-ietf-secsh-filexfer-02). */
const SFTP_NO_SUCH_FILE = 2;

export class UploadError extends Error {
  override readonly name = 'UploadError';
}

function call<T>(fn: (cb: (err: Error | undefined | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      fn((err, value) => (err ? reject(err) : resolve(value as T)));
    } catch (err) {
      reject(err);
    }
  });
}

function sftpCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

async function ensureDir(sftp: SFTPWrapper, dir: string): Promise<void> {
  let st: Stats | undefined;
  try {
    st = await call<Stats>((cb) => sftp.stat(dir, cb));
  } catch (err) {
    if (sftpCode(err) !== SFTP_NO_SUCH_FILE) throw err;
  }
  if (st) {
    if (!st.isDirectory()) throw new Error(`${dir} exists and is not a directory`);
    return;
  }
  const parent = posix.dirname(dir);
  if (parent !== dir) await ensureDir(sftp, parent);
  try {
    await call<void>((cb) => sftp.mkdir(dir, cb));
  } catch (err) {
    // Someone else may have created it meanwhile.
    const again = await call<Stats>((cb) => sftp.stat(dir, cb)).catch(() => undefined);
    if (!again?.isDirectory()) throw err;
  }
}

/** Absolute remote path: "~/x" and relative paths are relative to the SSH user's home. */
export async function resolveRemotePath(sftp: SFTPWrapper, remotePath: string): Promise<string> {
  let p = remotePath;
  if (p === '~' || p === '' || p.endsWith('/')) throw new UploadError(`upload: ${JSON.stringify(remotePath)} is not a file path`);
  if (p.startsWith('~/')) p = p.slice(2);
  if (p.startsWith('/')) return posix.normalize(p);
  const home = await call<string>((cb) => sftp.realpath('.', cb));
  return posix.join(home, p);
}

export async function sftpUpload(sftp: SFTPWrapper, remotePath: string, content: string | Buffer, mode: number): Promise<string> {
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new UploadError(`upload: invalid mode ${mode}`);
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  let step = 'resolving the path';
  let target = remotePath;
  let tmp: string | undefined;
  try {
    target = await resolveRemotePath(sftp, remotePath);
    const dir = posix.dirname(target);
    step = `creating ${dir}`;
    await ensureDir(sftp, dir);
    tmp = posix.join(dir, `.${posix.basename(target)}.sextant-${randomBytes(6).toString('hex')}.tmp`);
    step = `creating ${tmp}`;
    const handle = await call<Buffer>((cb) => sftp.open(tmp!, 'wx', { mode }, cb));
    try {
      step = `setting mode ${mode.toString(8).padStart(4, '0')} on ${tmp}`;
      // open() applied the server's umask; set the exact mode (umask only ever removes bits,
      // so the file was never more open than `mode`).
      await call<void>((cb) => sftp.fchmod(handle, mode, cb));
      step = `writing ${tmp}`;
      if (data.length > 0) await call<void>((cb) => sftp.write(handle, data, 0, data.length, 0, cb));
      step = `syncing ${tmp}`;
      await call<unknown>((cb) => sftp.ext_openssh_fsync(handle, cb)).catch(() => undefined); // best effort
    } finally {
      await call<void>((cb) => sftp.close(handle, cb)).catch(() => undefined);
    }
    step = `renaming ${tmp} to ${target}`;
    try {
      await call<void>((cb) => sftp.ext_openssh_rename(tmp!, target, cb)); // POSIX rename: atomic replace
    } catch (err) {
      if (!/not support/i.test((err as Error).message)) throw err;
      // Server without posix-rename: plain SFTP rename refuses to replace, so remove first.
      await call<void>((cb) => sftp.unlink(target, cb)).catch(() => undefined);
      await call<void>((cb) => sftp.rename(tmp!, target, cb));
    }
    tmp = undefined;
    return target;
  } catch (err) {
    if (tmp) await call<void>((cb) => sftp.unlink(tmp!, cb)).catch(() => undefined);
    throw new UploadError(`upload to ${target} failed while ${step}: ${(err as Error).message}`, { cause: err });
  }
}
