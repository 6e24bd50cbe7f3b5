// `aliases:` in deploy.yml: expansion rules, refused names, loops, and the real binary running one.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinWords, checkAliases, expandAlias } from '../../../cli/aliases';
import { sextantBin } from '../../support/cli';

const FILE = 'config/deploy.yml';

function checkout(aliases: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-aliases-'));
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, FILE),
    ['service: shop', 'image: acme/shop', 'servers: [10.0.0.1]', 'registry:', '  username: acme', '  password: [REGISTRY_PASSWORD]', 'aliases:', ...aliases.map((a) => `  ${a}`), ''].join('\n'),
  );
  return dir;
}
const sextant = (dir: string, ...args: string[]) =>
  spawnSync(sextantBin, args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', REGISTRY_PASSWORD: 'x' } });

describe('cli/aliases', () => {
  const aliases = { console: `app exec -i --reuse -r web "bin/rails console"`, 'web-logs': 'app logs -r web', tail: 'web-logs -f', a: 'b', b: 'a x' };

  it('replaces the alias by its words and appends the rest, so later flags win', () => {
    assert.deepEqual(expandAlias(['console', '-r', 'workers'], aliases, FILE), {
      argv: ['app', 'exec', '-i', '--reuse', '-r', 'web', 'bin/rails console', '-r', 'workers'],
      chain: ['console'],
    });
  });

  it('follows an alias of an alias', () => {
    assert.deepEqual(expandAlias(['tail', '-n', '5'], aliases, FILE), { argv: ['app', 'logs', '-r', 'web', '-f', '-n', '5'], chain: ['tail', 'web-logs'] });
  });

  it('leaves a non-alias alone', () => {
    assert.equal(expandAlias(['deploy'], aliases, FILE), null);
    assert.equal(expandAlias([], aliases, FILE), null);
    assert.equal(expandAlias(['toString'], aliases, FILE), null);
  });

  it('refuses a loop, naming it', () => {
    assert.throws(() => expandAlias(['a'], aliases, FILE), /config\/deploy\.yml: aliases\.a: the aliases loop: a → b → a/);
  });

  it('refuses names that hide a built-in command, names Kamal refuses, and lines that do not split', () => {
    assert.ok(builtinWords.has('deploy') && builtinWords.has('app') && builtinWords.has('help'));
    assert.throws(() => checkAliases({ deploy: 'app details' }, FILE), /aliases\.deploy: the alias deploy has the name of a built-in command.*Fix: rename the alias/);
    assert.throws(() => checkAliases({ app: 'app details' }, FILE), /aliases\.app: .*built-in command/);
    assert.throws(() => checkAliases({ Console: 'app details' }, FILE), /aliases\.Console: the alias name "Console" may hold only lowercase letters/);
    assert.throws(() => checkAliases({ x: `app exec "open` }, FILE), /aliases\.x: the command line .* unterminated double quote/);
    assert.throws(() => checkAliases({ x: '  ' }, FILE), /aliases\.x: the alias has no command/);
    checkAliases(aliases, FILE);
  });

  describe('the binary', function () {
    this.timeout(30_000);

    it('runs an alias like the built-in command, with the arguments after it appended', () => {
      const dir = checkout(['cfg: config --json', 'cfg-v: cfg --version v7']);
      const r = sextant(dir, 'cfg-v');
      assert.equal(r.status, 0, r.stderr);
      assert.equal((JSON.parse(r.stdout) as { image: string }).image, 'acme/shop:v7');
      const later = sextant(dir, 'cfg-v', '--version', 'v8');
      assert.equal((JSON.parse(later.stdout) as { image: string }).image, 'acme/shop:v8', 'a flag after the alias overrides its own');
    });

    it('lists the aliases in --help, and explains one in its --help', () => {
      const dir = checkout(['cfg: config --json']);
      assert.match(sextant(dir, '--help').stdout, /Aliases \(config aliases:\):\n\s+cfg\s+sextant config --json/);
      const help = sextant(dir, 'cfg', '--help');
      assert.equal(help.status, 0, help.stderr);
      assert.match(help.stdout, /^cfg: an alias \(config aliases:\) for sextant config --json\n/);
      assert.match(help.stdout, /Usage: sextant config/);
    });

    it('refuses to run anything while an alias hides a built-in command', () => {
      const r = sextant(checkout(['config: version']), 'config');
      assert.equal(r.status, 3, r.stdout + r.stderr);
      assert.match(r.stderr, /config\/deploy\.yml: aliases\.config: the alias config has the name of a built-in command/);
    });

    it('reports a loop with exit code 3 (config) and an unknown word as before', () => {
      const dir = checkout(['a: b', 'b: a']);
      const loop = sextant(dir, 'a');
      assert.equal(loop.status, 3);
      assert.match(loop.stderr, /the aliases loop: a → b → a/);
      const unknown = sextant(dir, 'nope');
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /unknown command "nope"/);
    });
  });
});
