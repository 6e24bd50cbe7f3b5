/**
 * Table-driven: each test/fixtures/configs/invalid/<name>.yml is loaded as config/deploy.yml of
 * a fresh project and must fail with exactly the message in <name>.expected.txt.
 * Optional <name>.options.json: { "destination": "staging", "env": { ... } }; with a
 * destination, <name>.<destination>.yml (when present) becomes config/deploy.<destination>.yml.
 *
 * SEXTANT_UPDATE_FIXTURES=1 rewrites the .expected.txt files from the current output (review
 * the diff before committing).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../config';
import { cleanEnv, cleanupProjects, FIXTURES, project, thrown } from './helpers';

const DIR = join(FIXTURES, 'invalid');

interface Options {
  destination?: string;
  env?: Record<string, string>;
}

const names = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => f.slice(0, -'.yml'.length))
  .filter((n) => !n.includes('.'))
  .sort();

describe('config: invalid configurations (test/fixtures/configs/invalid)', () => {
  after(cleanupProjects);

  it('has at least 25 cases, each with an expected message', () => {
    assert.ok(names.length >= 25, `only ${names.length} cases`);
    if (process.env.SEXTANT_UPDATE_FIXTURES) return;
    for (const n of names) assert.ok(existsSync(join(DIR, `${n}.expected.txt`)), `${n}.expected.txt is missing`);
  });

  for (const name of names) {
    it(name, () => {
      const optionsFile = join(DIR, `${name}.options.json`);
      const options: Options = existsSync(optionsFile) ? JSON.parse(readFileSync(optionsFile, 'utf8')) : {};
      const files: Record<string, string> = { 'config/deploy.yml': readFileSync(join(DIR, `${name}.yml`), 'utf8') };
      if (options.destination) {
        const dest = join(DIR, `${name}.${options.destination}.yml`);
        if (existsSync(dest)) files[`config/deploy.${options.destination}.yml`] = readFileSync(dest, 'utf8');
      }
      const cwd = project(files);
      const err = thrown(() => loadConfig({ cwd, destination: options.destination, env: cleanEnv(options.env) }));
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err.stack}`);
      const expectedFile = join(DIR, `${name}.expected.txt`);
      if (process.env.SEXTANT_UPDATE_FIXTURES) writeFileSync(expectedFile, `${err.message}\n`);
      assert.equal(err.message, readFileSync(expectedFile, 'utf8').replace(/\n$/, ''));
    });
  }
});
