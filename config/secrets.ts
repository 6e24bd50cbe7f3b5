/**
 * Secrets: which ones a config needs, and their values.
 *
 * Where a secret's value comes from, first match wins:
 * 1. Kamal 2 secrets files, read in this order with later files overriding earlier ones:
 *    `<secrets_path>-common`, then `<secrets_path>` — or, with a destination,
 *    `<secrets_path>-common`, then `<secrets_path>.<destination>`. As in Kamal 2, the plain
 *    `<secrets_path>` is not read when a destination is given, so staging never silently gets
 *    production's values.
 * 2. The process environment (practical for CI; Kamal 2 itself only reads it through
 *    `NAME=$NAME` lines in a secrets file).
 * 3. Kamal 0.16 dotenv files: `.env.<destination>`, then `.env` (0.16 loaded them into the
 *    environment without overriding it, hence after it).
 *
 * Files are dotenv format (see dotenv.ts), including `$(command)` and `${VAR}` substitution.
 * Nothing is read or run when no secret is needed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, Problem } from './errors';
import { parseDotenv } from './dotenv';
import { displayPath, LoadedConfig } from './load';
import { parseSecretRef, roleEntries, roles } from './roles';
import type { Config, SslCertificateConfig } from './schema';

export const DEFAULT_SECRETS_PATH = '.kamal/secrets';

export interface ResolveSecretsOptions {
  /** Project directory; relative paths and commands start here. */
  cwd: string;
  destination?: string;
  /** config.secrets_path; default .kamal/secrets. */
  secretsPath?: string;
  /** Secret names to resolve (see secretNames). */
  names: readonly string[];
  /** Process environment; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The Kamal 2 secrets files for a destination, in reading order (later ones override). */
export function secretsFiles(cwd: string, secretsPath = DEFAULT_SECRETS_PATH, destination?: string): string[] {
  const base = resolve(cwd, secretsPath);
  return [`${base}-common`, destination ? `${base}.${destination}` : base];
}

/** The Kamal 0.16 dotenv files, in priority order. */
export function legacyEnvFiles(cwd: string, destination?: string): string[] {
  return [...(destination ? [resolve(cwd, `.env.${destination}`)] : []), resolve(cwd, '.env')];
}

function readDotenv(file: string, cwd: string, env: NodeJS.ProcessEnv, known: Record<string, string>): Record<string, string> {
  return parseDotenv(readFileSync(file, 'utf8'), { file: displayPath(cwd, file), cwd, env, known });
}

export function resolveSecrets(options: ResolveSecretsOptions): Record<string, string> {
  const names = [...new Set(options.names)];
  if (names.length === 0) return {};
  const cwd = resolve(options.cwd);
  const env = options.env ?? process.env;
  const problems: Problem[] = [];

  // 1. Kamal 2 secrets files.
  const kamalFiles = secretsFiles(cwd, options.secretsPath, options.destination);
  let fromFiles: Record<string, string> = {};
  for (const file of kamalFiles) {
    if (!existsSync(file)) continue;
    try {
      fromFiles = { ...fromFiles, ...readDotenv(file, cwd, env, fromFiles) };
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const result: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    if (Object.prototype.hasOwnProperty.call(fromFiles, name)) result[name] = fromFiles[name];
    else if (env[name] !== undefined) result[name] = env[name]!;
    else missing.push(name);
  }

  // 3. Kamal 0.16 dotenv files, only when needed.
  const legacyFiles = legacyEnvFiles(cwd, options.destination);
  if (missing.length > 0) {
    const legacy: Record<string, string>[] = [];
    for (const file of legacyFiles) {
      if (!existsSync(file)) continue;
      try {
        legacy.push(readDotenv(file, cwd, env, {}));
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        problems.push(...e.problems);
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
    for (const name of [...missing]) {
      const found = legacy.find((values) => Object.prototype.hasOwnProperty.call(values, name));
      if (found) {
        result[name] = found[name];
        missing.splice(missing.indexOf(name), 1);
      }
    }
  }

  if (missing.length > 0) {
    const shown = (f: string) => `${displayPath(cwd, f)}${existsSync(f) ? '' : ' (no such file)'}`;
    const searched = [...kamalFiles.map(shown), 'the environment', ...legacyFiles.map(shown)].join(', ');
    const target = displayPath(cwd, kamalFiles[kamalFiles.length - 1]);
    throw new ConfigError(
      missing.map((name) => ({
        message:
          `secret ${name} not found; looked in ${searched}. ` +
          `Fix: add ${name}=... to ${target} (or ${name}=$${name} there to take it from the environment)`,
      })),
    );
  }
  return result;
}

/**
 * The secret names the app (not its accessories) needs, each once, in order: registry username
 * and password (when given as a one-item list), the secrets of the top-level env, of its tags
 * and of each role's env, custom TLS certificates, build secrets and SSH key_data.
 * For `NAME:SECRET` entries the name to resolve is SECRET.
 */
export function secretNames(config: Config): string[] {
  const refs = (env: { secret: string[] } | undefined) => (env?.secret ?? []).map((s) => parseSecretRef(s).secret);
  const certs = (ssl: SslCertificateConfig | undefined) => (ssl ? [ssl.certificate_pem, ssl.private_key_pem] : []);
  const names = credentialNames(config.registry);
  names.push(...refs(config.env), ...Object.values(config.env.tags).flatMap(refs));
  for (const [, role] of roleEntries(config)) names.push(...refs(role.env));
  names.push(...certs(config.proxy.ssl_certificate));
  for (const r of roles(config)) if (r.proxy) names.push(...certs(r.proxy.ssl_certificate));
  names.push(...config.builder.secrets, ...(config.ssh.key_data ?? []));
  return [...new Set(names)];
}

/** The secret names one accessory needs: its env secrets and its registry credentials. */
export function accessorySecretNames(config: Config, name: string): string[] {
  const a = config.accessories[name];
  if (!a) return [];
  return [...new Set([...credentialNames(a.registry), ...(a.env?.secret ?? []).map((s) => parseSecretRef(s).secret)])];
}

function credentialNames(registry: Config['registry']): string[] {
  return [registry?.username, registry?.password].filter(Array.isArray).map((c) => c[0]);
}

/** Resolves exactly the secrets a loaded config needs. */
export function resolveConfigSecrets(
  loaded: LoadedConfig,
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Record<string, string> {
  return resolveSecrets({
    cwd: options.cwd,
    env: options.env,
    destination: loaded.destination,
    secretsPath: loaded.config.secrets_path,
    names: secretNames(loaded.config),
  });
}

/** The value of a registry username or password: the literal string, or the named secret's value. */
export function credentialValue(
  value: string | string[] | undefined,
  secrets: Readonly<Record<string, string>>,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  const name = value[0];
  if (!Object.prototype.hasOwnProperty.call(secrets, name)) {
    throw new ConfigError({ message: `secret ${name} was not resolved. Fix: include it in the names given to resolveSecrets` });
  }
  return secrets[name];
}
