// Entry point: find the command, parse its flags, run it, map errors to exit codes.
import { flagHelp, parseArgs, UsageError } from './args';
import { CliError, EXIT } from './exit-codes';
import { globalFlags } from './global-flags';
import { commands, type CommandSpec } from './registry';
import { didYouMean } from '../config/suggest';
import { shellJoin } from '../commands/shell';

export function findCommand(argv: readonly string[]): { spec: CommandSpec; rest: string[] } | null {
  let best: CommandSpec | null = null;
  for (const spec of commands) {
    if (spec.path.every((word, i) => argv[i] === word) && (!best || spec.path.length > best.path.length)) best = spec;
  }
  return best ? { spec: best, rest: argv.slice(best.path.length) } : null;
}

function overview(aliases: Readonly<Record<string, string>>): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length), ...Object.keys(aliases).map((a) => a.length));
  return [
    'Sextant: zero-downtime deploys to your own servers, every change a durable Temporal workflow.',
    '',
    'Usage: sextant COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    ...(Object.keys(aliases).length ? ['Aliases (config aliases:):', ...Object.entries(aliases).map(([a, line]) => `  ${a.padEnd(width)}  sextant ${line}`), ''] : []),
    'Options for every command:',
    flagHelp(globalFlags),
    '',
    'Run `sextant COMMAND --help` for a command and an example. Exit codes: docs/exit-codes.md.',
  ].join('\n');
}

function commandHelp(spec: CommandSpec): string {
  return [
    spec.summary,
    '',
    `Usage: ${spec.usage}`,
    '',
    ...(spec.flags.length ? ['Options:', flagHelp(spec.flags), ''] : []),
    'Options for every command:',
    flagHelp(globalFlags),
    '',
    `Example:\n  ${spec.example}`,
  ].join('\n');
}

/** The project's aliases for the overview; a config that does not load shows none (commands report it). */
async function aliasesForHelp(argv: readonly string[]): Promise<Readonly<Record<string, string>>> {
  try {
    return (await import('./aliases')).projectAliases(argv, process.cwd(), process.env)?.aliases ?? {};
  } catch {
    return {};
  }
}

/** A config alias expanded to the command it runs, or null when argv[0] is no alias. */
async function findAlias(argv: readonly string[]): Promise<{ spec: CommandSpec; rest: string[]; chain: string[] } | null> {
  const { expandAlias, projectAliases } = await import('./aliases');
  const project = projectAliases(argv, process.cwd(), process.env);
  const expanded = project && expandAlias(argv, project.aliases, project.file);
  if (!expanded) return null;
  const found = findCommand(expanded.argv);
  if (!found) throw new UsageError(`the alias ${expanded.chain.join(' → ')} runs "${expanded.argv[0]}", which is no command`);
  return { ...found, chain: expanded.chain };
}

/** `sextant`, `sextant --help`, `sextant help`: the overview of commands. */
export const asksForOverview = (argv: readonly string[]) => argv.length === 0 || argv[0] === '--help' || argv[0] === 'help';

export async function main(argv: readonly string[]): Promise<number> {
  if (asksForOverview(argv)) {
    process.stdout.write(overview(await aliasesForHelp(argv)) + '\n');
    return EXIT.ok;
  }
  let found: { spec: CommandSpec; rest: string[]; chain?: string[] } | null = findCommand(argv);
  if (!found && !argv[0]!.startsWith('-')) {
    try {
      found = await findAlias(argv);
    } catch (err) {
      return reportError(err);
    }
  }
  if (!found) {
    const words = commands.map((c) => c.path.join(' '));
    const guess = didYouMean(argv.slice(0, 2).join(' '), words) ?? didYouMean(argv[0]!, words);
    process.stderr.write(`sextant: unknown command "${argv[0]}"${guess ? ` (did you mean "${guess}"?)` : ''}. Run \`sextant --help\`.\n`);
    return EXIT.usage;
  }
  const { spec, rest, chain } = found;
  try {
    const { flags, positionals } = parseArgs(rest, [...globalFlags, ...spec.flags]);
    if (flags.help) {
      if (chain) process.stdout.write(`${chain.join(' → ')}: an alias (config aliases:) for sextant ${shellJoin([...spec.path, ...rest.filter((a) => a !== '--help')])}\n\n`);
      process.stdout.write(commandHelp(spec) + '\n');
      return EXIT.ok;
    }
    const run = await spec.run();
    return await run({ flags, positionals, cwd: process.cwd(), env: process.env });
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`sextant: ${err.message}. Run \`sextant ${process.argv[2] ?? ''} --help\`.\n`);
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    process.stderr.write(`sextant: ${err.message}\n`);
    return err.code;
  }
  if (err instanceof Error && err.name === 'ConfigError') {
    process.stderr.write(`${err.message}\n`);
    return EXIT.config;
  }
  process.stderr.write(`sextant: ${err instanceof Error ? (process.env.SEXTANT_DEBUG ? err.stack : err.message) : String(err)}\n`);
  return EXIT.failed;
}

