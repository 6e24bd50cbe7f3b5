/**
 * LastPass (`lpass`). Names are entry names, FOLDER/NAME, or names under --from FOLDER; results
 * are keyed by each entry's full name (FOLDER/NAME). `lpass status` must report --account
 * logged in.
 */
import { z } from 'zod';
import { parseJson, prefixed, SecretsProblem, usage, type Adapter, type Call, type FetchRequest } from '../adapter';

const Entries = z.array(z.object({ name: z.string(), fullname: z.string(), password: z.string() }));

function calls(request: FetchRequest): Call[] {
  const names = prefixed(request.names, request.from);
  if (names.length === 0) throw usage('give the entries to fetch (NAME or FOLDER/NAME)');
  return [
    {
      argv: ['lpass', 'status', '--color=never'],
      parse: (out) => {
        if (out.trim() !== `Logged in as ${request.account}.`) throw new SecretsProblem('signed-out', `lpass status says "${out.trim()}", not logged in as ${request.account}`);
        return {};
      },
    },
    {
      argv: ['lpass', 'show', '--json', ...names],
      subject: names.join(', '),
      parse: (out) => {
        const entries = parseJson(Entries, out);
        const missing = names.filter((n) => !entries.some((e) => e.fullname === n || e.name === n));
        if (missing.length > 0) throw new SecretsProblem('not-found', `no entry ${missing.join(', ')}`);
        return Object.fromEntries(entries.map((e) => [e.fullname, e.password]));
      },
    },
  ];
}

export const lastPass: Adapter = {
  name: 'lastpass',
  label: 'LastPass',
  cli: 'lpass',
  install: 'install the LastPass CLI: https://github.com/lastpass/lastpass-cli (apt install lastpass-cli, brew install lastpass-cli)',
  requiresAccount: true,
  signIn: (account) => `lpass login ${account ?? 'EMAIL'}`,
  signedOut: /not logged in|decryption key|lpass login/i,
  notFound: /could not find specified account/i,
  calls,
};
