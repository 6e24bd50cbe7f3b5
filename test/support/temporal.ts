// A Temporal client for tests, to read histories and list workflows like the UI does.
import { Client, Connection } from '@temporalio/client';
import { createServer } from 'node:net';
import type { Lab } from './lab';

/** The namespace tests run in: SEXTANT_TEMPORAL_NAMESPACE, as the CLI reads it, so parallel work on one lab stays apart. */
export const testNamespace = () => process.env.SEXTANT_TEMPORAL_NAMESPACE || 'default';

export async function temporalClient(address: string, namespace = testNamespace()): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection, namespace }), close: () => connection.close() };
}

export const labClient = (lab: Lab) => temporalClient(lab.temporal.address);

/** Each activity that ran, with its input and the attempt that finished it. */
export function activityAttempts(history: { events?: unknown[] | null }): { type: string; input: unknown[]; attempt: number }[] {
  const scheduled = scheduledActivities(history);
  const byEventId = new Map<string, number>();
  const out = scheduled.map((s) => ({ ...s, attempt: 0 }));
  let i = 0;
  for (const e of (history.events ?? []) as { eventId?: unknown; activityTaskScheduledEventAttributes?: unknown; activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number } }[]) {
    if (e.activityTaskScheduledEventAttributes) byEventId.set(String(e.eventId), i++);
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const index = byEventId.get(String(started.scheduledEventId));
      if (index !== undefined) out[index]!.attempt = started.attempt ?? 1;
    }
  }
  return out;
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

/** A TCP port nothing listens on now, for an agent's own dev server (and its UI on the next one). */
export async function freePortPair(): Promise<number> {
  const listen = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if ((await listen(port)) && (await listen(port + 1))) return port;
  }
}
