// The version deployed: the app repository's git commit, as Kamal does, with
// `_uncommitted_<hex>` for a dirty tree; `--version` overrides.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CliError, EXIT } from './exit-codes';

export function appVersion(cwd: string, override: string | undefined): string {
  if (override) {
    if (!/^[\w][\w.-]{0,127}$/.test(override)) {
      throw new CliError(`--version ${JSON.stringify(override)} is not a valid image tag (letters, digits, _ . -; at most 128)`, EXIT.usage);
    }
    return override;
  }
  let commit: string;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new CliError(`${cwd} is not a git repository with a commit, so there is no version to deploy. Fix: commit the app, or pass --version V`, EXIT.usage);
  }
  const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' }).trim() !== '';
  return dirty ? `${commit}_uncommitted_${randomBytes(8).toString('hex')}` : commit;
}
