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

export interface Hint {
  /** Completes "expected ...". */
  expected?: string;
  /** Completes "Fix: ..."; `{key}` is replaced by the key name. */
  fix?: string;
  /** A line to show when the key is missing, e.g. `service: myapp`. */
  example?: string;
  /** Placeholder for the keys of a map in the reference, e.g. `<role>`. */
  key?: string;
  /** Type as shown in the reference, when the structural one would mislead (e.g. `port`). */
  type?: string;
  /** Keys of this map that Kamal knows but Sextant does not accept (yet), with what to say. */
  notes?: Record<string, string>;
}

/** Error-message hints, looked up by the schema node that raised an issue. */
export const hints = z.registry<Hint>();

function hint<T extends z.ZodType>(schema: T, h: Hint): T {
  hints.add(schema, h);
  return schema;
}

const NOT_YET = 'is a Kamal setting that Sextant does not support yet. Fix: remove it';

// ---------------------------------------------------------------------------------------------
// Leaves

const SECONDS = 'a number of seconds';

/** A duration in seconds, 0 or more. */
function seconds() {
  return hint(z.number().min(0), { expected: SECONDS });
}

/** A duration in seconds, more than 0. */
function positiveSeconds() {
  return hint(z.number().positive(), { expected: `${SECONDS} greater than 0` });
}

const PORT = 'a port number (1-65535)';

/** A TCP port; a quoted number ("2222", as Kamal's own examples write it) is accepted. */
function port() {
  return hint(z.union([z.number(), z.string()]), { expected: PORT, type: 'port number' }).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 65535) {
      ctx.issues.push({
        code: 'custom',
        input: v,
        message: expectedGot(PORT, v, 'use a whole number between 1 and 65535'),
      });
      return z.NEVER;
    }
    return n;
  });
}

/** A string setting that also takes a number or boolean (converted to text, as Kamal does). */
function text(h: string | Hint = 'a string') {
  const hn = { type: 'string', ...(typeof h === 'string' ? { expected: h } : h) };
  return hint(z.union([z.string(), z.number(), z.boolean()]), hn).transform((v) => String(v));
}

function nonEmpty(expected: string) {
  return hint(z.string().min(1), { expected });
}

const SERVICE_RE = /^[a-z0-9_-]+$/i;
const SERVICE_EXPECTED = 'a name made of letters, digits, hyphens and underscores';

const Service = hint(
  z.string().refine((s) => SERVICE_RE.test(s), {
    error: (iss) =>
      expectedGot(SERVICE_EXPECTED, iss.input, 'rename the service, e.g. service: myapp (it prefixes container names)'),
  }),
  { expected: SERVICE_EXPECTED, example: 'service: myapp' },
);

const HOST_EXPECTED = 'a host name or IP address';

const Host = hint(
  z.string().refine((s) => /^\S+$/.test(s), {
    error: (iss) => expectedGot(HOST_EXPECTED, iss.input, 'write one host per list item, without spaces'),
  }),
  {
    expected: HOST_EXPECTED,
    fix: 'write each host as a plain name or IP address (Kamal host tags, e.g. - 10.0.0.1: [tag], are not supported yet)',
  },
);

/** A list of hosts; each host at most once. */
const HostList = hint(z.array(Host), {
  expected: 'a list of host names',
  type: 'list of hosts',
  fix: 'write {key} as a YAML list, e.g. {key}: [10.0.0.1]',
}).superRefine((hosts, ctx) => {
  const seen = new Map<string, number>();
  hosts.forEach((h, i) => {
    const first = seen.get(h);
    if (first === undefined) {
      seen.set(h, i);
    } else {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        input: h,
        message: `host ${h} is listed twice (first at [${first}]). Fix: remove the duplicate`,
      });
    }
  });
});

const Labels = hint(z.record(z.string(), text('a label value (a string)')), {
  expected: 'a map of label: value',
  key: '<label>',
}).superRefine((labels, ctx) => {
  for (const k of Object.keys(labels)) {
    if (k === 'service' || k === 'role' || k === 'destination') {
      ctx.addIssue({
        code: 'custom',
        path: [k],
        input: labels[k],
        message: `the label ${k} is reserved: Sextant sets service, role and destination itself. Fix: rename or remove it`,
      });
    }
  }
});

const OptionValue = hint(
  z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]),
  { expected: 'a string, number, boolean or a list of them', type: 'string, number, boolean or list' },
);

const Options = hint(z.record(z.string(), OptionValue), {
  expected: 'a map of docker run option: value (e.g. memory: 2g)',
  key: '<option>',
});

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

const EnvObject = hint(
  z.strictObject({
    clear: EnvClear.prefault({}).describe('Variables passed to the container as they are.'),
    secret: hint(z.array(SecretRef), { expected: 'a list of secret names', fix: 'write {key} as a YAML list, e.g. {key}: [DB_PASSWORD]' })
      .prefault([])
      .describe(
        'Names of secrets to pass to the container (written to an env file on the host, never on a command line). ' +
          '`NAME:SECRET` sets NAME from the secret SECRET. Values come from the secrets files, see "Secrets" below.',
      ),
  }),
  {
    expected: 'a map of NAME: value, or a map with clear: and secret:',
    notes: { tags: NOT_YET },
  },
);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `env:` is either a flat map (all clear) or `{clear, secret}`; normalized to the latter. */
export const EnvSchema = z.preprocess(
  (v) => (isPlainObject(v) && !('clear' in v) && !('secret' in v) && !('tags' in v) ? { clear: v } : v),
  EnvObject,
);

// ---------------------------------------------------------------------------------------------
// registry

const CREDENTIAL_EXPECTED = 'a string, or a list with one secret name (e.g. [KAMAL_REGISTRY_PASSWORD])';

const Credential = hint(z.union([z.string().min(1), hint(z.array(z.string().min(1)).length(1), {
      expected: CREDENTIAL_EXPECTED,
      fix: 'list exactly one secret name, e.g. {key}: [KAMAL_REGISTRY_PASSWORD]',
    })]), {
  expected: CREDENTIAL_EXPECTED,
  type: 'string or [SECRET_NAME]',
});

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
  }),
  { expected: 'a map with registry:, repository:, version:, http_port: and https_port:' },
);

const PROXY_NOTES: Record<string, string> = Object.fromEntries(
  [
    'ssl_redirect',
    'forward_headers',
    'buffering',
    'logging',
    'path_prefix',
    'strip_path_prefix',
    'certificate_pem',
    'private_key_pem',
  ].map((k) => [k, NOT_YET]),
);

const HOST_DOC = 'Host name the proxy routes to this app. Without host or hosts, the app gets all requests not claimed by another app.';
const HOSTS_DOC = 'Several host names (use either host or hosts).';
const APP_PORT_DOC = 'Port the app listens on inside its container.';
const SSL_DOC = "Automatic HTTPS with Let's Encrypt (needs host, and a single server per role).";
const RESPONSE_TIMEOUT_DOC = 'Seconds the proxy waits for the app to answer a request.';

type ProxyLike = { host?: string; hosts?: string[]; ssl?: boolean };

function checkProxy(p: ProxyLike, ctx: z.RefinementCtx): void {
  if (p.host !== undefined && p.hosts !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['hosts'],
      input: p.hosts,
      message: 'set either host or hosts, not both. Fix: move the host into the hosts list and remove host',
    });
  }
}

const ProxyHosts = hint(z.array(nonEmpty(HOST_EXPECTED)), {
  expected: 'a list of host names',
  fix: 'write {key} as a YAML list, e.g. {key}: [app.example.com]',
});

export const ProxySchema = hint(
  z
    .strictObject({
      host: nonEmpty('a host name, e.g. app.example.com').optional().describe(HOST_DOC),
      hosts: ProxyHosts.optional().describe(HOSTS_DOC),
      app_port: port().default(80).describe(APP_PORT_DOC),
      ssl: z.boolean().default(false).describe(SSL_DOC),
      healthcheck: Healthcheck.prefault({}).describe('How the proxy checks a new container before switching to it.'),
      response_timeout: positiveSeconds().default(30).describe(RESPONSE_TIMEOUT_DOC),
      run: ProxyRun.prefault({}).describe('How the kamal-proxy container itself is run on each host.'),
    })
    .superRefine((p, ctx) => {
      checkProxy(p, ctx);
      if (p.ssl && p.host === undefined && (p.hosts === undefined || p.hosts.length === 0)) {
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
    notes: PROXY_NOTES,
  },
);

/** Proxy settings on a role: any of the app-level proxy settings, merged over the top-level ones. */
export const RoleProxySchema = hint(
  z
    .strictObject({
      host: nonEmpty('a host name, e.g. app.example.com').optional().describe(HOST_DOC),
      hosts: ProxyHosts.optional().describe(HOSTS_DOC),
      app_port: port().optional().describe(APP_PORT_DOC),
      ssl: z.boolean().optional().describe(SSL_DOC),
      healthcheck: RoleHealthcheck.optional().describe('Health check settings for this role.'),
      response_timeout: positiveSeconds().optional().describe(RESPONSE_TIMEOUT_DOC),
    })
    .superRefine(checkProxy),
  { expected: 'true, false, or a map of proxy settings', notes: { ...PROXY_NOTES, run: 'is only allowed in the top-level proxy:. Fix: move it there' } },
);

// ---------------------------------------------------------------------------------------------
// servers and roles

export const RoleObjectSchema = hint(
  z.strictObject({
    hosts: HostList.optional().describe('Hosts of this role (at least one, unless allow_empty_roles).'),
    cmd: nonEmpty('a command line').optional().describe('Command the containers of this role run instead of the image default.'),
    env: EnvSchema.optional().describe('Environment for this role, merged over the top-level env (same form).'),
    labels: Labels.optional().describe('Extra container labels for this role, merged over the top-level labels.'),
    options: Options.optional().describe('Extra `docker run` options, e.g. `memory: 2g` or `cap-add: true`.'),
    proxy: hint(z.union([z.boolean(), RoleProxySchema]), { expected: 'true, false, or a map of proxy settings', type: 'boolean or map' })
      .optional()
      .describe(
        'Whether this role is served through kamal-proxy, or proxy settings that override the top-level ones. ' +
          'Default: true for the primary role, false for the others.',
      ),
  }),
  {
    expected: 'a map with hosts: and optional cmd:, env:, labels:, options:, proxy:',
    notes: Object.fromEntries(['logging', 'stop_timeout', 'asset_path', 'tags'].map((k) => [k, NOT_YET])),
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
// ssh, builder, boot

export const SshSchema = hint(
  z.strictObject({
    user: nonEmpty('a user name').default('root').describe('SSH user on the hosts.'),
    port: port().default(22).describe('SSH port on the hosts.'),
    keys: hint(z.array(nonEmpty('a path to a private key')), {
      expected: 'a list of private key paths',
      fix: 'write {key} as a YAML list, e.g. {key}: [~/.ssh/id_ed25519]',
    })
      .optional()
      .describe('Private key files to offer (in addition to the SSH agent, unless keys_only).'),
    keys_only: z.boolean().default(false).describe('Use only the keys listed in keys, not those of the SSH agent.'),
  }),
  {
    expected: 'a map of SSH settings',
    notes: Object.fromEntries(['proxy', 'proxy_command', 'log_level', 'key_data', 'config', 'max_concurrent_starts', 'pool_idle_timeout', 'dns_retries'].map((k) => [k, NOT_YET])),
  },
);

const ArchList = hint(z.union([nonEmpty('an architecture, e.g. amd64'), z.array(nonEmpty('an architecture, e.g. amd64'))]), {
  expected: 'an architecture (amd64, arm64) or a list of them',
  type: 'string or list of strings',
}).transform((v) => (Array.isArray(v) ? v : [v]));

export const BuilderSchema = hint(
  z.strictObject({
    dockerfile: nonEmpty('a path to a Dockerfile').default('Dockerfile').describe('Dockerfile, relative to the project.'),
    context: nonEmpty('a directory').optional().describe('Build context directory, relative to the project.'),
    args: hint(z.record(z.string(), text('a string (numbers and booleans are converted to text)')), {
      expected: 'a map of NAME: value',
      key: '<NAME>',
    })
      .prefault({})
      .describe('Build arguments (`--build-arg NAME=value`).'),
    arch: ArchList.optional().describe('Architecture(s) to build for, e.g. `amd64` or `[amd64, arm64]`.'),
  }),
  {
    expected: 'a map of build settings',
    notes: Object.fromEntries(
      ['remote', 'local', 'cache', 'secrets', 'ssh', 'target', 'driver', 'provenance', 'sbom', 'options', 'pack'].map((k) => [k, NOT_YET]),
    ),
  },
);

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
  }),
  { expected: 'a map with limit: and wait:' },
);

// ---------------------------------------------------------------------------------------------
// The whole file

const ROOT_NOTES: Record<string, string> = {
  ...Object.fromEntries(
    [
      'accessories',
      'asset_path',
      'logging',
      'sshkit',
      'error_pages_path',
      'run_directory',
      'hooks_output',
      'output',
    ].map((k) => [k, NOT_YET]),
  ),
  traefik:
    'Kamal 1 routed traffic with Traefik; Sextant (like Kamal 2) uses kamal-proxy. Fix: remove traefik: and ' +
    'configure proxy: instead, e.g. proxy: { host: app.example.com, app_port: 3000, healthcheck: { path: /up } }',
  healthcheck:
    'is the Kamal 1 health check; Sextant checks health through kamal-proxy. Fix: move path and interval to ' +
    'proxy.healthcheck and the app port to proxy.app_port',
  stop_wait_time: 'is the Kamal 1 name. Fix: rename it to stop_timeout',
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
      'Hosts to deploy to: a list (all in role `web`), or a map of role name to a list of hosts or to role settings.',
    ),
    primary_role: nonEmpty('a role name').default('web').describe(
      'Role that boots first and must succeed before the others; it runs behind the proxy by default.',
    ),
    allow_empty_roles: z.boolean().default(false).describe('Allow roles (other than the primary one) without hosts.'),
    registry: RegistrySchema.optional().describe('Where images are pushed and pulled from.'),
    env: EnvSchema.prefault({}).describe(
      'Environment of the app containers: a flat map of clear values, or `clear:` and `secret:`.',
    ),
    proxy: ProxySchema.prefault({}).describe('kamal-proxy settings for the app (roles that run the proxy).'),
    ssh: SshSchema.prefault({}).describe('How to connect to the hosts.'),
    builder: BuilderSchema.prefault({}).describe('How the image is built.'),
    boot: BootSchema.prefault({}).describe('Rolling boot: how many hosts get the new version at a time.'),
    retain_containers: hint(z.number().int().min(1), { expected: 'a whole number, at least 1' })
      .default(5)
      .describe('Old containers (and their images) kept on each host for rollback.'),
    deploy_timeout: positiveSeconds().default(30).describe('Seconds a new container has to become healthy.'),
    drain_timeout: seconds().default(30).describe('Seconds an old container gets to finish in-flight requests.'),
    readiness_delay: seconds()
      .default(7)
      .describe('Seconds to wait after start for containers that neither run the proxy nor have a Docker health check.'),
    stop_timeout: seconds()
      .optional()
      .describe('Seconds `docker stop` waits before killing a container (Docker default when not set).'),
    labels: Labels.prefault({}).describe('Extra labels on every app container.'),
    volumes: hint(z.array(nonEmpty('a volume, e.g. /data:/rails/storage')), {
      expected: 'a list of volumes (host:container)',
      fix: 'write {key} as a YAML list, e.g. {key}: ["/data:/app/data"]',
    })
      .prefault([])
      .describe('Volumes mounted into every app container, `host-path:container-path[:options]`.'),
    hooks_path: nonEmpty('a directory').default('.kamal/hooks').describe('Directory of hook scripts, relative to the project.'),
    secrets_path: nonEmpty('a file path')
      .default('.kamal/secrets')
      .describe('Secrets file, relative to the project; see "Secrets" below for the files read.'),
    require_destination: z.boolean().default(false).describe('Refuse to run without `-d <destination>`.'),
    minimum_version: text('a version, e.g. "2.3.0"').optional().describe('Minimum tool version this config needs.'),
    aliases: hint(z.record(z.string(), nonEmpty('a command')), { expected: 'a map of alias: command', key: '<alias>' })
      .prefault({})
      .describe('Command aliases, e.g. `console: app exec -i --reuse "bin/rails console"`.'),
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
export type RegistryConfig = z.infer<typeof RegistrySchema>;
export type ProxyConfig = z.infer<typeof ProxySchema>;
export type ProxyRunConfig = ProxyConfig['run'];
export type HealthcheckConfig = ProxyConfig['healthcheck'];
export type RoleProxyConfig = z.infer<typeof RoleProxySchema>;
export type SshConfig = z.infer<typeof SshSchema>;
export type BuilderConfig = z.infer<typeof BuilderSchema>;
export type BootConfig = z.infer<typeof BootSchema>;
