// Entry point: find the command, parse its flags, run it, map errors to exit codes.
import { flagHelp, parseArgs, UsageError } from './args';
import { CliError, EXIT } from './exit-codes';
import { globalFlags } from './global-flags';
import { commands, type CommandSpec } from './registry';
import { didYouMean } from '../config/suggest';

function findCommand(argv: readonly string[]): { spec: CommandSpec; rest: string[] } | null {
  let best: CommandSpec | null = null;
  for (const spec of commands) {
    if (spec.path.every((word, i) => argv[i] === word) && (!best || spec.path.length > best.path.length)) best = spec;
  }
  return best ? { spec: best, rest: argv.slice(best.path.length) } : null;
}

function overview(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'Sextant: zero-downtime deploys to your own servers, every change a durable Temporal workflow.',
    '',
    'Usage: sextant COMMAND [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
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

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    process.stdout.write(overview() + '\n');
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const words = commands.map((c) => c.path.join(' '));
    const guess = didYouMean(argv.slice(0, 2).join(' '), words) ?? didYouMean(argv[0]!, words);
    process.stderr.write(`sextant: unknown command "${argv[0]}"${guess ? ` (did you mean "${guess}"?)` : ''}. Run \`sextant --help\`.\n`);
    return EXIT.usage;
  }
  const { spec, rest } = found;
  try {
    const { flags, positionals } = parseArgs(rest, [...globalFlags, ...spec.flags]);
    if (flags.help) {
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

