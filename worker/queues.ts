// Task queue names carry the workflow compatibility version, so workers of different
// releases never replay each other's histories. Bump it with any change not behind patched().
export const WORKFLOW_COMPAT = 'v1';

/** Workflows and host steps (SSH to servers): served by any worker. */
export const HOST_QUEUE = `sextant-${WORKFLOW_COMPAT}`;

/** Steps that need the app's checkout (build, push, hooks): served on the deploying machine. */
export function localQueue(machineId: string): string {
  return `sextant-${WORKFLOW_COMPAT}-local-${machineId}`;
}
