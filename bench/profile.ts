// Where a deploy's or rollback's time goes, from its workflow history: the CLI's own start,
// the steps on its critical path, and the workflow tasks between them.
import { temporal } from '@temporalio/proto';
import { testNamespace, temporalClient } from '../test/support/temporal';
import { serviceWorkflowId } from '../workflows/batches';
import type { BenchApp } from './bench-project';

const T = temporal.api.enums.v1.EventType;

export interface ProfileLine {
  what: string;
  ms: number;
}

type Event = temporal.api.history.v1.IHistoryEvent;
const at = (e: Event) => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);

/** Deploys a new version to `hosts` lab hosts and splits its wall time into phases. */
export async function profileDeploy(app: BenchApp, hosts: number): Promise<ProfileLine[]> {
  app.useHosts(hosts);
  return profileRun(app, ['deploy', '--skip-push', '--version', app.nextVersion()]);
}

/** Deploys two new versions to `hosts` lab hosts, then splits the wall time of the rollback to the first. */
export async function profileRollback(app: BenchApp, hosts: number): Promise<ProfileLine[]> {
  app.useHosts(hosts);
  const previous = app.nextVersion();
  await app.sextant(['deploy', '--skip-push', '--version', previous]);
  await app.sextant(['deploy', '--skip-push', '--version', app.nextVersion()]);
  return profileRun(app, ['rollback', previous]);
}

async function profileRun(app: BenchApp, args: string[]): Promise<ProfileLine[]> {
  await app.settle();
  const spawned = Date.now();
  await app.sextant(args);
  const exited = Date.now();
  return profileFromHistory(await latestHistory(app), spawned, exited);
}

async function latestHistory(app: BenchApp): Promise<Event[]> {
  const { client, close } = await temporalClient(app.project.lab.temporal.address, testNamespace());
  try {
    return (await client.workflow.getHandle(serviceWorkflowId(app.project.service, null)).fetchHistory()).events ?? [];
  } finally {
    await close();
  }
}

/**
 * The switch of the latest deploy or rollback (epoch ms): from the first host's switchProxy to
 * the last old container stopped, the time kamal-proxy moves traffic and the old one drains.
 */
export async function switchWindow(app: BenchApp): Promise<{ from: number; to: number }> {
  const events = await latestHistory(app);
  const typeOf = new Map(events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [Number(e.eventId), e.activityTaskScheduledEventAttributes!.activityType?.name]));
  const from = Math.min(...events.filter((e) => typeOf.get(Number(e.eventId)) === 'switchProxy').map(at));
  const to = Math.max(...events.filter((e) => typeOf.get(Number(e.activityTaskCompletedEventAttributes?.scheduledEventId)) === 'stopOldContainers').map(at));
  return { from, to };
}

/**
 * The deploy's critical path, from its history: walking back from the workflow's completion, each
 * workflow task was started by the last step completed before it (the one it waited for), which
 * was scheduled by an earlier task, back to the start. Each line is a step on that path (its host
 * named) or the workflow tasks between them; with the CLI's own start and exit they add up to the
 * whole wall time. Steps beside the path (the lock while hosts pull, audit lines) are not in it.
 */
export function profileFromHistory(events: Event[], spawned: number, exited: number): ProfileLine[] {
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  const completions = events.filter((e) => e.activityTaskCompletedEventAttributes);
  const started = events[0]!;
  const completed = events.find((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)!;
  const path: { name: string; from: number; to: number }[] = [];
  // The task that made `e`, and the completion that task waited for (none: the first task).
  let taskId = Number(completed.workflowExecutionCompletedEventAttributes?.workflowTaskCompletedEventId);
  for (;;) {
    const taskStart = [...events].reverse().find((x) => Number(x.eventId) < taskId && x.eventType === T.EVENT_TYPE_WORKFLOW_TASK_STARTED);
    if (!taskStart) break;
    const waitedFor = completions
      .filter((x) => Number(x.eventId) < Number(taskStart.eventId))
      .reduce<Event | undefined>((latest, x) => (!latest || at(x) >= at(latest) ? x : latest), undefined);
    if (!waitedFor) break;
    const scheduled = byId.get(Number(waitedFor.activityTaskCompletedEventAttributes!.scheduledEventId))!;
    path.unshift({ name: stepName(scheduled), from: at(scheduled), to: at(waitedFor) });
    taskId = Number(scheduled.activityTaskScheduledEventAttributes!.workflowTaskCompletedEventId);
    // Only completions before this step was scheduled can have led to it.
    completions.splice(0, completions.length, ...completions.filter((x) => at(x) <= at(scheduled) && Number(x.eventId) < Number(scheduled.eventId)));
  }
  let tasks = 0;
  let last = at(started);
  for (const p of path) {
    tasks += p.from - last;
    last = p.to;
  }
  tasks += at(completed) - last;
  return [
    { what: 'CLI: process start, config, plan, connect, start workflow', ms: at(started) - spawned },
    ...path.map((p) => ({ what: p.name, ms: p.to - p.from })),
    { what: 'workflow tasks on the path (between the steps)', ms: tasks },
    { what: 'CLI: notice completion, print, exit', ms: exited - at(completed) },
  ];
}

/** `step pullImage 10.77.0.11`, or `hook pre-deploy` (hooks are one step type, the hook's name its second argument). */
function stepName(scheduled: Event): string {
  const a = scheduled.activityTaskScheduledEventAttributes!;
  const name = a.activityType?.name ?? '?';
  const second = stringArgument(a.input?.payloads?.[1]);
  if (name === 'runHook') return `hook ${second ?? '?'}`;
  return `step ${name}${second ? ` ${second}` : ''}`;
}

/** A step's argument when it is a string (a host, a hook's name), else undefined. */
function stringArgument(payload: temporal.api.common.v1.IPayload | undefined): string | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(payload?.data ?? []).toString('utf8'));
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
