// What `deploy status` and the CLI's follower show: kept by the workflow, read by a query.

export type HostStep =
  | 'waiting'
  /** An operation's step (workflows/operation.ts) runs on the host. */
  | 'running'
  | 'pulling'
  | 'pulled'
  /** A rollback looks for the version's container instead of pulling. */
  | 'checking'
  | 'checked'
  | 'booting'
  | 'switching'
  | 'checking health'
  | 'stopping old'
  | 'done'
  | 'failed'
  | 'rolling back'
  | 'rolled back'
  | 'rollback failed';

export interface HostStatus {
  step: HostStep;
  /** The version this host serves (as far as the workflow knows). */
  version: string | null;
}

export interface DeployStatus {
  deployId: string;
  kind: 'deploy' | 'rollback' | 'operation' | 'prune';
  version: string;
  phase: string;
  paused: boolean;
  aborting: boolean;
  batch: { index: number; total: number };
  hosts: Record<string, HostStatus>;
  error: string | null;
}
