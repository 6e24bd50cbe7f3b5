import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReference } from '../../../config';
import { REFERENCE_FILE } from '../../../config/docs';
import { REPO_ROOT } from './helpers';

describe('config: reference documentation', () => {
  it(`${REFERENCE_FILE} is the reference generated from the schema (regenerate: node dist/config/docs.js --write)`, () => {
    const committed = readFileSync(join(REPO_ROOT, REFERENCE_FILE), 'utf8');
    assert.equal(committed, renderReference());
  });

  it('documents every key with a description', () => {
    const text = renderReference();
    for (const line of text.split('\n').filter((l) => l.startsWith('| `'))) {
      const cells = line.split(' | ');
      assert.ok(cells[cells.length - 1].replace(/\|$/, '').trim().length > 0, `no description: ${line}`);
    }
  });
});
