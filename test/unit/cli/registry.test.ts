// Every command of cli/registry.ts: `--help` shows its usage, options and an example, the global
// options parse on it with their own meaning, and its example parses with its own flags.
import assert from 'node:assert/strict';
import { parseArgs } from '../../../cli/args';
import { globalFlags } from '../../../cli/global-flags';
import { main } from '../../../cli/main';
import { commands } from '../../../cli/registry';
import { shellSplit } from '../../../commands/shell';

async function stdoutOf(argv: string[]): Promise<{ code: number; out: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => ((out += String(chunk)), true)) as typeof process.stdout.write;
  try {
    return { code: await main(argv), out };
  } finally {
    process.stdout.write = write;
  }
}

const GLOBAL_ARGV = ['-v', '-q', '--version', 'v9', '-p', '-h', '10.0.0.*,db1', '-r', 'web,job*', '-c', 'config/other.yml', '-d', 'staging', '-H', '--json'];
const GLOBAL_PARSED = {
  verbose: true, quiet: true, version: 'v9', primary: true, hosts: '10.0.0.*,db1', roles: 'web,job*',
  'config-file': 'config/other.yml', destination: 'staging', 'skip-hooks': true, json: true,
};

describe('cli/registry: every command', () => {
  it('has a unique path', () => {
    const paths = commands.map((c) => c.path.join(' '));
    assert.deepEqual(paths.filter((p, i) => paths.indexOf(p) !== i), []);
  });

  for (const spec of commands) {
    const name = spec.path.join(' ');
    describe(name, () => {
      it('--help shows the summary, the usage, every option and an example of this command', async () => {
        const { code, out } = await stdoutOf([...spec.path, '--help']);
        assert.equal(code, 0);
        assert.ok(out.startsWith(`${spec.summary}\n`), out);
        assert.match(out, new RegExp(`^Usage: (\\S+=\\S+ )*sextant ${name}\\b`, 'm'));
        for (const f of [...spec.flags, ...globalFlags]) assert.ok(out.includes(`--${f.name}`), `--${f.name} is in the help`);
        const example = /Example:\n {2}(.+)\n?$/.exec(out)?.[1];
        assert.ok(example?.includes(`sextant ${name}`), `the example runs sextant ${name}: ${example}`);
      });

      it('takes the global options, with their own meaning', () => {
        const clashes = spec.flags.filter((f) => globalFlags.some((g) => g.name === f.name || (f.short && g.short === f.short)));
        assert.deepEqual(clashes.map((f) => f.name), [], 'a command flag hides a global option');
        const { flags, positionals } = parseArgs(GLOBAL_ARGV, [...globalFlags, ...spec.flags]);
        assert.deepEqual(positionals, []);
        for (const [k, v] of Object.entries(GLOBAL_PARSED)) assert.deepEqual(flags[k], v, k);
      });

      it('its example parses with its flags', () => {
        // the words after `sextant PATH`, up to the end of a $(...) around it
        const after = spec.example.slice(spec.example.indexOf(`sextant ${name}`) + `sextant ${name}`.length).replace(/\).*$/, '');
        const words = shellSplit(after.replace(/\$\w+/g, 'X'));
        parseArgs(words, [...globalFlags, ...spec.flags]);
      });
    });
  }
});
