// `npm run build` step: bundle the workflow code once so workers start without webpack.
import { bundleWorkflowCode } from '@temporalio/worker';
import { renameSync, writeFileSync } from 'node:fs';
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
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
