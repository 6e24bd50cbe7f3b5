// `npm run build` step: bundle the workflow code once so workers start without webpack, and
// stamp the build, so a warm CLI process of an older one is not used (cli/warm-protocol.ts).
import { bundleWorkflowCode } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowBundlePath } from './bundle-path';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows/index'),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  // Rename into place: an agent starting during a rebuild never reads half a bundle.
  const path = workflowBundlePath();
  writeFileSync(`${path}.${process.pid}.tmp`, code);
  renameSync(`${path}.${process.pid}.tmp`, path);
  writeFileSync(join(__dirname, '..', 'build-id'), `${new Date().toISOString()}-${randomBytes(4).toString('hex')}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
