/**
 * The schema of config/deploy.yml: the single source of truth for what Sextant accepts, the
 * defaults it applies, the types the rest of the code uses (via z.infer) and the generated
 * reference (docs/configuration.md, rendered by config/docs.ts from the descriptions here).
 *
 * Conventions:
 * - Every map is a strict object: unknown keys are errors (with a suggestion).
 * - `hint()` attaches wording for error messages (what is expected, how to fix) to the schema
 *   node that raises the issue; `.describe()` gives the text for the reference.
 * - Defaults live here, not in the code that reads the config.
 * - Where Kamal accepts a number or a boolean in a string setting (env values, labels, build
 *   args), so do we: they are converted to text.
 */
import { z } from 'zod';
import { expectedGot, yamlScalar } from './messages';
import {
  hint,
  HOST_EXPECTED,
  HostList,
  isPlainObject,
  Labels,
  nonEmpty,
  NOT_YET,
  Options,
  port,
  positiveSeconds,
  seconds,
  Service,
  text,
} from './leaves';
import { LegacyHealthcheckSchema } from './legacy';

export { hints } from './leaves';
export type { Hint, HostEntry } from './leaves';

const STOP_TIMEOUT_DOC = 'Seconds `docker stop` waits before killing a container (Docker default when not set).';
const ASSET_PATH_DOC = 'Path inside the image of assets to keep serving across versions (bridged between old and new containers).';
const bool = (expected = 'true or false') => hint(z.boolean(), { expected });
const SecretNames = (example: string) =>
  hint(z.array(nonEmpty('a secret name')), { expected: 'a list of secret names', fix: `write {key} as a YAML list, e.g. {key}: [${example}]` });

// ---------------------------------------------------------------------------------------------
// env

const SECRET_REF_EXPECTED = 'a secret name, or NAME:SECRET to take NAME from another secret';

const SecretRef = hint(
  z.string().refine((s) => /^[^:\s]+(:[^:\s]+)?$/.test(s), {
    error: (iss) => expectedGot(SECRET_REF_EXPECTED, iss.input, 'write e.g. DB_PASSWORD or DB_PASSWORD:MAIN_DB_PASSWORD'),
  }),
  { expected: SECRET_REF_EXPECTED },
);

const EnvValue = text({ expected: 'a single value (text, a number or a boolean)', fix: 'write {key} as a single value, e.g. {key}: "text"' });

const EnvClear = hint(z.record(z.string(), EnvValue), {
  expected: 'a map of NAME: value',
  key: '<NAME>',
});

const envFields = {
  clear: EnvClear.prefault({}).describe('Variables passed to the container as they are.'),
  secret: hint(z.array(SecretRef), { expected: 'a list of secret names', fix: 'write {key} as a YAML list, e.g. {key}: [DB_PASSWORD]' })
    .prefault([])
    .describe(
      'Names of secrets to pass to the container (written to an env file on the host, never on a command line). ' +
        '`NAME:SECRET` sets NAME from the secret SECRET. Values come from the secrets files, see "Secrets" below.',
    ),
};

/** A flat map of clear values is shorthand for `{ clear: ... }` (Kamal 0.16 wrote env this way). */
function flatEnv(v: unknown): unknown {
  return isPlainObject(v) && !('clear' in v) && !('secret' in v) && !('tags' in v) ? { clear: v } : v;
}

/** env of a role, a tag or an accessory: flat, or clear/secret. */
export const EnvBaseSchema = z.preprocess(
  flatEnv,
  hint(z.strictObject(envFields), {
    expected: 'a map of NAME: value, or a map with clear: and secret:',
    notes: { tags: 'is only allowed in the top-level env:. Fix: move it there' },
  }),
);

/** The top-level env: also `tags`, env for the hosts tagged in servers. */
export const EnvSchema = z.preprocess(
  flatEnv,
  hint(
    z.strictObject({
      ...envFields,
      tags: hint(z.record(z.string(), EnvBaseSchema), { expected: 'a map of tag name to env', key: '<tag>' })
        .prefault({})
        .describe(
          'Extra env for the hosts that carry a tag in servers (e.g. `- 10.0.0.1: [gpu]`), merged over the role env, ' +
            'in the order the tags are written here.',
        ),
    }),
    { expected: 'a map of NAME: value, or a map with clear:, secret: and tags:' },
  ),
);

// ---------------------------------------------------------------------------------------------
// registry

const CREDENTIAL_EXPECTED = 'a string, or a list with one secret name (e.g. [KAMAL_REGISTRY_PASSWORD])';

const Credential = hint(
  z.union([
    z.string().min(1),
    hint(z.array(z.string().min(1)).length(1), {
      expected: CREDENTIAL_EXPECTED,
      fix: 'list exactly one secret name, e.g. {key}: [KAMAL_REGISTRY_PASSWORD]',
    }),
  ]),
  { expected: CREDENTIAL_EXPECTED, type: 'string or [SECRET_NAME]' },
);

function isLocalRegistry(server: string | undefined): boolean {
  return server !== undefined && /^localhost(:|$)/.test(server);
}

export const RegistrySchema = hint(
  z
    .strictObject({
      server: nonEmpty('a registry host name, e.g. ghcr.io')
        .optional()
        .describe('Registry host, e.g. `ghcr.io`. Docker Hub when not set.'),
      username: Credential.optional().describe(
        'User name: a string, or a list with one secret name whose value is the user name.',
      ),
      password: Credential.optional().describe(
        'Password or token: a string, or (better) a list with one secret name, e.g. `[KAMAL_REGISTRY_PASSWORD]`. ' +
          'Sent to `docker login` on standard input, never on a command line.',
      ),
    })
    .superRefine((r, ctx) => {
      if (isLocalRegistry(r.server)) return;
      for (const key of ['username', 'password'] as const) {
        if (r[key] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            input: undefined,
            message:
              `is missing (required unless the registry is on localhost). Fix: add ${key}: under registry` +
              (key === 'password' ? ', e.g. password: [KAMAL_REGISTRY_PASSWORD]' : ''),
          });
        }
      }
    }),
  { expected: 'a map with server:, username: and password:' },
);

// ---------------------------------------------------------------------------------------------
// logging

const LOGGING_OPTIONS_DOC = 'Options of the log driver (`--log-opt NAME=value`).';

/** Docker logging of a container. Without any logging setting, Kamal's `max-size=10m` applies. */
export const LoggingSchema = hint(
  z.strictObject({
    driver: nonEmpty('a Docker log driver, e.g. json-file').optional().describe('Docker log driver (`--log-driver`); Docker default when not set.'),
    options: hint(z.record(z.string(), text('a value')), { expected: 'a map of option: value', key: '<option>' })
      .optional()
      .describe(LOGGING_OPTIONS_DOC),
  }),
  { expected: 'a map with driver: and options:' },
);

// ---------------------------------------------------------------------------------------------
// proxy

const HC_PATH_EXPECTED = 'a URL path starting with /';
const HealthcheckPath = hint(
  z.string().refine((s) => s.startsWith('/'), {
    error: (iss) => expectedGot(HC_PATH_EXPECTED, iss.input, `write e.g. path: /${yamlScalar(String(iss.input ?? 'up').replace(/^\/*/, ''))}`),
  }),
  { expected: HC_PATH_EXPECTED },
);

const HEALTHCHECK_EXPECTED = 'a map with path:, interval: and timeout:';
const HC_PATH_DOC = 'Path the proxy requests on the new container; it must answer 200 before traffic moves.';
const HC_INTERVAL_DOC = 'Seconds between health checks while deploying.';
const HC_TIMEOUT_DOC = 'Seconds before a single health check request times out.';

const Healthcheck = hint(
  z.strictObject({
    path: HealthcheckPath.default('/up').describe(HC_PATH_DOC),
    interval: positiveSeconds().default(1).describe(HC_INTERVAL_DOC),
    timeout: positiveSeconds().default(5).describe(HC_TIMEOUT_DOC),
  }),
  { expected: HEALTHCHECK_EXPECTED },
);

const RoleHealthcheck = hint(
  z.strictObject({
    path: HealthcheckPath.optional().describe(HC_PATH_DOC),
    interval: positiveSeconds().optional().describe(HC_INTERVAL_DOC),
    timeout: positiveSeconds().optional().describe(HC_TIMEOUT_DOC),
  }),
  { expected: HEALTHCHECK_EXPECTED },
);

const ProxyRun = hint(
  z.strictObject({
    registry: nonEmpty('a registry host name')
      .optional()
      .describe('Registry to pull the kamal-proxy image from (Docker Hub when not set).'),
    repository: nonEmpty('an image repository').default('basecamp/kamal-proxy').describe('Image repository of kamal-proxy.'),
    version: nonEmpty('an image tag').default('v0.9.2').describe('Image tag of kamal-proxy.'),
    http_port: port().default(80).describe('Host port published for HTTP.'),
    https_port: port().default(443).describe('Host port published for HTTPS.'),
    metrics_port: port().optional().describe('Port of the Prometheus metrics endpoint (`--metrics-port`); no metrics when not set.'),
    debug: bool().default(false).describe('Run kamal-proxy with `--debug` logging.'),
    log_max_size: nonEmpty('a size, e.g. 10m').default('10m').describe('`max-size` of the kamal-proxy container log.'),
    publish: bool().default(true).describe('Publish the HTTP and HTTPS ports on the host; false when another proxy sits in front.'),
    bind_ips: hint(z.array(nonEmpty('an IP address')), { expected: 'a list of IP addresses', fix: 'write {key} as a YAML list, e.g. {key}: [0.0.0.0]' })
      .optional()
      .describe('Host addresses the published ports bind to (all addresses when not set).'),
    options: Options.optional().describe('Extra `docker run` options for the kamal-proxy container.'),
  }),
  { expected: 'a map of kamal-proxy run settings' },
);

const SslCertificate = hint(
  z.strictObject({
    certificate_pem: nonEmpty('a secret name').describe('Secret holding the PEM certificate (chain).'),
    private_key_pem: nonEmpty('a secret name').describe('Secret holding the PEM private key.'),
  }),
  { expected: 'a map with certificate_pem: and private_key_pem: (secret names)' },
);
export type SslCertificateConfig = z.infer<typeof SslCertificate>;

const Buffering = hint(
  z.strictObject({
    requests: bool().optional().describe('Buffer whole requests before passing them to the app (kamal-proxy default: true).'),
    responses: bool().optional().describe('Buffer whole responses before sending them to the client (kamal-proxy default: true).'),
    max_request_body: hint(z.number().int().min(0), { expected: 'a number of bytes' }).optional().describe('Largest request body in bytes (0: no limit).'),
    max_response_body: hint(z.number().int().min(0), { expected: 'a number of bytes' }).optional().describe('Largest response body in bytes (0: no limit).'),
    memory: hint(z.number().int().min(1), { expected: 'a number of bytes' }).optional().describe('Bytes buffered in memory before spilling to disk.'),
  }),
  { expected: 'a map with requests:, responses:, max_request_body:, max_response_body: and memory:' },
);

const HeaderList = hint(z.array(nonEmpty('a header name')), { expected: 'a list of header names', fix: 'write {key} as a YAML list, e.g. {key}: [X-Request-Id]' });
const ProxyLogging = hint(
  z.strictObject({
    request_headers: HeaderList.optional().describe('Request headers written to the proxy log.'),
    response_headers: HeaderList.optional().describe('Response headers written to the proxy log.'),
  }),
  { expected: 'a map with request_headers: and response_headers:' },
);

const PathPrefix = hint(
  z.string().refine((s) => s.startsWith('/'), { error: (iss) => expectedGot(HC_PATH_EXPECTED, iss.input, 'write e.g. path_prefix: /app') }),
  { expected: HC_PATH_EXPECTED },
);

const HOST_DOC = 'Host name the proxy routes to this app. Without host or hosts, the app gets all requests not claimed by another app.';
const SSL_EXPECTED = 'true, false, or a map with certificate_pem: and private_key_pem:';

const PROXY_DOC = {
  app_port: 'Port the app listens on inside its container.',
  ssl:
    "HTTPS: true for automatic certificates from Let's Encrypt (needs host, and a single server per role), " +
    'or your own certificate as secret names: `{ certificate_pem: CERT_SECRET, private_key_pem: KEY_SECRET }`.',
  ssl_redirect: 'With ssl, redirect HTTP requests to HTTPS.',
  response_timeout: 'Seconds the proxy waits for the app to answer a request.',
  strip_path_prefix: 'Remove the path prefix before passing the request to the app.',
};
const Ssl = hint(z.union([z.boolean(), SslCertificate]), {
  expected: SSL_EXPECTED,
  type: 'boolean or map',
  fix: 'write ssl: true or ssl: false (without quotes), or a map with certificate_pem: and private_key_pem:',
});

/** Proxy keys of a role or accessory: all optional, merged over the top-level proxy. */
const roleProxyFields = {
  host: nonEmpty('a host name, e.g. app.example.com').optional().describe(HOST_DOC),
  hosts: hint(z.array(nonEmpty(HOST_EXPECTED)), { expected: 'a list of host names', fix: 'write {key} as a YAML list, e.g. {key}: [app.example.com]' })
    .optional()
    .describe('Several host names (use either host or hosts).'),
  app_port: port().optional().describe(PROXY_DOC.app_port),
  ssl: Ssl.optional().describe(PROXY_DOC.ssl),
  ssl_redirect: bool().optional().describe(PROXY_DOC.ssl_redirect),
  forward_headers: bool().optional().describe('Pass on X-Forwarded-For/-Proto from the client (kamal-proxy default: only without ssl).'),
  response_timeout: positiveSeconds().optional().describe(PROXY_DOC.response_timeout),
  path_prefix: PathPrefix.optional().describe('Route only requests under this path to the app, e.g. `/api`.'),
  path_prefixes: hint(z.array(PathPrefix), { expected: 'a list of URL paths starting with /' })
    .optional()
    .describe('Several path prefixes (use either path_prefix or path_prefixes).'),
  strip_path_prefix: bool().optional().describe(PROXY_DOC.strip_path_prefix),
  buffering: Buffering.optional().describe('Request and response buffering.'),
  logging: ProxyLogging.optional().describe('Headers added to the proxy request log.'),
};

/** The same keys at the top level, where they have defaults. */
const appProxyFields = {
  ...roleProxyFields,
  app_port: port().default(80).describe(PROXY_DOC.app_port),
  ssl: Ssl.default(false).describe(PROXY_DOC.ssl),
  ssl_redirect: bool().default(true).describe(PROXY_DOC.ssl_redirect),
  response_timeout: positiveSeconds().default(30).describe(PROXY_DOC.response_timeout),
  strip_path_prefix: bool().default(true).describe(PROXY_DOC.strip_path_prefix),
};

type ProxyLike = { host?: string; hosts?: string[]; path_prefix?: string; path_prefixes?: string[] };

function checkProxy(p: ProxyLike, ctx: z.RefinementCtx): void {
  const both = (a: keyof ProxyLike, b: keyof ProxyLike) => {
    if (p[a] !== undefined && p[b] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [b], input: p[b], message: `set either ${a} or ${b}, not both. Fix: move the value of ${a} into the ${b} list and remove ${a}` });
    }
  };
  both('host', 'hosts');
  both('path_prefix', 'path_prefixes');
}

/**
 * Kamal writes `ssl:` as a boolean or as certificate secret names; the rest of the code reads
 * `ssl` as "HTTPS on" and finds a custom certificate in `ssl_certificate`.
 */
function splitSsl<T extends { ssl?: boolean | SslCertificateConfig }>(p: T): Omit<T, 'ssl'> & { ssl: T['ssl'] extends undefined ? boolean | undefined : boolean; ssl_certificate?: SslCertificateConfig } {
  const { ssl, ...rest } = p;
  return (typeof ssl === 'object' ? { ...rest, ssl: true, ssl_certificate: ssl } : { ...rest, ssl }) as never;
}

export const ProxySchema = hint(
  z
    .strictObject({
      ...appProxyFields,
      healthcheck: Healthcheck.prefault({}).describe('How the proxy checks a new container before switching to it.'),
      run: ProxyRun.prefault({}).describe('How the kamal-proxy container itself is run on each host.'),
    })
    .superRefine((p, ctx) => {
      checkProxy(p, ctx);
      if (p.ssl === true && p.host === undefined && (p.hosts === undefined || p.hosts.length === 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ssl'],
          input: p.ssl,
          message: 'automatic HTTPS needs a host name. Fix: set proxy.host to the domain that points at this server',
        });
      }
    }),
  {
    expected: 'a map of proxy settings',
    fix: 'write proxy settings as a map, e.g. proxy: { host: app.example.com }; to run a role without the proxy, set proxy: false on that role under servers',
  },
).transform(splitSsl);

/** Proxy settings on a role or accessory: any of the app-level proxy settings, merged over the top-level ones. */
export const RoleProxySchema = hint(
  z.strictObject({ ...roleProxyFields, healthcheck: RoleHealthcheck.optional().describe('Health check settings for this role.') }).superRefine(checkProxy),
  { expected: 'true, false, or a map of proxy settings', notes: { run: 'is only allowed in the top-level proxy:. Fix: move it there' } },
).transform(splitSsl);

// ---------------------------------------------------------------------------------------------
// servers and roles

export const RoleObjectSchema = hint(
  z.strictObject({
    hosts: HostList.optional().describe(
      'Hosts of this role (at least one, unless allow_empty_roles). A host may carry tags: `- 10.0.0.1: [gpu]` or `- 10.0.0.1: gpu`.',
    ),
    cmd: nonEmpty('a command line').optional().describe('Command the containers of this role run instead of the image default.'),
    env: EnvBaseSchema.optional().describe('Environment for this role, merged over the top-level env (same form, without tags).'),
    labels: Labels.optional().describe('Extra container labels for this role, merged over the top-level labels.'),
    options: Options.optional().describe('Extra `docker run` options, e.g. `memory: 2g` or `cap-add: true`.'),
    logging: LoggingSchema.optional().describe('Docker logging for this role, merged over the top-level logging.'),
    stop_timeout: seconds().optional().describe(STOP_TIMEOUT_DOC + ' Overrides the top-level stop_timeout.'),
    asset_path: nonEmpty('a path inside the image').optional().describe(ASSET_PATH_DOC),
    proxy: hint(z.union([z.boolean(), RoleProxySchema]), { expected: 'true, false, or a map of proxy settings', type: 'boolean or map' })
      .optional()
      .describe(
        'Whether this role is served through kamal-proxy, or proxy settings that override the top-level ones. ' +
          'Default: true for the primary role, false for the others.',
      ),
    healthcheck: LegacyHealthcheckSchema.optional().describe('Kamal 0.16 health check for this role (see the top-level healthcheck).'),
  }),
  {
    expected: 'a map with hosts: and optional cmd:, env:, labels:, options:, logging:, proxy:',
    notes: {
      traefik: 'is the Kamal 1 setting; Sextant uses kamal-proxy. Fix: write proxy: true (or proxy: false) instead',
    },
  },
);

const Role = hint(z.union([HostList, RoleObjectSchema]), {
  expected: 'a list of hosts, or a map with hosts:',
  type: 'list of hosts, or map',
  fix: 'write the role as a list of hosts, e.g. {key}: [10.0.0.1], or as a map with hosts:',
});

export const ServersSchema = hint(
  z.union([
    HostList,
    hint(z.record(z.string(), Role), { expected: 'a map of role name to hosts', key: '<role>' }),
  ]),
  {
    expected: 'a list of hosts, or a map of role name to hosts',
    type: 'list of hosts, or map of <role> to role',
    fix: 'write servers as a YAML list, e.g. servers: [10.0.0.1], or as a map of roles, e.g. servers: { web: [10.0.0.1] }',
    example: 'servers: [10.0.0.1]',
  },
);

// ---------------------------------------------------------------------------------------------
// accessories

const PathList = (example: string) =>
  hint(z.array(nonEmpty('a path')), { expected: 'a list of paths', fix: `write {key} as a YAML list, e.g. {key}: ["${example}"]` });

export const AccessorySchema = hint(
  z
    .strictObject({
      image: hint(z.string().min(1), { expected: 'an image with its tag, e.g. mysql:8.0', example: 'image: mysql:8.0' }).describe(
        'Image of the accessory, with its tag.',
      ),
      service: nonEmpty('a container name').optional().describe('Container name; default `<service>-<accessory>`.'),
      host: nonEmpty(HOST_EXPECTED).optional().describe('The one host it runs on (use one of host, hosts, roles, tags).'),
      hosts: HostList.optional().describe('Hosts it runs on.'),
      roles: hint(z.array(nonEmpty('a role name')), { expected: 'a list of role names', fix: 'write {key} as a YAML list, e.g. {key}: [web]' })
        .optional()
        .describe('Runs on every host of these roles.'),
      tags: hint(z.array(nonEmpty('a tag name')), { expected: 'a list of tag names', fix: 'write {key} as a YAML list, e.g. {key}: [db]' })
        .optional()
        .describe('Runs on every host that carries one of these tags in servers.'),
      port: hint(z.union([z.number(), z.string()]), { expected: 'a port, or host-port:container-port', type: 'port or "host:container"' })
        .transform((v) => String(v))
        .optional()
        .describe('Port to publish, e.g. `3306` or `"127.0.0.1:3306:3306"`.'),
      cmd: nonEmpty('a command line').optional().describe('Command instead of the image default.'),
      env: EnvBaseSchema.optional().describe('Environment of the accessory (flat, or clear/secret).'),
      labels: Labels.optional().describe('Extra container labels.'),
      options: Options.optional().describe('Extra `docker run` options.'),
      files: PathList('config/my.cnf:/etc/mysql/my.cnf').optional().describe('Local files uploaded and mounted, `local:remote`.'),
      directories: PathList('data:/var/lib/mysql').optional().describe('Host directories created and mounted, `host:container`.'),
      volumes: PathList('/var/lib/mysql:/var/lib/mysql').optional().describe('Volumes mounted, `host:container[:options]`.'),
      network: nonEmpty('a Docker network name').default('kamal').describe('Docker network the accessory joins.'),
      proxy: RoleProxySchema.optional().describe('Serve the accessory through kamal-proxy, with these settings.'),
      registry: RegistrySchema.optional().describe('Registry to pull the image from, when not the app\'s.'),
    })
    .superRefine((a, ctx) => {
      const given = (['host', 'hosts', 'roles', 'tags'] as const).filter((k) => a[k] !== undefined);
      if (given.length === 0) {
        ctx.addIssue({ code: 'custom', input: a, message: 'says nowhere to run. Fix: add host:, hosts:, roles: or tags:' });
      } else if (given.length > 1) {
        ctx.addIssue({ code: 'custom', path: [given[1]], input: a[given[1]], message: `set only one of host, hosts, roles and tags, not ${given.join(' and ')}. Fix: keep one` });
      }
    }),
  { expected: 'a map with image: and host:, hosts:, roles: or tags:' },
);

// ---------------------------------------------------------------------------------------------
// ssh, sshkit, builder, boot

export const SshSchema = hint(
  z
    .strictObject({
      user: nonEmpty('a user name').default('root').describe('SSH user on the hosts.'),
      port: port().default(22).describe('SSH port on the hosts.'),
      proxy: nonEmpty('a host, or user@host').optional().describe('Jump host to connect through, `host` or `user@host` (as root when no user).'),
      proxy_command: nonEmpty('a command line').optional().describe('Command whose standard input/output is the connection, e.g. `ssh -W %h:%p bastion`.'),
      keys: hint(z.array(nonEmpty('a path to a private key')), {
        expected: 'a list of private key paths',
        fix: 'write {key} as a YAML list, e.g. {key}: [~/.ssh/id_ed25519]',
      })
        .optional()
        .describe('Private key files to offer (in addition to the SSH agent and `~/.ssh/id_*`, unless keys_only).'),
      keys_only: bool().default(false).describe('Use only the keys listed in keys (or key_data), not those of the SSH agent.'),
      key_data: SecretNames('SSH_PRIVATE_KEY').optional().describe('Secrets holding private keys (the key itself, not a path).'),
      config: hint(z.union([z.boolean(), nonEmpty('a path'), z.array(nonEmpty('a path'))]), {
        expected: 'true, false, a path or a list of paths',
        type: 'boolean, path or list of paths',
      })
        .default(true)
        .describe('OpenSSH config files to honour: true for `~/.ssh/config` and the system file, false for none, or paths.'),
      log_level: hint(z.enum(['debug', 'info', 'warn', 'error', 'fatal']), { expected: 'one of debug, info, warn, error, fatal' })
        .default('fatal')
        .describe('How much the SSH layer logs.'),
      forward_agent: bool().default(false).describe('Forward the local SSH agent to the hosts.'),
    })
    .superRefine((s, ctx) => {
      if (s.proxy !== undefined && s.proxy_command !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['proxy_command'], input: s.proxy_command, message: 'set either proxy or proxy_command, not both. Fix: remove one' });
      }
    }),
  { expected: 'a map of SSH settings' },
);

const count = (expected: string) => hint(z.number().int().min(1), { expected });

export const SshkitSchema = hint(
  z.strictObject({
    max_concurrent_starts: count('a whole number, at least 1').default(30).describe('Most SSH connections opened at the same time.'),
    pool_idle_timeout: hint(z.number().int().min(0), { expected: SECONDS_WHOLE() })
      .default(900)
      .describe('Seconds an idle SSH connection is kept open for reuse.'),
    dns_retries: hint(z.number().int().min(0), { expected: 'a whole number' }).default(3).describe('Retries when a host name does not resolve.'),
  }),
  { expected: 'a map with max_concurrent_starts:, pool_idle_timeout: and dns_retries:' },
);

function SECONDS_WHOLE(): string {
  return 'a whole number of seconds';
}

const ArchList = hint(z.union([nonEmpty('an architecture, e.g. amd64'), z.array(nonEmpty('an architecture, e.g. amd64'))]), {
  expected: 'an architecture (amd64, arm64) or a list of them',
  type: 'string or list of strings',
}).transform((v) => (Array.isArray(v) ? v : [v]));

const REMOTE_EXPECTED = 'an SSH URL, e.g. ssh://docker@builder (Kamal 0.16: a map with arch: and host:)';

/** Kamal 0.16's `builder.local:` / `builder.remote:` maps: one architecture each, built there. */
const LegacyBuilderSide = hint(
  z.strictObject({
    arch: nonEmpty('an architecture, e.g. amd64').optional().describe('Architecture built there (Kamal 0.16).'),
    host: nonEmpty('a Docker host, e.g. ssh://root@builder').optional().describe('Docker host: an SSH URL for remote (Kamal 0.16).'),
  }),
  { expected: 'a map with arch: and host:' },
);

/**
 * Kamal 0.16 wrote a native multi-arch build as `local: { arch, host }` and `remote: { arch, host }`;
 * in Kamal 2 terms that is `arch: [local arch, remote arch]`, `remote: <host>`, `local: true`.
 * The local `host:` is dropped: the local build uses this machine's Docker.
 */
function builderFromLegacy<B extends { arch?: string[]; remote?: string | z.infer<typeof LegacyBuilderSide>; local: boolean | z.infer<typeof LegacyBuilderSide> }>(
  b: B,
): Omit<B, 'remote' | 'local'> & { remote?: string; local: boolean } {
  const sides = [b.local, b.remote].filter((x): x is z.infer<typeof LegacyBuilderSide> => typeof x === 'object');
  if (sides.length === 0) return b as never;
  const arch = b.arch ?? [...new Set(sides.flatMap((x) => (x.arch ? [x.arch] : [])))];
  const remote = typeof b.remote === 'object' ? b.remote.host : b.remote;
  return { ...b, arch: arch.length > 0 ? arch : undefined, remote, local: b.local !== false };
}

const BuildCache = hint(
  z
    .strictObject({
      type: hint(z.enum(['gha', 'registry']), { expected: 'gha or registry' }).describe('`gha` (GitHub Actions cache) or `registry`.'),
      image: nonEmpty('an image name').optional().describe('Image the registry cache is stored in; default `<image>-build-cache`.'),
      options: nonEmpty('cache options, e.g. mode=max').optional().describe('Extra cache options, e.g. `mode=max`.'),
    }),
  { expected: 'a map with type: (gha or registry), image: and options:', example: 'cache: { type: registry }' },
);

export const BuilderSchema = hint(
  z.strictObject({
    dockerfile: nonEmpty('a path to a Dockerfile').default('Dockerfile').describe('Dockerfile, relative to the project.'),
    context: nonEmpty('a directory').optional().describe('Build context directory, relative to the project (default: a clean git checkout in Kamal; here the project).'),
    args: hint(z.record(z.string(), text('a string (numbers and booleans are converted to text)')), {
      expected: 'a map of NAME: value',
      key: '<NAME>',
    })
      .prefault({})
      .describe('Build arguments (`--build-arg NAME=value`).'),
    secrets: SecretNames('GITHUB_TOKEN').prefault([]).describe('Secrets exposed to the build (`--secret id=NAME`), values from the secrets files.'),
    arch: ArchList.optional().describe('Architecture(s) to build for, e.g. `amd64` or `[amd64, arm64]`.'),
    remote: hint(z.union([z.string().min(1), LegacyBuilderSide]), { expected: REMOTE_EXPECTED, type: 'string or map' })
      .optional()
      .describe('Remote builder, e.g. `ssh://docker@builder`, used for architectures the local machine does not have. Kamal 0.16: `{ arch: amd64, host: ssh://... }`.'),
    local: hint(z.union([z.boolean(), LegacyBuilderSide]), { expected: 'true or false (Kamal 0.16: a map with arch:)', type: 'boolean or map', fix: 'write local: true or local: false' })
      .default(true)
      .describe('Build locally for matching architectures; false to always use remote. Kamal 0.16: `{ arch: arm64, host: ... }` (the local Docker is used).'),
    cache: BuildCache.optional().describe('Build cache.'),
    target: nonEmpty('a build stage').optional().describe('Dockerfile stage to build (`--target`).'),
    ssh: nonEmpty('an SSH agent spec, e.g. default').optional().describe('SSH agent socket or keys exposed to the build (`--ssh`).'),
    driver: nonEmpty('a buildx driver').default('docker-container').describe('buildx driver; `docker` builds without cache export or multiarch.'),
    provenance: hint(z.union([z.boolean(), z.string()]), { expected: 'true, false or a provenance mode, e.g. mode=max', type: 'boolean or string' })
      .optional()
      .describe('Provenance attestation (`--provenance`).'),
    sbom: bool().optional().describe('SBOM attestation (`--sbom`).'),
    multiarch: bool()
      .optional()
      .describe('Kamal 0.16: false builds only for the local architecture. Prefer arch.'),
  }),
  {
    expected: 'a map of build settings',
    notes: Object.fromEntries(['options', 'pack'].map((k) => [k, NOT_YET])),
  },
).transform(builderFromLegacy);

const BOOT_LIMIT_EXPECTED = 'a number of hosts (1 or more) or a percentage of hosts such as "25%"';

const BootLimit = hint(z.union([z.number(), z.string()]), { expected: BOOT_LIMIT_EXPECTED, type: 'number or "NN%"' }).superRefine((v, ctx) => {
  const fail = (fix: string) => ctx.addIssue({ code: 'custom', input: v, message: expectedGot(BOOT_LIMIT_EXPECTED, v, fix) });
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1) fail('use a whole number of hosts, at least 1, e.g. limit: 2');
    return;
  }
  const m = /^\s*(\d+)\s*%\s*$/.exec(v);
  if (!m) fail('write a number, e.g. limit: 2, or a percentage, e.g. limit: 25%');
  else if (Number(m[1]) < 1 || Number(m[1]) > 100) fail('use a percentage between 1% and 100%');
});

export const BootSchema = hint(
  z.strictObject({
    limit: BootLimit.optional().describe(
      'Boot new containers on at most this many hosts at a time (a number, or a percentage of all hosts). All at once when not set.',
    ),
    wait: seconds().optional().describe('Seconds to wait between two groups of hosts.'),
    parallel_roles: bool().default(false).describe('Boot the roles other than the primary one at the same time instead of one after another.'),
  }),
  { expected: 'a map with limit:, wait: and parallel_roles:' },
);

// ---------------------------------------------------------------------------------------------
// The whole file

const ROOT_NOTES: Record<string, string> = {
  ...Object.fromEntries(['run_directory', 'hooks_output', 'output'].map((k) => [k, NOT_YET])),
  traefik: 'is the Kamal 1 proxy. Fix: remove it and configure proxy: instead',
};

export const ConfigSchema = hint(
  z.strictObject({
    service: Service.describe(
      'Name of the app; prefixes container names (`<service>-<role>-<version>`). Letters, digits, hyphens and underscores.',
    ),
    image: hint(z.string().min(1), { expected: 'an image name, e.g. myorg/myapp', example: 'image: myorg/myapp' }).describe(
      'Image name in the registry, without tag (the tag is the version).',
    ),
    servers: ServersSchema.describe(
      'Hosts to deploy to: a list (all in role `web`), or a map of role name to a list of hosts or to role settings. ' +
        'A host may carry tags for env.tags: `- 10.0.0.1: [gpu]`.',
    ),
    primary_role: nonEmpty('a role name').default('web').describe(
      'Role that boots first and must succeed before the others; it runs behind the proxy by default.',
    ),
    allow_empty_roles: bool().default(false).describe('Allow roles (other than the primary one) without hosts.'),
    require_destination: bool().default(false).describe('Refuse to run without `-d <destination>`.'),
    registry: RegistrySchema.optional().describe('Where images are pushed and pulled from.'),
    env: EnvSchema.prefault({}).describe(
      'Environment of the app containers: a flat map of clear values, or `clear:`, `secret:` and `tags:`.',
    ),
    proxy: ProxySchema.prefault({}).describe('kamal-proxy settings for the app (roles that run the proxy).'),
    ssh: SshSchema.prefault({}).describe('How to connect to the hosts. ssh-agent, `~/.ssh/id_*` and `~/.ssh/config` are honoured as OpenSSH does unless overridden here.'),
    sshkit: SshkitSchema.prefault({}).describe('Connection pool settings.'),
    builder: BuilderSchema.prefault({}).describe('How the image is built.'),
    accessories: hint(z.record(z.string(), AccessorySchema), { expected: 'a map of accessory name to settings', key: '<accessory>' })
      .prefault({})
      .describe('Other services run next to the app (databases, caches), managed with `sextant accessory`.'),
    boot: BootSchema.prefault({}).describe('Rolling boot: how many hosts get the new version at a time.'),
    logging: LoggingSchema.default({ options: { 'max-size': '10m' } }).describe(
      'Docker logging of the app containers; without it, `--log-opt max-size=10m` as in Kamal.',
    ),
    retain_containers: hint(z.number().int().min(1), { expected: 'a whole number, at least 1' })
      .default(5)
      .describe('Old containers (and their images) kept on each host for rollback.'),
    deploy_timeout: positiveSeconds().default(30).describe('Seconds a new container has to become healthy.'),
    drain_timeout: seconds().default(30).describe('Seconds an old container gets to finish in-flight requests.'),
    readiness_delay: seconds()
      .default(7)
      .describe('Seconds to wait after start for containers that neither run the proxy nor have a Docker health check.'),
    stop_timeout: seconds().optional().describe(STOP_TIMEOUT_DOC),
    labels: Labels.prefault({}).describe('Extra labels on every app container.'),
    volumes: hint(z.array(nonEmpty('a volume, e.g. /data:/rails/storage')), {
      expected: 'a list of volumes (host:container)',
      fix: 'write {key} as a YAML list, e.g. {key}: ["/data:/app/data"]',
    })
      .prefault([])
      .describe('Volumes mounted into every app container, `host-path:container-path[:options]`.'),
    asset_path: nonEmpty('a path inside the image').optional().describe(ASSET_PATH_DOC),
    hooks_path: nonEmpty('a directory').default('.kamal/hooks').describe('Directory of hook scripts, relative to the project.'),
    secrets_path: nonEmpty('a file path')
      .default('.kamal/secrets')
      .describe('Secrets file, relative to the project; see "Secrets" below for the files read.'),
    error_pages_path: nonEmpty('a directory').optional().describe('Directory of `4xx.html`/`5xx.html` pages kamal-proxy serves for this app.'),
    minimum_version: text('a version, e.g. "2.3.0"').optional().describe('Minimum tool version this config needs.'),
    aliases: hint(z.record(z.string(), nonEmpty('a command')), { expected: 'a map of alias: command', key: '<alias>' })
      .prefault({})
      .describe('Command aliases, e.g. `console: app exec -i --reuse "bin/rails console"`.'),
    healthcheck: LegacyHealthcheckSchema.optional().describe(
      'Kamal 0.16 health check. Read as proxy settings where those are not set: path → `proxy.healthcheck.path`, ' +
        'port (default 3000) → `proxy.app_port`, interval → `proxy.healthcheck.interval`.',
    ),
    stop_wait_time: seconds().optional().describe('Kamal 0.16 name of stop_timeout (used when stop_timeout is not set).'),
  }),
  { expected: 'a map of settings', notes: ROOT_NOTES },
);

// ---------------------------------------------------------------------------------------------
// Types for the rest of the code

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
export type ServersConfig = Config['servers'];
export type RoleConfig = z.infer<typeof RoleObjectSchema>;
export type RoleOptions = NonNullable<RoleConfig['options']>;
export type EnvConfig = z.infer<typeof EnvSchema>;
export type EnvBaseConfig = z.infer<typeof EnvBaseSchema>;
export type RegistryConfig = z.infer<typeof RegistrySchema>;
export type ProxyConfig = z.infer<typeof ProxySchema>;
export type ProxyRunConfig = ProxyConfig['run'];
export type HealthcheckConfig = ProxyConfig['healthcheck'];
export type RoleProxyConfig = z.infer<typeof RoleProxySchema>;
export type SshConfig = z.infer<typeof SshSchema>;
export type SshkitConfig = z.infer<typeof SshkitSchema>;
export type BuilderConfig = z.infer<typeof BuilderSchema>;
export type BootConfig = z.infer<typeof BootSchema>;
export type LoggingConfig = z.infer<typeof LoggingSchema>;
export type AccessoryConfig = z.infer<typeof AccessorySchema>;
