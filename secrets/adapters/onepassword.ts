/**
 * 1Password (`op`). A name is VAULT/ITEM[/SECTION]/FIELD (or, with --from VAULT/ITEM, just
 * [SECTION/]FIELD); without a field the item's `password` is read. One `op item get` per item
 * reads all its requested fields. With --from VAULT/ITEM and no names, every field of the item.
 * Results are keyed by the field's `op://` reference without the `op://` and without a trailing
 * `/password`, as Kamal does, so `extract` finds them by their last parts.
 */
import { z } from 'zod';
import { parseJson, prefixed, SecretsProblem, usage, type Adapter, type Call, type FetchRequest } from '../adapter';

const Field = z.object({ label: z.string().optional(), reference: z.string(), value: z.string().optional() });
const Fields = z.union([z.array(Field), Field]);
const Item = z.object({ fields: z.array(Field).default([]) });

const referenceKey = (reference: string) => reference.replace(/^op:\/\//, '').replace(/\/password$/, '');

function toSecrets(fields: z.infer<typeof Field>[]): Record<string, string> {
  return Object.fromEntries(fields.filter((f) => f.value !== undefined).map((f) => [referenceKey(f.reference), f.value!]));
}

function splitVaultItem(path: string, what: string): [string, string, string[]] {
  const [vault, item, ...rest] = path.replace(/^op:\/\//, '').split('/');
  if (!vault || !item) throw usage(`${what} ${JSON.stringify(path)} names no item; expected VAULT/ITEM/FIELD (or --from VAULT/ITEM with FIELD names)`);
  return [vault, item, rest];
}

function calls(request: FetchRequest): Call[] {
  const get = (vault: string, item: string) => ['op', 'item', 'get', item, '--vault', vault];
  const tail = ['--format', 'json', '--account', request.account!];
  if (request.names.length === 0) {
    if (!request.from) throw usage('give the secrets to fetch (VAULT/ITEM/FIELD), or --from VAULT/ITEM to fetch every field of an item');
    const [vault, item] = splitVaultItem(request.from, '--from');
    return [{ argv: [...get(vault, item), ...tail], subject: `item ${item} in vault ${vault}`, parse: (out) => toSecrets(parseJson(Item, out).fields) }];
  }
  const items = new Map<string, { vault: string; item: string; fields: string[] }>();
  for (const name of prefixed(request.names, request.from)) {
    const [vault, item, field] = splitVaultItem(name, 'secret');
    const key = `${vault}/${item}`;
    if (!items.has(key)) items.set(key, { vault, item, fields: [] });
    items.get(key)!.fields.push(field.length > 0 ? field.join('.') : 'password');
  }
  return [...items.values()].map(({ vault, item, fields }) => ({
    argv: [...get(vault, item), '--fields', fields.map((f) => `label=${f}`).join(','), ...tail],
    subject: `item ${item} in vault ${vault}`,
    parse: (out) => {
      const parsed = parseJson(Fields, out);
      const list = Array.isArray(parsed) ? parsed : [parsed];
      // op leaves out fields it does not find; say which instead of returning fewer secrets.
      const missing = fields.filter((f) => !list.some((got) => got.label === f.split('.').pop()));
      if (missing.length > 0) throw new SecretsProblem('not-found', `item ${item} in vault ${vault} has no field ${missing.join(', ')}`);
      return toSecrets(list);
    },
  }));
}

export const onePassword: Adapter = {
  name: '1password',
  label: '1Password',
  cli: 'op',
  install: 'install the 1Password CLI: https://developer.1password.com/docs/cli/get-started/',
  requiresAccount: true,
  signIn: (account) => `eval $(op signin --account ${account ?? 'ACCOUNT'})`,
  signedOut: /not currently signed in|session (has )?expired|sign ?in to create a new session|authorization prompt dismissed|no accounts configured/i,
  notFound: /isn't an item|isn't a vault|isn't a field|not found/i,
  calls,
};
