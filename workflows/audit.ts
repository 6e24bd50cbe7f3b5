// Audit lines on hosts (Kamal's `.kamal/<service>[-<dest>]-audit.log`), written by workflows
// through the recordAudit host step at the workflow's own time, so a retried step finds its line.
import { patched } from '@temporalio/workflow';
import type { Plan } from '../plan/types';
import { auditHost, host } from './host-steps';

/** Deploys recorded before audit lines existed replay without them. */
const AUDIT_PATCH = 'audit-lines';

/** A line on the way of an operation: retried like its other host steps (a host may blink). */
export function audit(plan: Plan, h: string, message: string, role?: string): Promise<void> {
  if (!patched(AUDIT_PATCH)) return Promise.resolve();
  return host.recordAudit(plan, h, { at: new Date().toISOString(), role, message });
}

/** A line while reporting a failure: briefly tried, never in the way of the failure itself. */
export function auditFailure(plan: Plan, h: string, message: string, role?: string): Promise<void> {
  if (!patched(AUDIT_PATCH)) return Promise.resolve();
  return auditHost.recordAudit(plan, h, { at: new Date().toISOString(), role, message }).catch(() => undefined);
}
