// Output of commands that read hosts over SSH, split into lines per host.
import assert from 'node:assert/strict';
import { lineSplitter } from '../../../cli/host-reads';

describe('cli/host-reads lineSplitter', () => {
  it('keeps a UTF-8 character whole when its bytes arrive in two chunks, and every line', () => {
    const text = 'é日本語😀\nشلום\u0301 two\nlast without newline';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const lines: string[] = [];
      const split = lineSplitter((l) => lines.push(l));
      split.push(bytes.subarray(0, cut));
      split.push(bytes.subarray(cut));
      split.end();
      assert.deepEqual(lines, text.split('\n'), `cut after byte ${cut}`);
    }
  });
});
