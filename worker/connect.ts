// Connection options shared by the CLI's client and the workers.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { TemporalSettings } from './temporal-settings';

export interface ConnectionOptions {
  address: string;
  tls?: { serverNameOverride?: string; serverRootCACertificate?: Buffer; clientCertPair?: { crt: Buffer; key: Buffer } } | boolean;
  apiKey?: string;
}

/**
 * A TLS connection without a CA of its own trusts Node's roots and NODE_EXTRA_CA_CERTS's, given
 * here: neither grpc-js (the CLI) nor the workers' native connection reads that file, and the
 * CLI's processes start Node without it (cli/extra-ca-certs.ts). A file that does not read adds
 * nothing, with a warning, as Node ignores it too.
 */
export function connectionOptions(settings: TemporalSettings, env: NodeJS.ProcessEnv = process.env): ConnectionOptions {
  const options: ConnectionOptions = { address: settings.address };
  if (settings.tls) {
    const { cert, key, ca, serverName } = settings.tls;
    options.tls = {
      serverNameOverride: serverName,
      serverRootCACertificate: ca ? readFileSync(ca) : extraRoots(env),
      clientCertPair: cert && key ? { crt: readFileSync(cert), key: readFileSync(key) } : undefined,
    };
  }
  if (settings.apiKey) options.apiKey = settings.apiKey;
  return options;
}

function extraRoots(env: NodeJS.ProcessEnv): Buffer | undefined {
  const file = env.NODE_EXTRA_CA_CERTS;
  if (!file) return undefined;
  try {
    return Buffer.from([...rootCertificates, readFileSync(file, 'utf8')].join('\n'));
  } catch (err) {
    // Node's own words for it, which a process started without the variable no longer prints.
    process.emitWarning(`Ignoring extra certs from \`${file}\` (NODE_EXTRA_CA_CERTS), load failed: ${err instanceof Error ? err.message : err}`);
    return undefined;
  }
}

/** A message for a Temporal that does not answer, naming where it was looked for. */
export function unreachableMessage(settings: TemporalSettings, cause: unknown): string {
  const why = cause instanceof Error ? cause.message : String(cause);
  const origin = settings.devServer ? "the agent's Temporal dev server" : 'SEXTANT_TEMPORAL_ADDRESS';
  return `cannot reach Temporal at ${settings.address} (${origin}): ${why}`;
}
