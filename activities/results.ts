// Values activities hand back to workflows (plain JSON, recorded in history).
import type { ContainerSummary } from '../commands/app';
import type { ServiceImages } from './prune';

export interface ContainerRef {
  name: string;
  version: string;
}

export interface BootResult {
  /** The new container of this deploy. */
  container: string;
  /** What this role ran on the host before (null on a first deploy). */
  previous: ContainerRef | null;
  /**
   * The role's containers and the service's images as the boot found them (the new container
   * counted in), so stopping the old container prunes without looking again. Absent from
   * results recorded before it, and when a retried boot restarted its own container.
   */
  seen?: HostLook;
}

export interface HostLook {
  role: ContainerSummary[];
  service: ServiceImages;
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
