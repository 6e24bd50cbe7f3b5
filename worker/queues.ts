// Task queue names carry the workflow compatibility version, so workers of different
// releases never replay each other's histories. Bump it with any change not behind patched().
export const WORKFLOW_COMPAT = 'v1';

/** Workflows and host steps (SSH to servers): served by any worker of the same release. */
export const hostQueue = (compat: string = WORKFLOW_COMPAT) => `sextant-${compat}`;
export const HOST_QUEUE = hostQueue();

/** Steps that need the app's checkout (build, push, hooks): served on the deploying machine. */
export function localQueue(machineId: string, compat: string = WORKFLOW_COMPAT): string {
  return `${hostQueue(compat)}-local-${machineId}`;
}
