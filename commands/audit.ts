// The audit log on each host, `.kamal/<service>[-<dest>]-audit.log`, in Kamal 2's line format:
// `[recorded_at] [performer] [destination] [role] message` (bracketed tags only when present).
import { CommandWithInput } from './remote';
import { appendLineOnce } from './files';
import { ServiceScope, auditLogFile } from './naming';
import { utcIso8601 } from './timestamp';

export interface AuditEntry {
  at: Date;
  performer: string;
  destination?: string;
  role?: string;
  /** Further tags after the role, in order (Kamal appends command details the same way). */
  tags?: readonly string[];
  message: string;
}

// One entry must stay one line, or `kamal audit`'s last-50-lines view would split it.
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

export function auditLine(e: AuditEntry): string {
  const tags = [utcIso8601(e.at), e.performer, e.destination, e.role, ...(e.tags ?? [])]
    .filter((t): t is string => t !== undefined && t !== '')
    .map((t) => `[${oneLine(t)}]`);
  return `${tags.join(' ')} ${oneLine(e.message)}`;
}

/**
 * Appends one entry unless the log already has it: entries carry their time, fixed by the
 * workflow, so a retried step (at-least-once) never writes the same entry twice. The line
 * travels over stdin, so messages need no escaping.
 */
export function appendAudit(scope: ServiceScope, entry: AuditEntry): CommandWithInput {
  return appendLineOnce(auditLogFile(scope), auditLine(entry));
}

/** The last `lines` entries, as `kamal audit` shows them. */
export function readAudit(scope: ServiceScope, lines = 50): string[] {
  if (!Number.isInteger(lines) || lines <= 0) throw new Error(`readAudit: lines must be a positive whole number, got ${lines}`);
  return ['tail', '-n', String(lines), '--', auditLogFile(scope)];
}
