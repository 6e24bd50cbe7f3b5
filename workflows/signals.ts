// Signals and queries of the deploy workflow, shared with the CLI (no workflow code here).
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DeployStatus } from './status';

export const statusQuery = defineQuery<DeployStatus>('status');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const abortSignal = defineSignal<[string]>('abort');
