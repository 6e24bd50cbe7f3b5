/**
 * loadConfig: config/deploy.yml (+ config/deploy.<destination>.yml) -> validated Config.
 *
 * Steps: read each file, render its ERB subset, parse YAML (1.1, as Kamal), deep-merge the
 * destination file over the base, drop top-level `x-*` extension keys, validate with the
 * schema (which applies defaults), then run whole-config checks. Every problem found on the
 * way is reported together in one ConfigError, each with file, line and key path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, Problem, sortProblems } from './errors';
import { renderErb } from './erb';
import { errorMap, formatPath, PathProblem, problemsFromIssues } from './issues';
import { deepMerge, isMap } from './merge';
import { Config, ConfigSchema } from './schema';
import { semanticProblems } from './checks';
import { applyLegacy, roleLabels, traefikMigration } from './legacy';
import { firstLine, KeyPath, locate, parseYaml, YamlSource } from './source';
import { describeValue } from './messages';

export const DEFAULT_CONFIG_FILE = 'config/deploy.yml';

export interface LoadConfigOptions {
  /** Config file, relative to cwd; default config/deploy.yml. */
  configFile?: string;
  /** Destination (`-d staging`): also read config/deploy.<destination>.yml. */
  destination?: string;
  /** Project directory. */
  cwd: string;
  /** Environment for ERB (ENV[...] and commands); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute paths of the files read, base first. */
  files: string[];
  destination?: string;
}

const DESTINATION_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function displayPath(cwd: string, file: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** The destination file for a config file: config/deploy.yml -> config/deploy.<dest>.yml. */
export function destinationFile(configFile: string, destination: string): string {
  const ext = extname(configFile);
  return `${ext ? configFile.slice(0, -ext.length) : configFile}.${destination}.yml`;
}

interface ReadResult {
  source?: YamlSource;
  problems: Problem[];
}

function readConfigFile(file: string, display: string, cwd: string, env: NodeJS.ProcessEnv, isBase: boolean): ReadResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return { problems: [{ file: display, message: `cannot read the file: ${(e as Error).message}` }] };
  }
  let rendered;
  try {
    rendered = renderErb(text, { file: display, cwd, env });
  } catch (e) {
    if (e instanceof ConfigError) return { problems: [...e.problems] };
    throw e;
  }
  const { source, problems } = parseYaml(rendered.text, display, rendered.lineMap);
  if (problems.length > 0) return { source, problems };
  const data = source.data;
  if (data === null || data === undefined) {
    if (isBase) {
      return {
        problems: [{ file: display, message: 'the file is empty. Fix: add at least service:, image: and servers:' }],
      };
    }
    source.data = {};
  } else if (!isMap(data)) {
    return {
      problems: [
        {
          file: display,
          line: firstLine(source),
          message: `expected a map of settings at the top level, got ${describeValue(data)}. Fix: write one key: value per line, e.g. service: myapp`,
        },
      ],
    };
  }
  return { source, problems: [] };
}

/**
 * Where a key path was written: the file holding more of the path (the destination file wins a
 * tie, since its values replace the base's), and the line there.
 */
function place(sources: YamlSource[], path: KeyPath, p: PathProblem): Problem {
  let best: { src: YamlSource; line?: number; depth: number } | undefined;
  for (const src of sources) {
    const loc = locate(src, path);
    if (!best || loc.depth > best.depth || (loc.depth === best.depth && loc.depth === path.length && loc.depth > 0)) {
      best = { src, ...loc };
    }
  }
  const problem: Problem = { message: p.message };
  if (best) {
    problem.file = best.src.file;
    if (best.line !== undefined) problem.line = best.line;
  }
  const shown = formatPath(p.path);
  if (shown) problem.path = shown;
  return problem;
}

/**
 * Key paths from zod follow the normalized shape (a flat `env:` map is validated as
 * `env.clear`); map them back to what the user wrote by dropping segments the raw data lacks.
 */
function rawPath(path: KeyPath, raw: unknown): KeyPath {
  const out: Array<string | number> = [];
  let node: unknown = raw;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node) && typeof seg === 'string' && !Object.prototype.hasOwnProperty.call(node, seg) && i + 1 < path.length) {
      const next = path[i + 1];
      if (typeof next === 'string' && Object.prototype.hasOwnProperty.call(node, next)) continue;
    }
    out.push(seg);
    node = isMap(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[seg] : undefined;
  }
  return out;
}

export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const cwd = resolve(options.cwd);
  const env = options.env ?? process.env;
  const baseFile = resolve(cwd, options.configFile ?? DEFAULT_CONFIG_FILE);
  const baseDisplay = displayPath(cwd, baseFile);
  const destination = options.destination;

  if (!existsSync(baseFile)) {
    throw new ConfigError({
      file: baseDisplay,
      message: `the configuration file does not exist. Fix: create it (see docs/configuration.md), or pass the right file with -c`,
    });
  }

  const files = [baseFile];
  const problems: Problem[] = [];
  const sources: YamlSource[] = [];

  const base = readConfigFile(baseFile, baseDisplay, cwd, env, true);
  problems.push(...base.problems);
  if (base.source) sources.push(base.source);

  let dest: ReadResult | undefined;
  if (destination !== undefined) {
    if (!DESTINATION_RE.test(destination)) {
      throw new ConfigError({
        message: `the destination name ${JSON.stringify(destination)} is not valid. Fix: use letters, digits, hyphens, underscores and dots, e.g. -d staging`,
      });
    }
    const destFile = destinationFile(baseFile, destination);
    const destDisplay = displayPath(cwd, destFile);
    if (!existsSync(destFile)) {
      throw new ConfigError({
        file: destDisplay,
        message: `destination ${destination} needs this file, which does not exist. Fix: create it with the settings that differ for ${destination}, or check the name given to -d`,
      });
    }
    files.push(destFile);
    dest = readConfigFile(destFile, destDisplay, cwd, env, false);
    problems.push(...dest.problems);
    if (dest.source) sources.push(dest.source);
  }

  if (problems.length > 0) throw new ConfigError(problems);

  const merged = deepMerge(base.source!.data, dest?.source?.data ?? {}) as Record<string, unknown>;
  const raw: Record<string, unknown> = Object.fromEntries(Object.entries(merged).filter(([k]) => !k.startsWith('x-')));

  const pathProblems: PathProblem[] = [];
  if (raw.require_destination === true && destination === undefined) {
    pathProblems.push({
      path: ['require_destination'],
      message: 'this configuration requires a destination. Fix: pass one with -d, e.g. -d staging',
    });
  }

  // Kamal 1's traefik: gets one message saying what to write under proxy: instead.
  const toParse = { ...raw };
  if ('traefik' in raw) {
    pathProblems.push({ path: ['traefik'], message: traefikMigration(raw.traefik, roleLabels(raw.servers)) });
    delete toParse.traefik;
  }

  const parsed = ConfigSchema.safeParse(toParse, { error: errorMap, reportInput: true });
  if (parsed.success) {
    applyLegacy(parsed.data, raw);
    pathProblems.push(...semanticProblems(parsed.data, raw));
  } else {
    pathProblems.push(...problemsFromIssues(parsed.error.issues));
  }

  if (pathProblems.length > 0) {
    const located = pathProblems.map((p) => place(sources, rawPath(p.path, raw), { ...p, path: rawPath(p.path, raw) }));
    throw new ConfigError(sortProblems(located, sources.map((s) => s.file)));
  }

  const result: LoadedConfig = { config: parsed.data!, files };
  if (destination !== undefined) result.destination = destination;
  return result;
}
