// `sextant secrets fetch|extract|print`, Kamal 2's commands of the same names. `fetch` and
// `extract` are meant for `$(...)` in .kamal/secrets; `print` shows what a config resolves to.
// None of them touches Temporal or a host.
import { accessorySecretNames, loadConfig, REDACTED, resolveSecrets, secretNames } from '../../config';
import { shellQuote } from '../../commands/shell';
import { SecretsError } from '../../secrets/adapter';
import { ADAPTERS, findAdapter } from '../../secrets/adapters';
import { ExtractError, extractSecret } from '../../secrets/extract';
import { fetchSecrets } from '../../secrets/run';
import { UsageError } from '../args';
import { CliError, EXIT } from '../exit-codes';
import type { CommandContext } from '../registry';

const flag = (ctx: CommandContext, name: string) => (typeof ctx.flags[name] === 'string' ? (ctx.flags[name] as string) : undefined);

export async function fetchCommand(ctx: CommandContext): Promise<number> {
  const name = flag(ctx, 'adapter');
  if (!name) throw new UsageError(`--adapter is required (one of ${ADAPTERS.map((a) => a.name).join(', ')})`);
  const adapter = findAdapter(name);
  if (!adapter) throw new UsageError(`unknown secrets adapter "${name}"; expected one of ${ADAPTERS.map((a) => a.name).join(', ')}`);
  let secrets: Record<string, string>;
  try {
    secrets = fetchSecrets(adapter, { names: ctx.positionals, account: flag(ctx, 'account'), from: flag(ctx, 'from'), env: ctx.env });
  } catch (e) {
    if (e instanceof SecretsError) throw e.kind === 'usage' ? new UsageError(e.message) : new CliError(e.message, EXIT.config);
    throw e;
  }
  // Shell-quoted as Kamal prints it, so `$SECRETS` pasted into a later `$(... extract NAME $SECRETS)`
  // stays one argument; --json gives the bare object.
  const json = JSON.stringify(secrets);
  process.stdout.write(`${ctx.flags.json ? json : shellQuote(json)}\n`);
  return EXIT.ok;
}

export async function extractCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length !== 2) throw new UsageError(`secrets extract takes NAME and the output of secrets fetch (got ${ctx.positionals.length} arguments)`);
  const [name, fetched] = ctx.positionals as [string, string];
  try {
    process.stdout.write(`${extractSecret(name, fetched)}\n`);
  } catch (e) {
    throw e instanceof ExtractError ? new CliError(e.message, EXIT.config) : e;
  }
  return EXIT.ok;
}

export async function printCommand(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length > 0) throw new UsageError(`unexpected argument ${ctx.positionals[0]}`);
  const { config, destination } = loadConfig({ cwd: ctx.cwd, configFile: flag(ctx, 'config-file'), destination: flag(ctx, 'destination'), env: ctx.env });
  const names = [...new Set([...secretNames(config), ...Object.keys(config.accessories).flatMap((a) => accessorySecretNames(config, a))])];
  const values = resolveSecrets({ cwd: ctx.cwd, env: ctx.env, destination, secretsPath: config.secrets_path, names });
  const shown = Object.fromEntries(names.map((n) => [n, ctx.flags.reveal ? values[n] : REDACTED]));
  process.stdout.write(ctx.flags.json ? `${JSON.stringify(shown)}\n` : names.map((n) => `${n}=${shown[n]}\n`).join(''));
  return EXIT.ok;
}
