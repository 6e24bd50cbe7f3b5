/**
 * Renders the configuration reference (docs/configuration.md) from the schema: every key with
 * its type, default and `.describe()` text, one table per map. A unit test checks that the
 * committed file equals this output, so the reference cannot drift from the code.
 *
 * Regenerate: npx tsc -p . && node dist/config/docs.js --write
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigSchema, hints } from './schema';
import { ERB_FORMS } from './erb';

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  options?: Schema[];
  element?: Schema;
  valueType?: Schema;
  shape?: Record<string, Schema>;
  defaultValue?: unknown;
}

interface Schema {
  _zod: { def: Def; optin?: string };
  description?: string;
}

function s(x: unknown): Schema {
  return x as Schema;
}

interface Unwrapped {
  node: Schema;
  description?: string;
  defaultValue?: unknown;
  hasDefault: boolean;
}

/** Peels optional/default/prefault wrappers and pipes down to the schema that shapes the value. */
function unwrap(schema: Schema): Unwrapped {
  let node = schema;
  let description: string | undefined;
  let defaultValue: unknown;
  let hasDefault = false;
  for (let i = 0; i < 20; i++) {
    description ??= node.description;
    const def = node._zod.def;
    if (def.type === 'default' || def.type === 'prefault') {
      if (!hasDefault) {
        hasDefault = true;
        defaultValue = def.defaultValue;
      }
      node = def.innerType!;
    } else if (def.type === 'optional' || def.type === 'nullable' || def.type === 'readonly') {
      node = def.innerType!;
    } else if (def.type === 'pipe') {
      node = def.out!._zod.def.type === 'transform' ? def.in! : def.out!;
    } else {
      break;
    }
  }
  return { node, description, defaultValue, hasDefault };
}

function hintOf(node: Schema) {
  return hints.get(node as unknown as z.ZodType);
}

function typeName(schema: Schema, depth = 0): string {
  const { node } = unwrap(schema);
  const def = node._zod.def;
  const declared = hintOf(node)?.type;
  if (declared) return declared;
  switch (def.type) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'map';
    case 'array':
      return depth > 1 ? 'list' : `list of ${plural(typeName(def.element!, depth + 1))}`;
    case 'record': {
      const key = hintOf(node)?.key ?? '<key>';
      return depth > 1 ? 'map' : `map of ${key} to ${typeName(def.valueType!, depth + 1)}`;
    }
    case 'union': {
      const names = [...new Set(def.options!.map((o) => typeName(o, depth + 1)))];
      return names.join(' or ');
    }
    default:
      return def.type;
  }
}

function plural(t: string): string {
  if (t.startsWith('list') || t.startsWith('map')) return t.replace(/^(list|map)/, '$1s');
  return t.includes(' or ') ? `(${t})` : `${t}s`;
}

/** The object schemas reachable from a field, with the path suffix that leads to each. */
function objectsUnder(schema: Schema, path: string): Array<{ path: string; node: Schema }> {
  const { node } = unwrap(schema);
  const def = node._zod.def;
  if (def.type === 'object') return [{ path, node }];
  if (def.type === 'union') return def.options!.flatMap((o) => objectsUnder(o, path));
  if (def.type === 'record') return objectsUnder(def.valueType!, `${path}.${hintOf(node)?.key ?? '<key>'}`);
  if (def.type === 'array') return objectsUnder(def.element!, `${path}[]`);
  return [];
}

function inlineValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'object' && v !== null) {
    if (Array.isArray(v) && v.length === 0) return '`[]`';
    if (!Array.isArray(v) && Object.keys(v).length === 0) return '`{}`';
    return `\`${JSON.stringify(v)}\``;
  }
  return `\`${String(v)}\``;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function anchor(path: string): string {
  return path.toLowerCase().replace(/[^a-z0-9_-]+/g, '');
}

interface Section {
  path: string;
  node: Schema;
}

/** One key of a map, as the reference shows it. */
export interface ReferenceRow {
  key: string;
  /** Full key path, e.g. `proxy.healthcheck.path`. */
  path: string;
  type: string;
  /** `**required**`, an inline-code default, or empty. */
  dflt: string;
  description: string;
  /** Sections first documented under this key. */
  see: string[];
  /** Sections documented elsewhere that describe this key's map too. */
  same: string[];
}

/** One map of the configuration: its path (empty for the top level) and its keys. */
export interface ReferenceSection {
  path: string;
  expected?: string;
  rows: ReferenceRow[];
}

function sectionRows(section: Section, documented: Map<Schema, string>, children: Section[]): ReferenceRow[] {
  const shape = section.node._zod.def.shape!;
  return Object.entries(shape).map(([key, field]) => {
    const u = unwrap(field);
    const required = field._zod.optin === undefined;
    const path = section.path ? `${section.path}.${key}` : key;
    const see: string[] = [];
    const same: string[] = [];
    for (const o of objectsUnder(field, path)) {
      const seen = documented.get(o.node);
      if (seen === undefined) {
        documented.set(o.node, o.path);
        children.push(o);
        see.push(o.path);
      } else if (seen !== o.path) {
        same.push(seen);
      }
    }
    const isMapDefault = u.node._zod.def.type === 'object';
    const dflt = required ? '**required**' : u.hasDefault && !isMapDefault ? inlineValue(u.defaultValue) : '';
    return { key, path, type: typeName(field), dflt, description: (u.description ?? '').trim(), see, same };
  });
}

/** Every map of the configuration, each after the one it sits in (the order of the reference). */
export function referenceSections(): ReferenceSection[] {
  const root: Section = { path: '', node: unwrap(s(ConfigSchema)).node };
  const documented = new Map<Schema, string>([[root.node, '']]);
  const out: ReferenceSection[] = [];
  const visit = (section: Section) => {
    const children: Section[] = [];
    out.push({ path: section.path, expected: hintOf(section.node)?.expected, rows: sectionRows(section, documented, children) });
    children.forEach(visit);
  };
  visit(root);
  return out;
}

const link = (path: string) => `[\`${path}\`](#${anchor(path)})`;

function renderSection(section: ReferenceSection): string[] {
  const out = [section.path ? `## \`${section.path}\`` : '## Top-level keys', ''];
  if (section.path && section.expected) out.push(`Expected: ${section.expected}.`, '');
  out.push('| Key | Type | Default | Description |', '| --- | --- | --- | --- |');
  for (const row of section.rows) {
    let description = row.description;
    if (row.see.length > 0) description += ` See ${row.see.map(link).join(', ')}.`;
    if (row.same.length > 0) description += ` Same keys as ${row.same.map(link).join(', ')}.`;
    const type = cell(row.type).replace(/</g, '&lt;').replace(/>/g, '&gt;');
    out.push(`| \`${row.key}\` | ${type} | ${row.dflt} | ${cell(description.trim())} |`);
  }
  out.push('');
  return out;
}

const INTRO = `# Configuration reference

<!-- Generated from config/schema.ts by config/docs.ts. Do not edit by hand:
     npx tsc -p . && node dist/config/docs.js --write -->

Sextant reads \`config/deploy.yml\` in the project directory, in the format Kamal uses, so an
existing Kamal configuration works unchanged. \`sextant docs KEY\` shows one key or section of this
reference in the terminal; \`sextant init\` writes a starting configuration.

- **Destinations.** With \`-d staging\`, \`config/deploy.staging.yml\` is read too and merged over
  the base file: maps merge key by key, lists and single values replace the base value. The
  destination file must exist. \`require_destination: true\` makes \`-d\` mandatory.
- **Unknown keys are errors**, with a suggestion when the key looks misspelt. Top-level keys
  starting with \`x-\` are ignored, to hold YAML anchors (\`&name\`, \`*name\`, \`<<: *name\`).
- **YAML 1.1**, as in Kamal: \`yes\`/\`no\`/\`on\`/\`off\` are booleans.
- **ERB.** Before parsing, these ERB forms are evaluated, each optionally followed by \`.strip\`:
${ERB_FORMS.map((f) => `  - \`\` ${f} \`\``).join('\n')}

  \`ENV["NAME"]\` of an unset variable is empty; \`ENV.fetch("NAME")\` of an unset variable is an
  error, and so is a command that fails. Commands run with \`/bin/sh\` in the project directory.
  \`<%# comments %>\` are dropped. Any other \`<% %>\` code is an error.
- **Durations** are numbers of seconds.
- Each problem is reported with its file, line and key; several problems come together in one message.
`;

const SECRETS = `## Secrets

Secret values never appear in the configuration. \`env.secret\` (and under \`env.tags\`, roles and
accessories), a registry \`username\`/\`password\` written as a one-item list
(\`[KAMAL_REGISTRY_PASSWORD]\`), \`proxy.ssl\` certificates, \`builder.secrets\` and \`ssh.key_data\`
name secrets; their values are looked up, first match wins, in:

1. the secrets files, in dotenv format: \`<secrets_path>-common\`, then \`<secrets_path>\`, later
   files overriding earlier ones. With a destination, \`<secrets_path>-common\` then
   \`<secrets_path>.<destination>\`; the plain \`<secrets_path>\` is then not read (as in Kamal 2).
2. the environment of the \`sextant\` process;
3. Kamal 0.16's \`.env.<destination>\`, then \`.env\`.

Secrets files take \`NAME=value\`, \`export NAME=value\`, single quotes (taken literally), double
quotes (with \`\\n\` escapes, may span lines), \`# comments\`, \`$(command)\` (its output, run by
\`/bin/sh\` in the project directory) and \`$NAME\` / \`\${NAME}\` (an earlier entry, else the
environment). \`$(kamal secrets fetch ...)\` and \`$(kamal secrets extract ...)\` lines work without
Kamal installed: Sextant runs its own \`secrets\` command for them (see \`docs/secrets.md\`). A
secret found nowhere is an error that names it and every place searched.
`;

export function renderReference(): string {
  return [INTRO, ...referenceSections().flatMap(renderSection), SECRETS].join('\n');
}

export const REFERENCE_FILE = 'docs/configuration.md';

if (require.main === module) {
  const text = renderReference();
  if (process.argv.includes('--write')) {
    const file = resolve(__dirname, '..', '..', REFERENCE_FILE);
    writeFileSync(file, text);
    process.stdout.write(`wrote ${file}\n`);
  } else {
    process.stdout.write(text);
  }
}
