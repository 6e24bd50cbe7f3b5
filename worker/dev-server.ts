// The Temporal dev server the agent runs when no shared Temporal is configured: the
// temporal CLI built by `npm run setup`, state in a SQLite file under SEXTANT_HOME.
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import type { DevServerConfig } from './temporal-settings';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export function temporalBinary(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.SEXTANT_TEMPORAL_BIN, `/var/cache/sextant/bin/temporal-${TEMPORAL_CLI_VERSION}`];
  for (const c of candidates) if (c && existsSync(c)) return c;
  for (const dir of (env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'temporal'))) return join(dir, 'temporal');
  throw new Error(
    `no Temporal CLI found (looked at SEXTANT_TEMPORAL_BIN, /var/cache/sextant/bin/temporal-${TEMPORAL_CLI_VERSION} and PATH). ` +
      'Fix: run `npm run setup`, or set SEXTANT_TEMPORAL_ADDRESS to a running Temporal.',
  );
}

export function devServerArgs(config: DevServerConfig, home: string): string[] {
  const db = join(home, config.db_filename);
  mkdirSync(dirname(db), { recursive: true });
  return [
    'server', 'start-dev',
    '--ip', config.ip,
    '--port', String(config.port),
    '--ui-port', String(config.ui_port),
    '--namespace', config.namespace,
    '--db-filename', db,
    '--log-level', config.log_level,
    ...Object.entries(config.search_attributes).flatMap(([k, t]) => ['--search-attribute', `${k}=${t}`]),
    ...Object.entries(config.sqlite_pragmas).flatMap(([k, v]) => ['--sqlite-pragma', `${k}=${v}`]),
    ...Object.entries(config.dynamic_config).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${JSON.stringify(v)}`]),
  ];
}

export function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Resolves true once something accepts TCP connections on host:port. */
export async function waitForPort(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await portOpen(host, port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
