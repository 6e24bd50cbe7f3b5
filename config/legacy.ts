/**
 * Kamal 0.16 (Kamal 1) forms that Sextant still reads, and how they map onto Kamal 2 settings:
 *
 * - `healthcheck:` (top level or per role): `path` becomes the proxy health check path, `port`
 *   the proxy's app_port, `interval` its interval; the rest (`cmd`, `max_attempts`, `cord`,
 *   `log_lines`) is accepted and kept for callers that run a Docker health check.
 * - `stop_wait_time:` is the old name of `stop_timeout`.
 * - `traefik:` cannot be mapped silently (Traefik labels and args have no exact equivalent), so
 *   it is an error that spells out what to write under `proxy:` from what the section holds.
 *
 * Explicit Kamal 2 settings always win over the values taken from 0.16 forms.
 */
import { z } from 'zod';
import { hint, isPlainObject, nonEmpty, port, text } from './leaves';
import { expectedGot } from './messages';
import type { Config } from './schema';

const DURATION_EXPECTED = 'a duration: a number of seconds, or e.g. "10s", "500ms", "1m"';

/** Kamal 1 passed durations to Docker as text ("10s"); a number means seconds. Output: seconds. */
export function duration() {
  return hint(z.union([z.number(), z.string()]), { expected: DURATION_EXPECTED, type: 'seconds or "10s"' }).transform((v, ctx) => {
    if (typeof v === 'number' && v > 0) return v;
    const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(v) : null;
    const n = m ? Number(m[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 } as Record<string, number>)[m[2] ?? 's'] : NaN;
    if (!(n > 0)) {
      ctx.issues.push({ code: 'custom', input: v, message: expectedGot(DURATION_EXPECTED, v, 'write e.g. interval: 10s') });
      return z.NEVER;
    }
    return n;
  });
}

/** Kamal 0.16's health check, top level or per role. */
export const LegacyHealthcheckSchema = hint(
  z.strictObject({
    path: nonEmpty('a URL path, e.g. /up').optional().describe('Path checked (Kamal 0.16; default /up). Becomes `proxy.healthcheck.path`.'),
    port: port().optional().describe('Port the app listens on (Kamal 0.16; default 3000). Becomes `proxy.app_port`.'),
    interval: duration().optional().describe('Time between checks, e.g. `10s` (Kamal 0.16). Becomes `proxy.healthcheck.interval`.'),
    max_attempts: hint(z.number().int().min(1), { expected: 'a whole number, at least 1' })
      .optional()
      .describe('How many times the container is polled before the deploy fails (Kamal 0.16; default 7).'),
    cmd: text('a command line').optional().describe('Docker health check command run inside the container (Kamal 0.16).'),
    cord: hint(z.union([z.string(), z.literal(false)]), { expected: 'a path, or false' })
      .optional()
      .describe('Kamal 0.16 cord file for Traefik; accepted and not used (kamal-proxy drains connections itself).'),
    log_lines: hint(z.number().int().min(0), { expected: 'a whole number' })
      .optional()
      .describe('Container log lines shown when the health check fails (Kamal 0.16).'),
  }),
  { expected: 'a map with path:, port:, interval:, max_attempts: and cmd:' },
);

export type LegacyHealthcheck = z.infer<typeof LegacyHealthcheckSchema>;

/** The Kamal 0.16 default app port, used when a 0.16 health check gives none. */
export const LEGACY_APP_PORT = 3000;

function has(o: unknown, ...path: string[]): boolean {
  let node = o;
  for (const k of path) {
    if (!isPlainObject(node) || !Object.prototype.hasOwnProperty.call(node, k)) return false;
    node = node[k];
  }
  return true;
}

interface ProxyTarget {
  app_port?: number;
  healthcheck?: { path?: string; interval?: number };
}

/**
 * Fills proxy settings from a 0.16 health check where the config (raw: as written) does not set
 * them itself. `rawProxy` is the proxy map the user wrote at the same level (or undefined).
 */
export function proxyFromLegacy<P extends ProxyTarget>(proxy: P, hc: LegacyHealthcheck, rawProxy: unknown): P {
  const out: P = { ...proxy, healthcheck: { ...proxy.healthcheck } };
  if (!has(rawProxy, 'app_port')) out.app_port = hc.port ?? LEGACY_APP_PORT;
  if (hc.path !== undefined && !has(rawProxy, 'healthcheck', 'path')) out.healthcheck!.path = hc.path.startsWith('/') ? hc.path : `/${hc.path}`;
  if (hc.interval !== undefined && !has(rawProxy, 'healthcheck', 'interval')) out.healthcheck!.interval = hc.interval;
  return out;
}

// ---------------------------------------------------------------------------------------------
// traefik -> proxy

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (isPlainObject(v)) return Object.entries(v).flatMap(([k, x]) => strings(x).map((s) => `${k}=${s}`).concat(typeof x === 'string' ? [] : [k]));
  return [];
}

/** Host names in Traefik router rules, e.g. Host(`app.example.com`) || Host(`www.example.com`). */
function ruleHosts(labels: unknown): string[] {
  const hosts: string[] = [];
  for (const s of strings(labels)) for (const m of s.matchAll(/Host\(\s*[`"']([^`"']+)[`"']/g)) hosts.push(m[1]);
  return [...new Set(hosts)];
}

function rulePrefix(labels: unknown): string | undefined {
  for (const s of strings(labels)) {
    const m = /PathPrefix\(\s*[`"']([^`"']+)[`"']/.exec(s);
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The message for a `traefik:` section: what to write under `proxy:` instead, derived from what
 * the section (and Traefik labels on roles) says. `roleLabels` are the labels of all roles.
 */
export function traefikMigration(traefik: unknown, roleLabels: unknown[] = []): string {
  const t = isPlainObject(traefik) ? traefik : {};
  const labels = [t.labels, ...roleLabels];
  const lines: string[] = [];
  const hosts = ruleHosts(labels);
  if (hosts.length === 1) lines.push(`host: ${hosts[0]} (from the Host rule)`);
  else if (hosts.length > 1) lines.push(`hosts: [${hosts.join(', ')}] (from the Host rules)`);
  const prefix = rulePrefix(labels);
  if (prefix) lines.push(`path_prefix: ${prefix} (from the PathPrefix rule)`);
  const args = strings(t.args);
  if (args.some((a) => /certificatesresolvers|tls/i.test(a))) lines.push('ssl: true (kamal-proxy gets certificates from Let\'s Encrypt itself)');
  const run: string[] = [];
  if (t.host_port !== undefined) run.push(`http_port: ${String(t.host_port)}`);
  const publish = strings(isPlainObject(t.options) ? t.options.publish : undefined);
  const https = publish.map((p) => /^(\d+):443$/.exec(p)?.[1]).find((p) => p !== undefined);
  if (https) run.push(`https_port: ${https}`);
  if (run.length > 0) lines.push(`run: { ${run.join(', ')} } (from ${t.host_port !== undefined ? 'host_port' : 'options.publish'})`);
  if (t.image !== undefined) lines.push('run.repository and run.version only if you mirror the kamal-proxy image (the traefik image does not apply)');
  const hint = lines.length > 0 ? `write under proxy: ${lines.join('; ')}` : 'write under proxy: host: <your domain>, and app_port: <the port your app listens on>';
  return (
    'Kamal 1 routed traffic with Traefik; Sextant (like Kamal 2) uses kamal-proxy, so traefik: is not read. ' +
    `Fix: remove traefik: and ${hint}`
  );
}

/** The labels of every role as written (Kamal 1 put Traefik router rules there). */
export function roleLabels(servers: unknown): unknown[] {
  return isPlainObject(servers) ? Object.values(servers).map((r) => (isPlainObject(r) ? r.labels : undefined)) : [];
}

/** Applies the top-level 0.16 forms (health check, stop_wait_time) to a parsed config, in place. */
export function applyLegacy(config: Config, raw: Record<string, unknown>): void {
  if (config.healthcheck) config.proxy = proxyFromLegacy(config.proxy, config.healthcheck, raw.proxy);
  if (config.stop_timeout === undefined && config.stop_wait_time !== undefined) config.stop_timeout = config.stop_wait_time;
}
