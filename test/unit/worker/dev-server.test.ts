import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devServerArgs } from '../../../worker/dev-server';
import { devServerConfig } from '../../../worker/temporal-settings';

describe('worker/dev-server (the agent\'s Temporal dev server)', function () {
  let home: string;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'sextant-dev-server-'))));
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('starts the temporal CLI with the settings of temporal-dev.yml', function () {
    assert.deepEqual(devServerArgs(devServerConfig({}), home), [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', '7233',
      '--ui-port', '8233',
      '--namespace', 'default',
      '--db-filename', join(home, 'temporal/dev.db'),
      '--log-level', 'warn',
      '--search-attribute', 'SextantService=Keyword',
      '--search-attribute', 'SextantDestination=Keyword',
      '--search-attribute', 'SextantVersion=Keyword',
      '--search-attribute', 'SextantKind=Keyword',
      '--sqlite-pragma', 'journal_mode=wal',
      '--sqlite-pragma', 'synchronous=normal',
      '--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=true',
      '--dynamic-config-value', 'system.enableActivityEagerExecution=true',
    ]);
  });

  it('moves both ports with SEXTANT_DEV_SERVER_PORT (the UI 1000 above)', function () {
    const args = devServerArgs(devServerConfig({ SEXTANT_DEV_SERVER_PORT: '7300' }), home);
    assert.equal(args[args.indexOf('--port') + 1], '7300');
    assert.equal(args[args.indexOf('--ui-port') + 1], '8300');
  });
});
