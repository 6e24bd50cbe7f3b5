// Where Sextant's Temporal is: a shared one from the environment (team mode), or the dev
// server the agent runs on this machine with the settings of temporal-dev.yml.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const devServerSchema = z
  .object({
    ip: z.string(),
    port: z.number().int(),
    ui_port: z.number().int(),
    namespace: z.string(),
    db_filename: z.string(),
    log_level: z.enum(['debug', 'info', 'warn', 'error']),
    search_attributes: z.record(z.string(), z.enum(['Keyword', 'Text', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'])),
    sqlite_pragmas: z.record(z.enum(['journal_mode', 'synchronous']), z.string()),
    dynamic_config: z.record(z.string(), z.unknown()),
  })
  .strict();

export type DevServerConfig = z.infer<typeof devServerSchema>;

export interface TemporalSettings {
  address: string;
  namespace: string;
  /** Web UI base URL, when known. */
  ui: string | null;
  apiKey: string | null;
  tls: { cert?: string; key?: string; ca?: string; serverName?: string } | null;
  /** The dev server the agent runs (null: a shared server from the environment). */
  devServer: DevServerConfig | null;
}

export function devServerConfig(env: NodeJS.ProcessEnv = process.env): DevServerConfig {
  const file = join(__dirname, '..', '..', 'temporal-dev.yml');
  const parsed = devServerSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const config = parsed.data;
  const port = env.SEXTANT_DEV_SERVER_PORT;
  const uiPort = env.SEXTANT_DEV_SERVER_UI_PORT;
  if (port) config.port = Number(port);
  config.ui_port = uiPort ? Number(uiPort) : port ? Number(port) + 1000 : config.ui_port;
  return config;
}

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const address = env.SEXTANT_TEMPORAL_ADDRESS;
  if (address) {
    const tls =
      env.SEXTANT_TEMPORAL_TLS_CERT || env.SEXTANT_TEMPORAL_TLS_CA || env.SEXTANT_TEMPORAL_API_KEY
        ? {
            cert: env.SEXTANT_TEMPORAL_TLS_CERT,
            key: env.SEXTANT_TEMPORAL_TLS_KEY,
            ca: env.SEXTANT_TEMPORAL_TLS_CA,
            serverName: env.SEXTANT_TEMPORAL_TLS_SERVER_NAME,
          }
        : null;
    return {
      address,
      namespace: env.SEXTANT_TEMPORAL_NAMESPACE || 'default',
      ui: env.SEXTANT_TEMPORAL_UI || null,
      apiKey: env.SEXTANT_TEMPORAL_API_KEY || null,
      tls,
      devServer: null,
    };
  }
  const dev = devServerConfig(env);
  return {
    address: `${dev.ip}:${dev.port}`,
    namespace: dev.namespace,
    ui: `http://${dev.ip}:${dev.ui_port}`,
    apiKey: null,
    tls: null,
    devServer: dev,
  };
}
