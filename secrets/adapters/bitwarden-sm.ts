/**
 * Bitwarden Secrets Manager (`bws`, authenticated by BWS_ACCESS_TOKEN). Names are secret IDs;
 * `all` lists every secret the machine account can read, and PROJECT_ID/all those of one
 * project. Results are keyed by each secret's key.
 */
import { z } from 'zod';
import { parseJson, prefixed, usage, type Adapter, type Call, type FetchRequest } from '../adapter';

const Secret = z.object({ key: z.string(), value: z.string() });
const toSecrets = (list: z.infer<typeof Secret>[]) => Object.fromEntries(list.map((s) => [s.key, s.value]));

function calls(request: FetchRequest): Call[] {
  const names = prefixed(request.names, request.from);
  if (names.length === 0) throw usage('give secret IDs to fetch, `all` for every secret, or PROJECT_ID/all for one project');
  const list = (project: string[]): Call => ({
    argv: ['bws', 'secret', 'list', ...project, '--output', 'json'],
    subject: project.length ? `project ${project[0]}` : 'the secrets list',
    parse: (out) => toSecrets(parseJson(z.array(Secret), out)),
  });
  if (names.length === 1 && names[0] === 'all') return [list([])];
  if (names.length === 1 && names[0].endsWith('/all')) return [list([names[0].slice(0, -'/all'.length)])];
  return names.map((id) => ({
    argv: ['bws', 'secret', 'get', id, '--output', 'json'],
    subject: `secret ${id}`,
    parse: (out) => toSecrets([parseJson(Secret, out)]),
  }));
}

export const bitwardenSecretsManager: Adapter = {
  name: 'bitwarden-sm',
  label: 'Bitwarden Secrets Manager',
  cli: 'bws',
  install: 'install the Bitwarden Secrets Manager CLI: https://bitwarden.com/help/secrets-manager-cli/',
  requiresAccount: false,
  signIn: () => 'export BWS_ACCESS_TOKEN=<a machine account access token>',
  signedOut: /access token|unauthori[sz]ed|\b401\b/i,
  notFound: /not found|\b404\b/i,
  calls,
};
