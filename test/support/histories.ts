// Recorded workflow histories (test/histories/*.json): replayed on every test run so a
// workflow change that would break running deploys fails the tests. Recorded only when
// SEXTANT_RECORD_HISTORIES=1, so `npm test` leaves them unchanged.
import type { WorkflowHandle } from '@temporalio/client';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lab';

export const historiesDir = join(repoRoot, 'test', 'histories');

export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (process.env.SEXTANT_RECORD_HISTORIES !== '1') return;
  mkdirSync(historiesDir, { recursive: true });
  const history = await handle.fetchHistory();
  writeFileSync(join(historiesDir, `${name}.json`), historyToJSON(history) + '\n');
}

export function recordedHistories(): { workflowId: string; history: ReturnType<typeof historyFromJSON> }[] {
  if (!existsSync(historiesDir)) return [];
  return readdirSync(historiesDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ workflowId: f.replace(/\.json$/, ''), history: historyFromJSON(JSON.parse(readFileSync(join(historiesDir, f), 'utf8'))) }));
}
