// A Temporal client for tests, to read histories and list workflows like the UI does.
import { Client, Connection } from '@temporalio/client';
import type { Lab } from './lab';

export async function labClient(lab: Lab): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address: lab.temporal.address });
  return { client: new Client({ connection, namespace: 'default' }), close: () => connection.close() };
}

/** Activity type names scheduled in a history, with their decoded inputs. */
export function scheduledActivities(history: { events?: unknown[] | null }): { type: string; input: unknown[] }[] {
  const out: { type: string; input: unknown[] }[] = [];
  for (const e of (history.events ?? []) as {
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string }; input?: { payloads?: { data?: Uint8Array }[] } };
  }[]) {
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) continue;
    out.push({
      type: a.activityType?.name ?? '',
      input: (a.input?.payloads ?? []).map((p) => JSON.parse(Buffer.from(p.data ?? []).toString('utf8'))),
    });
  }
  return out;
}
