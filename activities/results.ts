// Values activities hand back to workflows (plain JSON, recorded in history).

export interface ContainerRef {
  name: string;
  version: string;
}

export interface BootResult {
  /** The new container of this deploy. */
  container: string;
  /** What this role ran on the host before (null on a first deploy). */
  previous: ContainerRef | null;
}

export interface HealthProbe {
  state: 'healthy' | 'starting' | 'unhealthy' | 'exited';
  /** The last log lines of the container when it is not healthy. */
  logs: string;
}

/** An audit entry as a workflow asks for it: `at` (ISO 8601) is the workflow's own time. */
export interface AuditNote {
  at: string;
  role?: string;
  message: string;
}
