// `aliases:` of deploy.yml, as Kamal 2 runs them: `sextant NAME ARGS...` runs the alias's command
// line with ARGS appended (so `-r workers` after an alias overrides the alias's own `-r`).
// An alias may name another alias; a name that is a built-in command, or a loop, is an error.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../config';
import { shellSplit } from '../commands/shell';
import { commands } from './registry';

const ALIAS_NAME = /^[a-z0-9_-]+$/;

/** First words of the built-in commands (and `help`): names no alias may take. */
export const builtinWords: ReadonlySet<string> = new Set(['help', ...commands.map((c) => c.path[0]!)]);

type Aliases = Readonly<Record<string, string>>;

/** Refuses alias names Kamal refuses, and command lines that do not split into words. */
export function checkAliases(aliases: Aliases, file: string): void {
  const problems = Object.entries(aliases).flatMap(([name, line]) => {
    const at = { file, path: `aliases.${name}` };
    if (!ALIAS_NAME.test(name)) return [{ ...at, message: `the alias name ${JSON.stringify(name)} may hold only lowercase letters, digits, - and _. Fix: rename it` }];
    if (builtinWords.has(name)) return [{ ...at, message: `the alias ${name} has the name of a built-in command, which it would hide. Fix: rename the alias` }];
    try {
      if (shellSplit(line).length === 0) return [{ ...at, message: 'the alias has no command. Fix: write the command line after the name, e.g. app details -r web' }];
    } catch (err) {
      return [{ ...at, message: `${(err as Error).message.replace(/^cmd /, 'the command line ')}` }];
    }
    return [];
  });
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * argv with its first word replaced by the alias's words (repeatedly, for an alias of an alias),
 * or null when the first word is no alias. `chain` names the aliases followed, for help.
 */
export function expandAlias(argv: readonly string[], aliases: Aliases, file: string): { argv: string[]; chain: string[] } | null {
  const chain: string[] = [];
  let words = [...argv];
  while (words[0] !== undefined && Object.prototype.hasOwnProperty.call(aliases, words[0]) && !builtinWords.has(words[0])) {
    const name = words[0];
    if (chain.includes(name)) {
      throw new ConfigError({ file, path: `aliases.${chain[0]}`, message: `the aliases loop: ${[...chain, name].join(' → ')}. Fix: make one of them run a built-in command` });
    }
    chain.push(name);
    words = [...shellSplit(aliases[name]!), ...words.slice(1)];
  }
  return chain.length > 0 ? { argv: words, chain } : null;
}

/** `-c FILE` / `-d DEST` (any spelling) from an argv whose other flags are not known yet. */
function configOptions(argv: readonly string[]): { configFile?: string; destination?: string } {
  const found: { configFile?: string; destination?: string } = {};
  const names = { configFile: ['-c', '--config-file'], destination: ['-d', '--destination'] } as const;
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    for (const [key, [short, long]] of Object.entries(names) as [keyof typeof names, readonly [string, string]][]) {
      const a = argv[i]!;
      if (a === short || a === long) found[key] = argv[++i];
      else if (a.startsWith(`${long}=`)) found[key] = a.slice(long.length + 1);
      else if (a.startsWith(short) && a.length > 2 && !a.startsWith('--')) found[key] = a.slice(2);
    }
  }
  return found;
}

/** The project's aliases, or null when there is no config file to read them from. */
export function projectAliases(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): { aliases: Aliases; file: string } | null {
  const { configFile, destination } = configOptions(argv);
  if (!existsSync(resolve(cwd, configFile ?? DEFAULT_CONFIG_FILE))) return null;
  const loaded = loadConfig({ cwd, configFile, destination, env });
  const file = configFile ?? DEFAULT_CONFIG_FILE;
  checkAliases(loaded.config.aliases, file);
  return { aliases: loaded.config.aliases, file };
}
