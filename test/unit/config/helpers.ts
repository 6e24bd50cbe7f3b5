/** Temporary project directories with real files, for config tests. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'configs');

const made: string[] = [];

/** A fresh project directory holding `files` (path relative to the project -> content). */
export function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-config-'));
  made.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
}

export function cleanupProjects(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Minimal environment for ERB and commands: no variables from the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

/** The error thrown by fn, failing the test when nothing is thrown. */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, but none was thrown');
}

export interface FixtureOptions {
  destination?: string;
  env?: Record<string, string>;
  /** Also resolve the secrets the config needs (for missing-secret cases). */
  resolveSecrets?: boolean;
}

/**
 * The fixture `<dir>/<name>.yml` as config/deploy.yml of a fresh project, with its optional
 * `<name>.options.json` ({ destination, env }) and, with a destination, `<name>.<destination>.yml`
 * as config/deploy.<destination>.yml.
 */
export function fixtureProject(dir: string, name: string): { cwd: string; options: FixtureOptions } {
  const optionsFile = join(dir, `${name}.options.json`);
  const options: FixtureOptions = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, 'utf8')) : {};
  const files: Record<string, string> = { 'config/deploy.yml': readFileSync(join(dir, `${name}.yml`), 'utf8') };
  if (options.destination) {
    const dest = join(dir, `${name}.${options.destination}.yml`);
    if (existsSync(dest)) files[`config/deploy.${options.destination}.yml`] = readFileSync(dest, 'utf8');
  }
  return { cwd: project(files), options };
}

/** Fixture names in a directory: `<name>.yml` without a destination part. */
export function fixtureNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => f.slice(0, -'.yml'.length))
    .filter((n) => !n.includes('.'))
    .sort();
}
