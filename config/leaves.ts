/**
 * Building blocks of the schema: the hint registry (error wording and reference types attached
 * to schema nodes) and the leaf types shared by several sections (seconds, ports, hosts, labels).
 */
import { z } from 'zod';
import { expectedGot } from './messages';

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

export function hint<T extends z.ZodType>(schema: T, h: Hint): T {
  hints.add(schema, h);
  return schema;
}

export const NOT_YET = 'is a Kamal setting that Sextant does not support yet. Fix: remove it';

// ---------------------------------------------------------------------------------------------
// Leaves

export const SECONDS = 'a number of seconds';

/** A duration in seconds, 0 or more. */
export function seconds() {
  return hint(z.number().min(0), { expected: SECONDS });
}

/** A duration in seconds, more than 0. */
export function positiveSeconds() {
  return hint(z.number().positive(), { expected: `${SECONDS} greater than 0` });
}

export const PORT = 'a port number (1-65535)';

/** A TCP port; a quoted number ("2222", as Kamal's own examples write it) is accepted. */
export function port() {
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
export function text(h: string | Hint = 'a string') {
  const hn = { type: 'string', ...(typeof h === 'string' ? { expected: h } : h) };
  return hint(z.union([z.string(), z.number(), z.boolean()]), hn).transform((v) => String(v));
}

export function nonEmpty(expected: string) {
  return hint(z.string().min(1), { expected });
}

export const SERVICE_RE = /^[a-z0-9_-]+$/i;
export const SERVICE_EXPECTED = 'a name made of letters, digits, hyphens and underscores';

export const Service = hint(
  z.string().refine((s) => SERVICE_RE.test(s), {
    error: (iss) =>
      expectedGot(SERVICE_EXPECTED, iss.input, 'rename the service, e.g. service: myapp (it prefixes container names)'),
  }),
  { expected: SERVICE_EXPECTED, example: 'service: myapp' },
);

export const HOST_EXPECTED = 'a host name or IP address';

const HostName = hint(
  z.string().refine((s) => /^\S+$/.test(s), {
    error: (iss) => expectedGot(HOST_EXPECTED, iss.input, 'write one host per list item, without spaces'),
  }),
  { expected: HOST_EXPECTED },
);

const TAGGED_EXPECTED = 'a host name, or a host with its tags, e.g. 10.0.0.1: [tag]';
const TagList = hint(z.union([nonEmpty('a tag name'), z.array(nonEmpty('a tag name'))]), {
  expected: 'a tag name or a list of tag names',
  fix: 'write the tags as a list, e.g. - 10.0.0.1: [tag]',
}).transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * One host in a list: a plain name, or (as Kamal allows) a one-key map from the host to its
 * tag or tags, e.g. `- 10.0.0.1: [gpu]`. Tags select extra env from env.tags.
 */
export const Host = hint(
  z.union([
    HostName,
    hint(z.record(HostName, TagList), { expected: TAGGED_EXPECTED, key: '<host>' }).superRefine((m, ctx) => {
      if (Object.keys(m).length !== 1) {
        ctx.addIssue({
          code: 'custom',
          input: m,
          message: expectedGot(TAGGED_EXPECTED, m, 'write one host per list item, e.g. - 10.0.0.1: [tag]'),
        });
      }
    }),
  ]),
  { expected: TAGGED_EXPECTED, type: 'host or { host: tags }' },
);

export type HostEntry = z.infer<typeof Host>;

/** The host name of a list entry (plain or tagged). */
export function hostName(entry: HostEntry): string {
  return typeof entry === 'string' ? entry : Object.keys(entry)[0];
}

/** The tags of a list entry (none for a plain host). */
export function hostTags(entry: HostEntry): string[] {
  return typeof entry === 'string' ? [] : Object.values(entry)[0];
}

/** A list of hosts; each host at most once. */
export const HostList = hint(z.array(Host), {
  expected: 'a list of host names',
  type: 'list of hosts',
  fix: 'write {key} as a YAML list, e.g. {key}: [10.0.0.1]',
}).superRefine((hosts, ctx) => {
  const seen = new Map<string, number>();
  hosts.forEach((entry, i) => {
    const h = hostName(entry);
    // zod checks the list even when an entry failed (an empty map has no name): that entry has its own error.
    if (typeof h !== 'string') return;
    const first = seen.get(h);
    if (first === undefined) {
      seen.set(h, i);
    } else {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        input: entry,
        message: `host ${h} is listed twice (first at [${first}]). Fix: remove the duplicate`,
      });
    }
  });
});

export const Labels = hint(z.record(z.string(), text('a label value (a string)')), {
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

export const OptionValue = hint(
  z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]),
  { expected: 'a string, number, boolean or a list of them', type: 'string, number, boolean or list' },
);

export const Options = hint(z.record(z.string(), OptionValue), {
  expected: 'a map of docker run option: value (e.g. memory: 2g)',
  key: '<option>',
});


export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
