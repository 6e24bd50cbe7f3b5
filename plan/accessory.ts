// An accessory's part of an operation's plan: what its host steps need, fixed when the workflow
// starts. Secrets (env, registry password) and the contents of its `files:` (config files often
// hold passwords) are sealed, the rest stays readable in the Temporal UI.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { accessoryHosts, ConfigError, credentialValue, mergeEnv, type Config } from '../config';
import { accessoryContainer, directoryMounts, fileMounts, run, type AccessoryRunParams } from '../commands/accessory';
import type { ServiceScope } from '../commands/naming';
import { sealMap, sealValue } from './seal';
import type { Plan, RolePlan, Sealed } from './types';

export interface AccessoryFile {
  /** As written in deploy.yml: `local:remote[:options]`. */
  entry: string;
  content: Sealed;
}

/** Settings a container gets, as a role's plan holds them (cmd, env with sealed secrets, labels, options, logging, volumes). */
export interface AccessoryPlan extends Pick<RolePlan, 'hosts' | 'cmd' | 'env' | 'labels' | 'options' | 'logging' | 'volumes'> {
  /** The key under `accessories:`. */
  name: string;
  container: string;
  image: string;
  network: string;
  port: string | null;
  files: AccessoryFile[];
  directories: string[];
  /** Logged in to before pulling: the accessory's own `registry:`, or the app's when the image is there. */
  registry: Plan['registry'];
}

export interface AccessoryPlanOptions {
  config: Config;
  name: string;
  secrets: Readonly<Record<string, string>>;
  sealKey: Buffer;
  /** The project directory: `files:` are relative to it. */
  cwd: string;
}

function problem(name: string, key: string, message: string): ConfigError {
  return new ConfigError({ path: `accessories.${name}${key ? `.${key}` : ''}`, message });
}

export function buildAccessoryPlan(o: AccessoryPlanOptions): AccessoryPlan {
  const { config, name, secrets, sealKey } = o;
  const a = config.accessories[name];
  if (!a) throw new ConfigError({ path: 'accessories', message: `has no accessory ${name}` });
  if (a.proxy) throw problem(name, 'proxy', 'serving an accessory through kamal-proxy is not supported by Sextant yet. Fix: remove proxy: and publish it with port:');
  const registryConfig = a.registry ?? (config.registry?.server && a.image.startsWith(`${config.registry.server}/`) ? config.registry : undefined);
  const username = credentialValue(registryConfig?.username, secrets);
  const password = credentialValue(registryConfig?.password, secrets);
  const env = mergeEnv({ clear: {}, secret: [] }, a.env);
  const files = (a.files ?? []).map((entry) => {
    const local = entry.split(':')[0]!;
    if (local.endsWith('.erb')) throw problem(name, 'files', `${local}: ERB templates in accessory files are not supported by Sextant yet. Fix: render the file first and name the result`);
    let content: string;
    try {
      content = readFileSync(resolve(o.cwd, local), 'utf8');
    } catch (err) {
      throw problem(name, 'files', `cannot read ${local} (${(err as NodeJS.ErrnoException).code ?? String(err)}). Fix: create it, or correct the path (relative to the project)`);
    }
    return { entry, content: sealValue(sealKey, content) };
  });
  const plan: AccessoryPlan = {
    name,
    container: accessoryContainer({ service: config.service, accessory: name }, a.service),
    // Kamal puts the accessory registry's server in front of the image.
    image: a.registry?.server ? `${a.registry.server}/${a.image}` : a.image,
    hosts: accessoryHosts(config, a),
    network: a.network,
    port: a.port ?? null,
    cmd: a.cmd ?? null,
    env: { clear: env.clear, secret: sealMap(sealKey, Object.fromEntries(env.secret.map((s) => [s.name, secrets[s.secret] ?? '']))) },
    labels: a.labels ?? {},
    options: Object.fromEntries(Object.entries(a.options ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : v])),
    logging: config.logging,
    volumes: a.volumes ?? [],
    files,
    directories: a.directories ?? [],
    registry:
      registryConfig && username !== undefined && password !== undefined
        ? { server: registryConfig.server ?? 'docker.io', username, password: sealValue(sealKey, password) }
        : null,
  };
  // Entries the host steps could not turn into a command line fail here, before any host is touched.
  try {
    run(runParamsOf(plan, { service: config.service }, '/home'));
  } catch (err) {
    throw problem(name, '', `${(err as Error).message}. Fix: correct it under accessories.${name}`);
  }
  return plan;
}

/** What `docker run` (or a one-off exec container) of the accessory gets on a host whose SSH user's home is `home`. */
export function runParamsOf(acc: AccessoryPlan, scope: ServiceScope, home: string, deployId?: string): AccessoryRunParams {
  return {
    ...scope,
    accessory: acc.name,
    container: acc.container,
    image: acc.image,
    network: acc.network,
    port: acc.port ?? undefined,
    clearEnv: acc.env.clear,
    logging: acc.logging,
    volumes: acc.volumes,
    mounts: [...fileMounts(home, acc.container, acc.files.map((f) => f.entry)), ...directoryMounts(home, acc.container, acc.directories)],
    labels: acc.labels,
    options: acc.options,
    cmd: acc.cmd ?? undefined,
    deployId,
  };
}
