// Pure helpers for rollout order; used by the deploy workflow (deterministic, no I/O).

/** How many hosts of a role boot at once: `boot.limit` as a number or "NN%", at least 1. */
export function batchSize(limit: number | string | null, hostCount: number): number {
  if (limit === null || hostCount === 0) return Math.max(hostCount, 1);
  if (typeof limit === 'number') return Math.max(1, Math.min(limit, hostCount));
  const percent = Number(limit.replace(/%$/, ''));
  return Math.max(1, Math.min(hostCount, Math.floor((hostCount * percent) / 100)));
}

export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The lock and workflow ID of a service (and destination): one mutating workflow at a time. */
export function serviceWorkflowId(service: string, destination: string | null): string {
  return destination ? `sextant/${service}/${destination}` : `sextant/${service}`;
}
