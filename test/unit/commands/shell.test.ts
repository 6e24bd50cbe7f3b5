import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { shellJoin, shellQuote, shellSplit } from '../../../commands/shell';
import { spawnSync } from 'node:child_process';
import { andThen, bounded, thenTry } from '../../../commands/remote';

describe('commands/shell', () => {
  describe('shellQuote', () => {
    it('leaves plain words bare for readable logs', () => {
      for (const w of ['docker', '--name', 'a=b', '/x/y.z', 'app-web-abc123', 'label=service=app', '80:80', 'user@host', '10m']) {
        assert.equal(shellQuote(w), w);
      }
    });

    it('single-quotes everything else', () => {
      assert.equal(shellQuote(''), `''`);
      assert.equal(shellQuote('a b'), `'a b'`);
      assert.equal(shellQuote("it's"), `'it'\\''s'`);
      assert.equal(shellQuote('$(rm -rf ~)'), `'$(rm -rf ~)'`);
      assert.equal(shellQuote('`id`'), "'`id`'");
      assert.equal(shellQuote('a\nb'), `'a\nb'`);
      assert.equal(shellQuote('*'), `'*'`);
      assert.equal(shellQuote('~'), `'~'`);
      // zsh expands a leading '=' to a command path
      assert.equal(shellQuote('=ls'), `'=ls'`);
      assert.equal(shellQuote('{{json .}}'), `'{{json .}}'`);
    });

    it('refuses NUL, which no argv can carry', () => {
      assert.throws(() => shellQuote('a\0b'), /NUL/);
    });
  });

  describe('shellJoin', () => {
    it('joins exactly', () => {
      assert.equal(shellJoin([]), '');
      assert.equal(
        shellJoin(['docker', 'ps', '--filter', 'label=service=app', '--format', '{{.Names}}']),
        `docker ps --filter label=service=app --format '{{.Names}}'`,
      );
      assert.equal(
        shellJoin(['sh', '-c', 'cat > "$1"', 'sh', '.kamal/x']),
        `sh -c 'cat > "$1"' sh .kamal/x`,
      );
      assert.equal(shellJoin(['echo', "don't", '']), `echo 'don'\\''t' ''`);
    });

    const tricky = fc.constantFrom(
      "'", '"', '\\', '$', '`', '(', ')', ';', '&', '|', '<', '>', '*', '?', '[', ']', '{', '}', '~', '#', '!', '=', '%',
      '-', '--', ' ', '\t', '\n', '\r', 'a', 'Z', '0', 'é', '日本', '😀', '$(id)', '${HOME}', '`id`', '\x01', '\x7f',
    );
    const wellFormed = (s: string): boolean => Buffer.from(s, 'utf8').toString('utf8') === s;
    const arg = fc
      .oneof(fc.string({ unit: 'binary' }), fc.string({ unit: tricky }), fc.string({ unit: 'grapheme-ascii' }))
      .filter((s) => !s.includes('\0') && wellFormed(s));

    const roundTrip = (sh: string) => (args: string[]): void => {
      // printf repeats its format for each argument, so every argument comes back NUL-terminated
      const out = execFileSync(sh, ['-c', 'printf "%s\\0" ' + shellJoin(args)]);
      const expected = args.length ? Buffer.from(args.map((a) => `${a}\0`).join(''), 'utf8') : Buffer.from('\0');
      assert.deepEqual(out, expected);
    };

    it('round-trips any argv through /bin/sh byte-exactly (500 runs)', function () {
      this.timeout(120_000);
      fc.assert(fc.property(fc.array(arg, { maxLength: 8 }), roundTrip('/bin/sh')), { numRuns: 500 });
    });

    it('round-trips through bash too', function () {
      if (!existsSync('/bin/bash')) this.skip();
      this.timeout(120_000);
      fc.assert(fc.property(fc.array(arg, { maxLength: 8 }), roundTrip('/bin/bash')), { numRuns: 100 });
    });
  });

  describe('shellSplit (role cmd strings)', () => {
    it('splits words like sh', () => {
      assert.deepEqual(shellSplit('bin/rails server'), ['bin/rails', 'server']);
      assert.deepEqual(shellSplit('  bin/jobs   --queue=default\n'), ['bin/jobs', '--queue=default']);
      assert.deepEqual(shellSplit(`sh -c 'echo $HOME && sleep 1'`), ['sh', '-c', 'echo $HOME && sleep 1']);
      assert.deepEqual(shellSplit(`echo "a b" c\\ d '' ""`), ['echo', 'a b', 'c d', '', '']);
      assert.deepEqual(shellSplit(`echo "say \\"hi\\" \\\\ \\x"`), ['echo', 'say "hi" \\ \\x']);
      assert.deepEqual(shellSplit('run --glob=*.rb a#b'), ['run', '--glob=*.rb', 'a#b']);
      assert.deepEqual(shellSplit(''), []);
    });

    it('refuses what the host shell would have evaluated', () => {
      for (const cmd of ['echo $HOME', 'a | b', 'a && b', 'a; b', 'a > f', 'echo `id`', 'echo "$X"', 'echo $(id)', 'run # note', 'ls ~']) {
        assert.throws(() => shellSplit(cmd), /host shell would evaluate/, cmd);
      }
      assert.throws(() => shellSplit(`echo 'open`), /unterminated single quote/);
      assert.throws(() => shellSplit(`echo "open`), /unterminated double quote/);
    });
  });

  describe('bounded', () => {
    it('wraps argv in GNU timeout', () => {
      assert.deepEqual(bounded(['docker', 'pull', 'app:1'], 300), ['timeout', '--kill-after=5', '300s', 'docker', 'pull', 'app:1']);
      assert.throws(() => bounded(['true'], 0), /positive/);
      assert.throws(() => bounded(['true'], 1.5), /positive/);
    });

    it('lets a bounded command run and returns its output', () => {
      assert.equal(execFileSync('/bin/sh', ['-c', shellJoin(bounded(['echo', 'ok'], 5))]).toString(), 'ok\n');
    });
  });

  describe('thenTry', () => {
    const shells = ['/bin/sh', '/bin/dash', '/bin/bash'].filter((sh) => existsSync(sh));
    const viaShell = (sh: string, argv: string[]) => spawnSync(sh, ['-c', shellJoin(argv)], { encoding: 'utf8' });

    it('puts both commands after the count of the first one\'s words', () => {
      const argv = thenTry(['docker', 'rm', 'app-web-1'], ['docker', 'rmi', 'app:1']);
      assert.deepEqual(argv.slice(0, 2), ['sh', '-c']);
      assert.deepEqual(argv.slice(3), ['sh', '3', 'docker', 'rm', 'app-web-1', 'docker', 'rmi', 'app:1']);
      assert.throws(() => thenTry([], ['true']), /both commands/);
      assert.throws(() => andThen(['true'], { argv: [], stdin: '' }), /both commands/);
    });

    it('runs the second after the first, each word intact, in every POSIX shell', () => {
      fc.assert(
        fc.property(fc.array(fc.string({ unit: 'binary' }).map((w) => w.replace(/\0/g, '')), { maxLength: 12 }), fc.array(fc.string().map((w) => w.replace(/\0/g, '')), { maxLength: 4 }), (a, b) => {
          for (const sh of shells) {
            const r = viaShell(sh, thenTry(['printf', '[%s]', ...a], ['printf', '<%s>', ...b]));
            assert.equal(r.status, 0, r.stderr);
            assert.equal(r.stdout, (a.length ? a.map((w) => `[${w}]`).join('') : '[]') + (b.length ? b.map((w) => `<${w}>`).join('') : '<>'));
          }
        }),
        { numRuns: 25 },
      );
    });

    it('andThen hands the input to the second and exits with the status of the one that failed', () => {
      for (const sh of shells) {
        const both = andThen(['docker', 'rename', 'a', 'b'], { argv: ['cat'], stdin: 'secret' });
        assert.deepEqual(both.argv.slice(3), ['sh', '4', 'docker', 'rename', 'a', 'b', 'cat']);
        assert.equal(both.stdin, 'secret');
        const ran = spawnSync(sh, ['-c', shellJoin(andThen(['true'], { argv: ['cat'], stdin: '' }).argv)], { input: 'piped', encoding: 'utf8' });
        assert.deepEqual([ran.status, ran.stdout], [0, 'piped']);
        assert.equal(viaShell(sh, andThen(['sh', '-c', 'exit 3'], { argv: ['echo', 'ran'], stdin: '' }).argv).status, 3);
        assert.equal(viaShell(sh, andThen(['true'], { argv: ['sh', '-c', 'exit 4'], stdin: '' }).argv).status, 4);
      }
    });

    it("exits with the first one's status: the second runs only after a success, and its failure does not count", () => {
      for (const sh of shells) {
        const first = viaShell(sh, thenTry(['sh', '-c', 'exit 3'], ['echo', 'ran']));
        assert.deepEqual([first.status, first.stdout], [3, '']);
        const second = viaShell(sh, thenTry(['true'], ['sh', '-c', 'echo ran; exit 4']));
        assert.deepEqual([second.status, second.stdout], [0, 'ran\n']);
      }
    });
  });
});
