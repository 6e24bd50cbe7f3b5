/**
 * Table-driven: each test/fixtures/configs/valid/<name>.yml (Kamal's documented examples,
 * rewritten) must load, and its resolved form (the config, the normalized roles and the secret
 * names it needs) must equal <name>.expected.json. Same options files as the invalid corpus.
 *
 * SEXTANT_UPDATE_FIXTURES=1 rewrites the .expected.json files (review the diff before committing).
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, roles, secretNames } from '../../../config';
import { cleanEnv, cleanupProjects, FIXTURES, fixtureNames, fixtureProject } from './helpers';

const DIR = join(FIXTURES, 'valid');

describe('config: valid configurations (test/fixtures/configs/valid)', () => {
  after(cleanupProjects);

  for (const name of fixtureNames(DIR)) {
    it(name, () => {
      const { cwd, options } = fixtureProject(DIR, name);
      const { config } = loadConfig({ cwd, destination: options.destination, env: cleanEnv(options.env) });
      const resolved = JSON.parse(JSON.stringify({ config, roles: roles(config), secrets: secretNames(config) }));
      const expectedFile = join(DIR, `${name}.expected.json`);
      if (process.env.SEXTANT_UPDATE_FIXTURES) writeFileSync(expectedFile, `${JSON.stringify(resolved, null, 2)}\n`);
      assert.deepEqual(resolved, JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});
