import { strict as assert } from 'node:assert';
import { shellQuote } from '../../../commands/shell';
import { ExtractError, extractSecret } from '../../../secrets/extract';

const fetched = JSON.stringify({ 'Prod/Web': 'reg', 'Prod/Web/db/DB_PASSWORD': 'db', PLAIN: 'p' });

describe('secrets extract', () => {
  it('finds a name exactly, or by the last parts of a key', () => {
    assert.equal(extractSecret('PLAIN', fetched), 'p');
    assert.equal(extractSecret('DB_PASSWORD', fetched), 'db');
    assert.equal(extractSecret('db/DB_PASSWORD', fetched), 'db');
    assert.equal(extractSecret('Web', fetched), 'reg');
  });

  it('takes the shell-quoted form `fetch` prints', () => {
    assert.equal(extractSecret('DB_PASSWORD', shellQuote(JSON.stringify({ DB_PASSWORD: "it's" }))), "it's");
  });

  it('names the keys when the name is not there, and refuses what is not JSON', () => {
    assert.throws(() => extractSecret('NOPE', fetched), (e: Error) => e instanceof ExtractError && /no secret NOPE in the fetched secrets \(they are: Prod\/Web, Prod\/Web\/db\/DB_PASSWORD, PLAIN\)/.test(e.message));
    assert.throws(() => extractSecret('X', 'not json'), /not the JSON object `secrets fetch` prints/);
    // A partial name is not a match: only whole parts after a slash.
    assert.throws(() => extractSecret('PASSWORD', fetched), /no secret PASSWORD/);
  });
});
