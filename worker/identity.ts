// Who ran a step: Temporal records the worker's identity on every activity it starts, so the
// history of a deploy run by a team says which machine and process did what.
import { hostname, userInfo } from 'node:os';

/** `user@host:pid` unless the operator names the worker (e.g. after the machine's role). */
export function workerIdentity(given?: string): string {
  if (given) return given;
  let user = 'sextant';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep the generic name.
  }
  return `${user}@${hostname()}:${process.pid}`;
}
