// Connection options shared by the CLI's client and the workers.
import { readFileSync } from 'node:fs';
import type { TemporalSettings } from './temporal-settings';

export interface ConnectionOptions {
  address: string;
  tls?: { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } } | boolean;
  apiKey?: string;
}

export function connectionOptions(settings: TemporalSettings): ConnectionOptions {
  const options: ConnectionOptions = { address: settings.address };
  if (settings.tls) {
    const { cert, key, ca, serverName } = settings.tls;
    options.tls = {
      serverNameOverride: serverName,
      serverRootCACertificate: ca ? readFileSync(ca) : undefined,
      clientCertPair: cert && key ? { crt: readFileSync(cert), key: readFileSync(key) } : undefined,
    };
  }
  if (settings.apiKey) options.apiKey = settings.apiKey;
  return options;
}

/** A message for a Temporal that does not answer, naming where it was looked for. */
export function unreachableMessage(settings: TemporalSettings, cause: unknown): string {
  const why = cause instanceof Error ? cause.message : String(cause);
  const origin = settings.devServer ? "the agent's Temporal dev server" : 'SEXTANT_TEMPORAL_ADDRESS';
  return `cannot reach Temporal at ${settings.address} (${origin}): ${why}`;
}
