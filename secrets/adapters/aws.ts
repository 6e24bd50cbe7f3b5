/**
 * AWS Secrets Manager (`aws`). Names are secret names or ARNs (under --from PREFIX); --account
 * is the AWS CLI profile. One `batch-get-secret-value` reads them all. A secret holding a JSON
 * object gives one result per key, keyed NAME/KEY; any other secret is keyed NAME.
 */
import { z } from 'zod';
import { parseJson, prefixed, SecretsProblem, usage, type Adapter, type Call, type FetchRequest } from '../adapter';

const Batch = z.object({
  SecretValues: z.array(z.object({ Name: z.string(), SecretString: z.string().optional() })),
  Errors: z.array(z.object({ SecretId: z.string(), ErrorCode: z.string().optional(), Message: z.string().optional() })).default([]),
});

function secretEntries(name: string, text: string): [string, string][] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return Object.entries(parsed).map(([k, v]) => [`${name}/${k}`, typeof v === 'string' ? v : JSON.stringify(v)]);
    }
  } catch {
    // Not JSON: a plain-text secret.
  }
  return [[name, text]];
}

function calls(request: FetchRequest): Call[] {
  const names = prefixed(request.names, request.from);
  if (names.length === 0) throw usage('give the secret names (or ARNs) to fetch');
  const profile = request.account ? ['--profile', request.account] : [];
  return [
    {
      argv: ['aws', 'secretsmanager', 'batch-get-secret-value', '--secret-id-list', ...names, ...profile, '--output', 'json'],
      subject: names.join(', '),
      parse: (out) => {
        const { SecretValues, Errors } = parseJson(Batch, out);
        if (Errors.length > 0) {
          const all = Errors.map((e) => `${e.SecretId}: ${e.Message ?? e.ErrorCode}`).join('; ');
          throw new SecretsProblem(Errors.every((e) => e.ErrorCode === 'ResourceNotFoundException') ? 'not-found' : 'failed', all);
        }
        return Object.fromEntries(SecretValues.flatMap((s) => secretEntries(s.Name, s.SecretString ?? '')));
      },
    },
  ];
}

export const awsSecretsManager: Adapter = {
  name: 'aws_secrets_manager',
  aliases: ['aws'],
  label: 'AWS Secrets Manager',
  cli: 'aws',
  install: 'install the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html',
  requiresAccount: false,
  signIn: (account) => `aws sso login${account ? ` --profile ${account}` : ''} (or aws configure${account ? ` --profile ${account}` : ''})`,
  signedOut: /unable to locate credentials|expiredtoken|token has expired|sso session|invalidclienttokenid|unrecognizedclient|profile \(.*\) could not be found/i,
  notFound: /resourcenotfound|can't find the specified secret/i,
  calls,
};
