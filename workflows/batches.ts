// Pure helpers for rollout order; used by the deploy workflow (deterministic, no I/O).

export function slices<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The lock and workflow ID of a service (and destination): one mutating workflow at a time. */
export function serviceWorkflowId(service: string, destination: string | null): string {
  return destination ? `sextant/${service}/${destination}` : `sextant/${service}`;
}
