/**
 * Bitwarden password manager (`bw`). A name is ITEM (the login's password, or else all custom
 * fields of the item) or ITEM/FIELD (a custom field); --from ITEM prefixes every name. Results
 * are keyed ITEM or ITEM/FIELD. Before reading, `bw status` must say the vault is unlocked for
 * --account (the session comes from BW_SESSION), and `bw sync` fetches the latest vault.
 */
import { z } from 'zod';
import { parseJson, prefixed, SecretsProblem, type Adapter, type Call, type FetchRequest } from '../adapter';

const Status = z.object({ status: z.string(), userEmail: z.string().nullish() });
const Item = z.object({
  login: z.object({ password: z.string().nullish() }).nullish(),
  fields: z.array(z.object({ name: z.string(), value: z.string().nullish() })).nullish(),
});

function checkStatus(out: string, account: string | undefined): Record<string, string> {
  const { status, userEmail } = parseJson(Status, out);
  if (status === 'unauthenticated') throw new SecretsProblem('signed-out', 'bw is not logged in');
  if (status === 'locked') throw new SecretsProblem('signed-out', 'the vault is locked (BW_SESSION is not set or has expired)');
  if (status !== 'unlocked') throw new SecretsProblem('failed', `bw status says "${status}"`);
  if (account && userEmail && userEmail !== account) throw new SecretsProblem('signed-out', `bw is logged in as ${userEmail}, not ${account}`);
  return {};
}

function readItem(item: string, fields: string[], out: string): Record<string, string> {
  const json = parseJson(Item, out);
  const custom = json.fields ?? [];
  const wanted = fields.length > 0 ? fields : json.login?.password != null ? [] : custom.map((f) => f.name);
  if (wanted.length === 0) {
    if (json.login?.password == null) throw new SecretsProblem('not-found', `item ${item} has neither a login password nor custom fields; name a field as ${item}/FIELD`);
    return { [item]: json.login.password };
  }
  return Object.fromEntries(
    wanted.map((field) => {
      const found = custom.find((f) => f.name === field);
      if (!found) throw new SecretsProblem('not-found', `item ${item} has no field ${field}`);
      return [`${item}/${field}`, found.value ?? ''];
    }),
  );
}

function calls(request: FetchRequest): Call[] {
  const items = new Map<string, string[]>();
  for (const name of prefixed(request.names, request.from)) {
    const [item, field] = name.split('/');
    if (!items.has(item)) items.set(item, []);
    if (field) items.get(item)!.push(field);
  }
  return [
    { argv: ['bw', 'status'], parse: (out) => checkStatus(out, request.account) },
    { argv: ['bw', 'sync'], parse: () => ({}) },
    ...[...items].map(([item, fields]): Call => ({ argv: ['bw', 'get', 'item', item], subject: `item ${item}`, parse: (out) => readItem(item, fields, out) })),
  ];
}

export const bitwarden: Adapter = {
  name: 'bitwarden',
  label: 'Bitwarden',
  cli: 'bw',
  install: 'install the Bitwarden CLI: https://bitwarden.com/help/cli/ (npm install -g @bitwarden/cli)',
  requiresAccount: true,
  signIn: (account) => `bw login ${account ?? 'EMAIL'} (once), then export BW_SESSION=$(bw unlock --raw)`,
  signedOut: /not logged in|vault is locked|session key is invalid|you are not logged in/i,
  notFound: /^not found\.?$/im,
  calls,
};
