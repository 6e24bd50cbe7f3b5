// Exit codes, documented in docs/exit-codes.md (keep the two in step).
export const EXIT = {
  ok: 0,
  /** The operation ran and failed (health check, hook, host step); hosts were rolled back where possible. */
  failed: 1,
  /** Bad command line. */
  usage: 2,
  /** Bad configuration or secrets; nothing was changed. */
  config: 3,
  /** Another deploy or a lock holds this service; nothing was changed. */
  locked: 4,
  /** Temporal (or the agent) could not be reached or started. */
  temporal: 5,
  /** The workflow was cancelled/aborted or terminated. */
  aborted: 6,
} as const;

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}
