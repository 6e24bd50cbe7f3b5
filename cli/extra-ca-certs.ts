// NODE_EXTRA_CA_CERTS held back while Node starts: Node 20 parses that bundle, and its own
// roots, before any code runs (~90 ms of OpenSSL 3 here, for a 144-certificate system bundle),
// and Sextant's processes make no TLS connection but Temporal's, which is given the file itself
// (worker/connect.ts). bin/sextant's first line (sh), the warm CLI's keeper and ensureAgent start
// Node with the file under HELD instead; the started process puts it back for itself and what it
// starts.
export const HELD = 'SEXTANT_EXTRA_CA_CERTS';

/** The environment to start a Node process with: the variable held back (an empty one is left as it is). */
export function holdingExtraCaCerts(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!env.NODE_EXTRA_CA_CERTS) return env;
  const { NODE_EXTRA_CA_CERTS: file, ...rest } = env;
  return { ...rest, [HELD]: file };
}

/** In the process started so: the variable back where it was. */
export function restoreExtraCaCerts(env: NodeJS.ProcessEnv = process.env): void {
  const file = env[HELD];
  if (file === undefined) return;
  env.NODE_EXTRA_CA_CERTS = file;
  delete env[HELD];
}
