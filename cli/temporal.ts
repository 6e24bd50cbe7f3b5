// The CLI's side of Temporal: connect as a client (starting the local agent when needed).
import type { Client } from '@temporalio/client';
import { CliError, EXIT } from './exit-codes';
import type { Output } from './output';

export interface Session {
  client: Client;
  settings: import('../worker/temporal-settings').TemporalSettings;
  home: string;
  /** Web UI link to a workflow, when the UI address is known. */
  link(workflowId: string, runId?: string): string | null;
  close(): Promise<void>;
}

export async function openSession(env: NodeJS.ProcessEnv, out: Output | null, options: { startAgent: boolean }): Promise<Session> {
  const [{ Client, Connection }, { temporalSettings }, { sextantHome }, { ensureAgent }, { connectionOptions, unreachableMessage }] = await Promise.all([
    import('@temporalio/client'),
    import('../worker/temporal-settings'),
    import('../worker/home'),
    import('../worker/agent'),
    import('../worker/connect'),
  ]);
  const settings = temporalSettings(env);
  const home = sextantHome(env);
  if (options.startAgent) {
    try {
      const started = await ensureAgent(settings, home, env);
      for (const what of started) out?.emit({ event: 'info', message: `started the Sextant agent: ${what}` });
    } catch (err) {
      throw new CliError(`could not start the Sextant agent: ${err instanceof Error ? err.message : err}`, EXIT.temporal);
    }
  }
  let connection;
  try {
    connection = await Connection.connect({ ...connectionOptions(settings, env), connectTimeout: '10s' });
  } catch (err) {
    throw new CliError(unreachableMessage(settings, err), EXIT.temporal);
  }
  const client = new Client({ connection, namespace: settings.namespace });
  return {
    client,
    settings,
    home,
    link: (workflowId, runId) =>
      settings.ui
        ? `${settings.ui}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}${runId ? `/${runId}` : ''}`
        : null,
    close: () => connection.close(),
  };
}
