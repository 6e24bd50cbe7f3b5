// Where a deploy's time goes, from its workflow history: the CLI's own start, each step's wall
// time (first scheduled to last completed, over all hosts), and the gaps between steps.
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
  let events: Event[];
  try {
    events = (await client.workflow.getHandle(serviceWorkflowId(app.project.service, null)).fetchHistory()).events ?? [];
  } finally {
    await close();
  }
  const lines: ProfileLine[] = [];
  const started = at(events[0]!);
  lines.push({ what: 'CLI: process start, config, plan, connect, start workflow', ms: started - spawned });
  // Steps in order of first scheduling; a step's span runs from its first schedule to its last completion.
  const spans = new Map<string, { from: number; to: number }>();
  const typeOf = new Map<string, string>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      // Hooks are one step type with the hook's name as the second argument: name them apart.
      const name = scheduled.activityType?.name ?? '?';
      const type = name === 'runHook' ? `hook ${hookName(scheduled.input?.payloads?.[1])}` : name;
      typeOf.set(String(e.eventId), type);
      const span = spans.get(type);
      if (!span) spans.set(type, { from: at(e), to: at(e) });
    }
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const span = spans.get(typeOf.get(String(done.scheduledEventId))!);
      if (span) span.to = Math.max(span.to, at(e));
    }
  }
  let cursor = started;
  for (const [type, span] of spans) {
    if (span.from > cursor) lines.push({ what: '(workflow tasks between steps)', ms: span.from - cursor });
    lines.push({ what: type.startsWith('hook ') ? type : `step ${type}`, ms: span.to - Math.max(span.from, cursor) });
    cursor = Math.max(cursor, span.to);
  }
  const completed = at(events.find((e) => e.eventType === T.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)!);
  if (completed > cursor) lines.push({ what: '(workflow tasks between steps)', ms: completed - cursor });
  lines.push({ what: 'CLI: notice completion, print, exit', ms: exited - completed });
  return merge(lines);
}

function hookName(payload: temporal.api.common.v1.IPayload | undefined): string {
  try {
    return String(JSON.parse(Buffer.from(payload?.data ?? []).toString('utf8')));
  } catch {
    return '?';
  }
}

/** Adds up the gap lines so the table stays short. */
function merge(lines: ProfileLine[]): ProfileLine[] {
  const gaps = lines.filter((l) => l.what.startsWith('(')).reduce((s, l) => s + l.ms, 0);
  return [...lines.filter((l) => !l.what.startsWith('(')), { what: 'workflow tasks between steps (sum)', ms: gaps }];
}
