// Where a deploy's time goes, from its workflow history: the CLI's own start, each step's share
// of the wall time (first scheduled to last completed, over all hosts), and the gaps between steps.
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
  const version = app.nextVersion();
  const spawned = Date.now();
  await app.sextant(['deploy', '--skip-push', '--version', version]);
  const exited = Date.now();
  const { client, close } = await temporalClient(app.project.lab.temporal.address, testNamespace());
  try {
    const events = (await client.workflow.getHandle(serviceWorkflowId(app.project.service, null)).fetchHistory()).events ?? [];
    return profileFromHistory(events, spawned, exited);
  } finally {
    await close();
  }
}

/**
 * Splits a deploy's wall time among its steps: each moment goes to the steps running then, in
 * equal shares (steps run side by side, e.g. the lock while hosts pull), and a moment when none
 * runs goes to the workflow's own tasks. A step is one activity type (hooks by name), running
 * from its first schedule to its last completion; the shares add up to the whole.
 */
export function profileFromHistory(events: Event[], spawned: number, exited: number): ProfileLine[] {
  const spans = new Map<string, { from: number; to: number }>();
  const typeOf = new Map<string, string>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      // Hooks are one step type with the hook's name as the second argument: name them apart.
      const name = scheduled.activityType?.name ?? '?';
      const type = name === 'runHook' ? `hook ${hookName(scheduled.input?.payloads?.[1])}` : `step ${name}`;
      typeOf.set(String(e.eventId), type);
      if (!spans.has(type)) spans.set(type, { from: at(e), to: at(e) });
    }
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const span = spans.get(typeOf.get(String(done.scheduledEventId))!);
      if (span) span.to = Math.max(span.to, at(e));
    }
  }
  const started = at(events[0]!);
  const completed = at(events.find((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)!);
  const share = new Map<string, number>([...spans.keys()].map((k) => [k, 0]));
  let idle = 0;
  const cuts = [...new Set([started, completed, ...[...spans.values()].flatMap((s) => [s.from, s.to])])].sort((a, b) => a - b);
  for (let i = 1; i < cuts.length; i++) {
    const [a, b] = [cuts[i - 1]!, cuts[i]!];
    const active = [...spans].filter(([, s]) => s.from <= a && s.to >= b).map(([k]) => k);
    if (active.length === 0) idle += b - a;
    for (const k of active) share.set(k, share.get(k)! + (b - a) / active.length);
  }
  return [
    { what: 'CLI: process start, config, plan, connect, start workflow', ms: started - spawned },
    ...[...share].map(([what, ms]) => ({ what, ms: Math.round(ms) })),
    { what: 'workflow tasks between steps', ms: idle },
    { what: 'CLI: notice completion, print, exit', ms: exited - completed },
  ];
}

function hookName(payload: temporal.api.common.v1.IPayload | undefined): string {
  try {
    return String(JSON.parse(Buffer.from(payload?.data ?? []).toString('utf8')));
  } catch {
    return '?';
  }
}
