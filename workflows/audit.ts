// Audit lines on hosts (Kamal's `.kamal/<service>[-<dest>]-audit.log`), written by workflows
// through the recordAudit host step at the workflow's own time, so a retried step finds its line.
import { patched } from '@temporalio/workflow';
import type { Plan } from '../plan/types';
import { auditHost } from './host-steps';

/** Deploys recorded before audit lines existed replay without them. */
const AUDIT_PATCH = 'audit-lines';

export function audit(plan: Plan, host: string, message: string, role?: string): Promise<void> {
  if (!patched(AUDIT_PATCH)) return Promise.resolve();
  return auditHost.recordAudit(plan, host, { at: new Date().toISOString(), role, message });
}
