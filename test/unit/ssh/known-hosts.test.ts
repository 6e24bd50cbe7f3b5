import * as assert from 'assert';
import { createHash, createHmac, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkHostKey, fingerprint, hostFieldMatches, keyTypeOf, KnownHosts, parseKnownHosts } from '../../../ssh/known-hosts';

function fakeKey(type: string, seed: string): Buffer {
  const t = Buffer.from(type);
  const body = createHash('sha256').update(seed).digest();
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  const blen = Buffer.alloc(4);
  blen.writeUInt32BE(body.length);
  return Buffer.concat([len, t, blen, body]);
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('ssh/known-hosts', () => {
  const k1 = fakeKey('ssh-ed25519', 'one');
  const k2 = fakeKey('ssh-ed25519', 'two');
  const rsa = fakeKey('ssh-rsa', 'three');

  it('matches plain, bracketed, wildcard, negated and hashed host fields', () => {
    assert.ok(hostFieldMatches('web1,10.0.0.1', '10.0.0.1'));
    assert.ok(hostFieldMatches('[10.0.0.1]:2222', '[10.0.0.1]:2222'));
    assert.ok(!hostFieldMatches('10.0.0.1', '[10.0.0.1]:2222'));
    assert.ok(hostFieldMatches('*.example.com', 'WEB.example.com'));
    assert.ok(!hostFieldMatches('*.example.com,!db.example.com', 'db.example.com'));
    assert.ok(hostFieldMatches('10.0.0.?', '10.0.0.7'));
    assert.ok(hostFieldMatches(hashed('[10.0.0.1]:2222'), '[10.0.0.1]:2222'));
    assert.ok(!hostFieldMatches(hashed('[10.0.0.1]:2222'), '10.0.0.1'));
  });

  it('classifies known, new, changed and revoked keys with file and line', () => {
    const text = [
      '# comment',
      '',
      `other ${keyTypeOf(k2)} ${k2.toString('base64')}`,
      `${hashed('h1')} ssh-ed25519 ${k1.toString('base64')} comment`,
      `@revoked h3 ssh-ed25519 ${k2.toString('base64')}`,
      `h4 ssh-rsa ${rsa.toString('base64')}`,
    ].join('\n');
    const entries = parseKnownHosts(text, '/kh');
    assert.strictEqual(checkHostKey(entries, 'h1', k1).status, 'known');
    assert.strictEqual(checkHostKey(entries, 'nobody', k1).status, 'new');
    const changed = checkHostKey(entries, 'h1', k2);
    assert.strictEqual(changed.status, 'changed');
    assert.strictEqual(changed.status === 'changed' && changed.entry.line, 4);
    assert.strictEqual(checkHostKey(entries, 'h3', k2).status, 'revoked');
    // known only with another key type: refused too (we negotiate known types first)
    assert.strictEqual(checkHostKey(entries, 'h4', k1).status, 'changed');
    assert.match(fingerprint(k1), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('concurrent first connects append one line each, never corrupting the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sextant-kh-'));
    try {
      const file = path.join(dir, 'sub', 'known_hosts');
      const kh = new KnownHosts(file);
      const names = Array.from({ length: 40 }, (_, i) => `[10.1.0.${i % 20}]:22${i % 20}`);
      const results = await Promise.all(names.map((n) => kh.checkAndAccept(n, fakeKey('ssh-ed25519', n))));
      assert.ok(results.every((r) => r.status === 'new' || r.status === 'known'));
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      assert.strictEqual(lines.pop(), '');
      assert.strictEqual(lines.length, 20);
      assert.deepStrictEqual(new Set(lines).size, 20);
      for (const n of names) assert.strictEqual((await kh.check(n, fakeKey('ssh-ed25519', n))).status, 'known');
      assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
