import { join } from 'node:path';

/** The prebuilt workflow bundle written by `npm run build` (dist/workflow-bundle.js). */
export function workflowBundlePath(): string {
  return join(__dirname, '..', 'workflow-bundle.js');
}
