import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ConfigError, credentialValue, loadConfig, redactedConfig, resolveConfigSecrets, resolveSecrets, secretNames } from '../../../config';
import { parseDotenv } from '../../../config/dotenv';
import { cleanEnv, cleanupProjects, project, thrown } from './helpers';

describe('config: secrets', () => {
  after(cleanupProjects);

  describe('dotenv format', () => {
    const parse = (text: string, env: Record<string, string> = {}, cwd = '/') =>
      parseDotenv(text, { file: '.kamal/secrets', cwd, env: cleanEnv(env) });

    it('reads comments, export, quotes, escapes and inline comments', () => {
      assert.deepEqual(
        parse(`# a comment

export EXPORTED=yes
PLAIN = spaced value   # trailing comment
HASH=abc#def
SINGLE='$NOT \${EXPANDED} \\n'
DOUBLE="tab\\tquote\\" dollar\\$ end"
MULTI="first
second"
EMPTY=
COLON: yaml style
`),
        {
          EXPORTED: 'yes',
          PLAIN: 'spaced value',
          HASH: 'abc#def',
          SINGLE: '$NOT ${EXPANDED} \\n',
          DOUBLE: 'tab\tquote" dollar$ end',
          MULTI: 'first\nsecond',
          EMPTY: '',
          COLON: 'yaml style',
        },
      );
    });

    it('substitutes ${VAR} and $VAR from earlier entries, then the environment, else empty', () => {
      assert.deepEqual(
        parse(`A=one\nB=\${A}-$A-\${FROM_ENV}-[$UNSET]\nA=override\nC="$A"\nD=\\$A\n`, { FROM_ENV: 'env' }),
        { A: 'override', B: 'one-one-env-[]', C: 'override', D: '$A' },
      );
    });

    it('runs $(command) with /bin/sh in the project, substituting variables into it first', () => {
      const cwd = project({ 'master.key': 'k3y\n' });
      assert.deepEqual(
        parse(
          `KEY=$(cat master.key)\nJSON=$(printf '%s' 'a\\ b')\nUSE=$(printf '[%s]' $JSON)\nNESTED="$(echo $(echo deep))"\nFROM_ENV=$(printf '%s' "$TOKEN")\n`,
          { TOKEN: 't0k' },
          cwd,
        ),
        { KEY: 'k3y', JSON: 'a\\ b', USE: '[a b]', NESTED: 'deep', FROM_ENV: 't0k' },
      );
    });

    it('reports unreadable lines, unclosed quotes and failing commands with file and line', () => {
      const err = thrown(() => parse(`OK=1\nthis is not a pair\nQ="never closed\n`));
      assert.equal(
        err.message,
        [
          '2 configuration problems in .kamal/secrets:',
          '.kamal/secrets:2: cannot read this line, expected NAME=value. Fix: write it as NAME=value, or start it with # to make it a comment',
          '.kamal/secrets:3: the value of Q opens a double quote that is never closed. Fix: close the quote',
        ].join('\n'),
      );
      const cmd = thrown(() => parse(`A=1\nB=$(echo nope >&2; exit 4)\n`));
      assert.equal(
        cmd.message,
        '.kamal/secrets:2: the command `echo nope >&2; exit 4` failed (exit 4: nope). Fix: run it in a shell in the project directory to see why',
      );
    });

    it('returns any single-quoted value as written (property)', () => {
      fc.assert(
        fc.property(
          fc.string().filter((s) => !s.includes("'")),
          (value) => {
            assert.equal(parse(`X='${value}'\n`).X, value);
          },
        ),
        { numRuns: 200 },
      );
    });
  });

  describe('resolveSecrets', () => {
    it('reads secrets-common then secrets, later files overriding', () => {
      const cwd = project({
        '.kamal/secrets-common': 'SHARED=common\nONLY_COMMON=c\n',
        '.kamal/secrets': 'SHARED=base\nREF=${ONLY_COMMON}+$SHARED\n',
        '.kamal/secrets.staging': 'SHARED=staging\n',
      });
      assert.deepEqual(resolveSecrets({ cwd, names: ['SHARED', 'ONLY_COMMON', 'REF'], env: cleanEnv() }), {
        SHARED: 'base',
        ONLY_COMMON: 'c',
        REF: 'c+base',
      });
    });

    it('with a destination reads secrets-common then secrets.<dest>, not the plain secrets file', () => {
      const cwd = project({
        '.kamal/secrets-common': 'SHARED=common\n',
        '.kamal/secrets': 'SHARED=base\nPROD_ONLY=p\n',
        '.kamal/secrets.staging': 'SHARED=staging\n',
      });
      assert.deepEqual(resolveSecrets({ cwd, destination: 'staging', names: ['SHARED'], env: cleanEnv() }), { SHARED: 'staging' });
      const err = thrown(() => resolveSecrets({ cwd, destination: 'staging', names: ['PROD_ONLY'], env: cleanEnv() }));
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        'secret PROD_ONLY not found; looked in .kamal/secrets-common, .kamal/secrets.staging, the environment, ' +
          '.env.staging (no such file), .env (no such file). ' +
          'Fix: add PROD_ONLY=... to .kamal/secrets.staging (or PROD_ONLY=$PROD_ONLY there to take it from the environment)',
      );
    });

    it('honours a custom secrets_path', () => {
      const cwd = project({ 'config/secrets-common': 'A=1\n', 'config/secrets': 'B=2\n' });
      assert.deepEqual(resolveSecrets({ cwd, secretsPath: 'config/secrets', names: ['A', 'B'], env: cleanEnv() }), { A: '1', B: '2' });
    });

    it('falls back to the environment, then .env.<dest>, then .env (Kamal 0.16)', () => {
      const cwd = project({
        '.kamal/secrets': 'IN_FILE=file\n',
        '.env.beta': 'IN_DEST_ENV=dest\nBOTH=dest\n',
        '.env': 'IN_ENV_FILE=dotenv\nBOTH=dotenv\nIN_FILE=ignored\nFROM_PROCESS=ignored\n',
      });
      const env = cleanEnv({ FROM_PROCESS: 'process', IN_FILE: 'ignored-too' });
      assert.deepEqual(
        resolveSecrets({ cwd, names: ['IN_FILE', 'FROM_PROCESS', 'IN_ENV_FILE', 'BOTH'], env }),
        { IN_FILE: 'file', FROM_PROCESS: 'process', IN_ENV_FILE: 'dotenv', BOTH: 'dotenv' },
      );
      const dest = project({ '.kamal/secrets.beta': '', '.env.beta': 'BOTH=dest\n', '.env': 'BOTH=dotenv\n' });
      assert.deepEqual(resolveSecrets({ cwd: dest, destination: 'beta', names: ['BOTH'], env: cleanEnv() }), { BOTH: 'dest' });
    });

    it('reads and runs nothing when no secret is needed', () => {
      const cwd = project({ '.kamal/secrets': 'X=$(exit 1)\n' });
      assert.deepEqual(resolveSecrets({ cwd, names: [], env: cleanEnv() }), {});
      assert.throws(() => resolveSecrets({ cwd, names: ['X'], env: cleanEnv() }), ConfigError);
    });

    it('names every missing secret and every place searched', () => {
      const cwd = project({});
      const err = thrown(() => resolveSecrets({ cwd, names: ['A', 'B', 'A'], env: cleanEnv() })) as ConfigError;
      assert.equal(err.problems.length, 2);
      assert.match(err.message, /^2 configuration problems:\nsecret A not found; looked in \.kamal\/secrets-common \(no such file\), \.kamal\/secrets \(no such file\), the environment, \.env \(no such file\)\./);
    });
  });

  describe('secret names of a config', () => {
    const deploy = `service: myapp
image: myorg/myapp
servers:
  web: [10.0.0.1]
  jobs:
    hosts: [10.0.0.2]
    env:
      secret: [JOB_TOKEN, DB_PASSWORD:JOBS_DB_PASSWORD]
registry:
  username: [REGISTRY_USER]
  password: [KAMAL_REGISTRY_PASSWORD]
env:
  secret: [RAILS_MASTER_KEY, DB_PASSWORD:MAIN_DB_PASSWORD, RAILS_MASTER_KEY]
`;

    it('lists registry, env and role env secrets once, resolving aliases to the secret name', () => {
      const cwd = project({ 'config/deploy.yml': deploy });
      const loaded = loadConfig({ cwd, env: cleanEnv() });
      assert.deepEqual(secretNames(loaded.config), [
        'REGISTRY_USER',
        'KAMAL_REGISTRY_PASSWORD',
        'RAILS_MASTER_KEY',
        'MAIN_DB_PASSWORD',
        'JOB_TOKEN',
        'JOBS_DB_PASSWORD',
      ]);
    });

    it('resolves exactly those, gives registry credentials, and redacts them from the printed config', () => {
      const cwd = project({
        'config/deploy.yml': `${deploy}proxy:\n  host: <%= ENV["APP_HOST"] %>\n`,
        '.kamal/secrets':
          'REGISTRY_USER=bot\nKAMAL_REGISTRY_PASSWORD=hunter22\nRAILS_MASTER_KEY=mk\nMAIN_DB_PASSWORD=m\nJOB_TOKEN=jt\nJOBS_DB_PASSWORD=j\n',
      });
      const loaded = loadConfig({ cwd, env: cleanEnv({ APP_HOST: 'hunter22.example.com' }) });
      const secrets = resolveConfigSecrets(loaded, { cwd, env: cleanEnv() });
      assert.equal(credentialValue(loaded.config.registry?.username, secrets), 'bot');
      assert.equal(credentialValue(loaded.config.registry?.password, secrets), 'hunter22');
      assert.equal(credentialValue('literal', secrets), 'literal');
      const shown = redactedConfig(loaded.config, secrets);
      assert.equal((shown.proxy as { host: string }).host, '[REDACTED].example.com');
      assert.deepEqual(shown.registry, { username: ['REGISTRY_USER'], password: ['KAMAL_REGISTRY_PASSWORD'] });
      assert.ok(!JSON.stringify(shown).includes('hunter22'));
      // A one-letter value ("m") is not hunted inside other words, only matched whole.
      assert.equal(shown.service, 'myapp');
      assert.equal(redactedConfig({ ...loaded.config, image: 'm' }, secrets).image, '[REDACTED]');
    });

    it('redacts a literal registry password', () => {
      const cwd = project({
        'config/deploy.yml': 'service: a\nimage: b\nservers: [h]\nregistry:\n  username: me\n  password: plain-text-pw\n',
      });
      const { config } = loadConfig({ cwd, env: cleanEnv() });
      assert.deepEqual(redactedConfig(config).registry, { username: 'me', password: '[REDACTED]' });
      assert.equal(config.registry?.password, 'plain-text-pw', 'the config itself is not modified');
    });
  });
});
