/**
 * Table-driven: each test/fixtures/configs/invalid/<name>.yml is loaded as config/deploy.yml of
 * a fresh project and must fail with exactly the message in <name>.expected.txt.
 * Optional <name>.options.json: { "destination": "staging", "env": { ... }, "resolveSecrets": true }; with a
 * destination, <name>.<destination>.yml (when present) becomes config/deploy.<destination>.yml.
 *
 * SEXTANT_UPDATE_FIXTURES=1 rewrites the .expected.txt files from the current output (review
 * the diff before committing).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, resolveConfigSecrets } from '../../../config';
import { cleanEnv, cleanupProjects, FIXTURES, fixtureNames, fixtureProject, thrown } from './helpers';

const DIR = join(FIXTURES, 'invalid');
const names = fixtureNames(DIR);

describe('config: invalid configurations (test/fixtures/configs/invalid)', () => {
  after(cleanupProjects);

  it('has at least 60 cases, each with an expected message', () => {
    assert.ok(names.length >= 60, `only ${names.length} cases`);
    if (process.env.SEXTANT_UPDATE_FIXTURES) return;
    for (const n of names) assert.ok(existsSync(join(DIR, `${n}.expected.txt`)), `${n}.expected.txt is missing`);
  });

  for (const name of names) {
    it(name, () => {
      const { cwd, options } = fixtureProject(DIR, name);
      const env = cleanEnv(options.env);
      const err = thrown(() => {
        const loaded = loadConfig({ cwd, destination: options.destination, env });
        if (options.resolveSecrets) resolveConfigSecrets(loaded, { cwd, env });
      });
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err.stack}`);
      const expectedFile = join(DIR, `${name}.expected.txt`);
      if (process.env.SEXTANT_UPDATE_FIXTURES) writeFileSync(expectedFile, `${err.message}\n`);
      assert.equal(err.message, readFileSync(expectedFile, 'utf8').replace(/\n$/, ''));
    });
  }
});
