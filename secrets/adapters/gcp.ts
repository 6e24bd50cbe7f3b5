/**
 * GCP Secret Manager (`gcloud`). A name is [PROJECT/]SECRET[/VERSION] (PROJECT `default` or
 * left out: gcloud's configured project; VERSION default `latest`), under --from PROJECT.
 * --account is USER or USER|SERVICE_ACCOUNT[,SERVICE_ACCOUNT...] to impersonate (USER `default`:
 * gcloud's active account). Results are keyed SECRET, or PROJECT/SECRET for another project.
 */
import { z } from 'zod';
import { parseJson, prefixed, SecretsProblem, usage, type Adapter, type Call, type FetchRequest } from '../adapter';

const Version = z.object({ payload: z.object({ data: z.string() }) });

function calls(request: FetchRequest): Call[] {
  const names = prefixed(request.names, request.from);
  if (names.length === 0) throw usage('give the secrets to fetch ([PROJECT/]SECRET[/VERSION])');
  const [user, impersonate] = (request.account ?? 'default').split('|', 2);
  const identity = [...(user !== 'default' ? [`--account=${user}`] : []), ...(impersonate ? [`--impersonate-service-account=${impersonate}`] : [])];
  return [
    {
      argv: ['gcloud', 'auth', 'list', '--format=json'],
      parse: (out) => {
        if (parseJson(z.array(z.unknown()), out).length === 0) throw new SecretsProblem('signed-out', 'gcloud has no credentialed account');
        return {};
      },
    },
    ...names.map((name): Call => {
      const parts = name.split('/');
      if (parts.length === 1) parts.unshift('default');
      const [project, secret, version = 'latest'] = parts;
      const key = project === 'default' ? secret : `${project}/${secret}`;
      return {
        argv: ['gcloud', 'secrets', 'versions', 'access', version, `--secret=${secret}`, ...(project !== 'default' ? [`--project=${project}`] : []), ...identity, '--format=json'],
        subject: `secret ${key} (version ${version})`,
        parse: (out) => ({ [key]: Buffer.from(parseJson(Version, out).payload.data, 'base64').toString('utf8') }),
      };
    }),
  ];
}

export const gcpSecretManager: Adapter = {
  name: 'gcp',
  aliases: ['gcp_secret_manager'],
  label: 'GCP Secret Manager',
  cli: 'gcloud',
  install: 'install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install',
  requiresAccount: true,
  signIn: () => 'gcloud auth login',
  signedOut: /reauthenticat|gcloud auth login|refresh token|credentials? (has|have|were) (expired|been revoked)|no credentialed accounts/i,
  notFound: /not_found|not found/i,
  calls,
};
