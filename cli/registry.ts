// The command table: names, flags and help are static here so `--help` and `version` load
// nothing heavy; each command's code is required only when it runs.
import type { FlagSpec, Flags } from './args';

export interface CommandContext {
  flags: Flags;
  positionals: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface CommandSpec {
  /** Words, e.g. ['deploy', 'status']. */
  path: string[];
  summary: string;
  usage: string;
  example: string;
  flags: FlagSpec[];
  run: () => Promise<(ctx: CommandContext) => Promise<number>>;
}

const deployFlags: FlagSpec[] = [
  { name: 'skip-push', short: 'P', type: 'boolean', description: 'Use the image already in the registry (no build, no push)' },
  { name: 'rollback-on-failure', type: 'boolean', description: 'Roll switched hosts back when a host fails (default on; --no-rollback-on-failure)' },
  { name: 'no-worker', type: 'boolean', description: 'Only enqueue: do not start a local agent (team workers run it)' },
  { name: 'detach', type: 'boolean', description: 'Start the deploy and return without following it' },
  { name: 'lock-wait', type: 'optional', description: 'Wait for a running deploy or lock instead of failing (=SECONDS, default 600)' },
];

export const commands: CommandSpec[] = [
  {
    path: ['deploy'],
    summary: 'Build, push and roll out the app to every host with zero downtime',
    usage: 'sextant deploy [--skip-push] [--version V] [-d DEST]',
    example: 'sextant deploy -d staging',
    flags: deployFlags,
    run: async () => (await import('./commands/deploy')).deployCommand,
  },
  {
    path: ['rollback'],
    summary: 'Roll every host back to VERSION (a version still on the hosts or in the registry)',
    usage: 'sextant rollback VERSION',
    example: 'sextant rollback 3f2a9c1',
    flags: deployFlags.filter((f) => f.name !== 'skip-push'),
    run: async () => (await import('./commands/deploy')).rollbackCommand,
  },
  {
    path: ['deploy', 'status'],
    summary: "Show the running (or last) deploy: each host's step and version",
    usage: 'sextant deploy status [-d DEST]',
    example: 'sextant deploy status --json',
    flags: [],
    run: async () => (await import('./commands/deploy-control')).statusCommand,
  },
  {
    path: ['deploy', 'attach'],
    summary: 'Follow the running deploy again (after closing the terminal)',
    usage: 'sextant deploy attach [-d DEST]',
    example: 'sextant deploy attach',
    flags: [],
    run: async () => (await import('./commands/deploy-control')).attachCommand,
  },
  {
    path: ['deploy', 'pause'],
    summary: 'Finish the current batch, then wait',
    usage: 'sextant deploy pause',
    example: 'sextant deploy pause -d production',
    flags: [],
    run: async () => (await import('./commands/deploy-control')).pauseCommand,
  },
  {
    path: ['deploy', 'resume'],
    summary: 'Continue a paused deploy',
    usage: 'sextant deploy resume',
    example: 'sextant deploy resume -d production',
    flags: [],
    run: async () => (await import('./commands/deploy-control')).resumeCommand,
  },
  {
    path: ['deploy', 'abort'],
    summary: 'Stop launching batches, roll switched hosts back, release the locks',
    usage: 'sextant deploy abort [-m REASON]',
    example: 'sextant deploy abort -m "wrong branch"',
    flags: [{ name: 'message', short: 'm', type: 'string', description: 'Why (recorded in history)' }],
    run: async () => (await import('./commands/deploy-control')).abortCommand,
  },
  {
    path: ['app', 'details'],
    summary: "Show the app's containers on every host",
    usage: 'sextant app details',
    example: 'sextant app details -r web',
    flags: [],
    run: async () => (await import('./commands/app-details')).appDetailsCommand,
  },
  {
    path: ['lock', 'status'],
    summary: 'Show who holds the deploy lock on the primary host, and whether its deploy still runs',
    usage: 'sextant lock status [-d DEST] [--json]',
    example: 'sextant lock status -d production',
    flags: [],
    run: async () => (await import('./commands/lock')).lockStatusCommand,
  },
  {
    path: ['lock', 'acquire'],
    summary: 'Take the deploy lock by hand: deploys (Sextant and Kamal) are refused until it is released',
    usage: 'sextant lock acquire -m MESSAGE [-d DEST]',
    example: 'sextant lock acquire -m "database migration, back at 3pm"',
    flags: [{ name: 'message', short: 'm', type: 'string', description: 'Why (shown to everyone refused)' }],
    run: async () => (await import('./commands/lock')).lockAcquireCommand,
  },
  {
    path: ['lock', 'release'],
    summary: 'Remove the deploy lock, whoever holds it (check `sextant lock status` first)',
    usage: 'sextant lock release [-d DEST]',
    example: 'sextant lock release -d staging',
    flags: [],
    run: async () => (await import('./commands/lock')).lockReleaseCommand,
  },
  {
    path: ['audit'],
    summary: "Show the last 50 lines of each host's audit log (what was done to it, by whom, when)",
    usage: 'sextant audit [-d DEST] [-h HOSTS] [-r ROLES] [-p] [--json]',
    example: 'sextant audit -d staging -p',
    flags: [],
    run: async () => (await import('./commands/audit')).auditCommand,
  },
  {
    path: ['history'],
    summary: 'List past deploys, rollbacks and prunes of the service: who, what, version, start, duration, result',
    usage: 'sextant history [-n N] [-d DEST] [--json]',
    example: 'sextant history -n 5 -d staging',
    flags: [{ name: 'number', short: 'n', type: 'string', description: 'How many, newest first (default 20)' }],
    run: async () => (await import('./commands/history')).historyCommand,
  },
  {
    path: ['show'],
    summary: "Show one operation step by step, per host: start, duration, result, a failed step's output",
    usage: 'sextant show [ID] [-d DEST] [--json]   (ID from `sextant history`; default the latest)',
    example: 'sextant show 20250314T092653Z-0a1b2c3d',
    flags: [],
    run: async () => (await import('./commands/history')).showCommand,
  },
  {
    path: ['prune'],
    summary: 'Remove old containers (keeping retain_containers per role) and unused images, as a workflow under the deploy lock',
    usage: 'sextant prune all|images|containers [--retain N] [-d DEST]',
    example: 'sextant prune all --retain 3',
    flags: [{ name: 'retain', type: 'string', description: 'Stopped containers to keep per role (default retain_containers)' }],
    run: async () => (await import('./commands/prune')).pruneCommand,
  },
  {
    path: ['prune', 'schedule'],
    summary: 'Prune on a Temporal Schedule (one per service and destination; skips while a deploy runs)',
    usage: 'sextant prune schedule --every INTERVAL [--retain N] | --list | --delete | --trigger   (INTERVAL: 10s at least, e.g. 6h, 1d)',
    example: 'sextant prune schedule --every 1d --retain 5',
    flags: [
      { name: 'every', type: 'string', description: 'How often: a number and s, m, h or d; at least 10s (creates the schedule, or updates it)' },
      { name: 'retain', type: 'string', description: 'Stopped containers to keep per role (default retain_containers)' },
      { name: 'list', type: 'boolean', description: 'Show the schedule: interval, retain, next run, runs so far' },
      { name: 'delete', type: 'boolean', description: 'Delete the schedule' },
      { name: 'trigger', type: 'boolean', description: 'Run it now (skipped if a prune from it still runs)' },
    ],
    run: async () => (await import('./commands/prune')).pruneScheduleCommand,
  },
  {
    path: ['agent', 'status'],
    summary: "Show this machine's agent: worker and Temporal dev server",
    usage: 'sextant agent status [--json]',
    example: 'sextant agent status --json',
    flags: [],
    run: async () => (await import('./commands/agent')).agentStatusCommand,
  },
  {
    path: ['agent', 'start'],
    summary: 'Start the agent (it also starts by itself when a command needs it)',
    usage: 'sextant agent start',
    example: 'sextant agent start',
    flags: [],
    run: async () => (await import('./commands/agent')).agentStartCommand,
  },
  {
    path: ['agent', 'stop'],
    summary: 'Stop the agent; a running deploy waits until a worker runs again',
    usage: 'sextant agent stop',
    example: 'sextant agent stop',
    flags: [],
    run: async () => (await import('./commands/agent')).agentStopCommand,
  },
  {
    path: ['worker'],
    summary: 'Run a worker in the foreground against a shared Temporal (team mode)',
    usage: 'SEXTANT_TEMPORAL_ADDRESS=HOST:PORT SEXTANT_SECRET_KEY=HEX sextant worker [--identity NAME]',
    example: 'SEXTANT_TEMPORAL_ADDRESS=temporal.internal:7233 sextant worker --identity deploy-box-1',
    flags: [{ name: 'identity', type: 'string', description: "This worker's name in workflow histories (default user@host:pid)" }],
    run: async () => (await import('./commands/worker')).workerCommand,
  },
  {
    path: ['config'],
    summary: 'Show the configuration as resolved (destination, ERB, defaults), secrets redacted',
    usage: 'sextant config [-d DEST] [--json]',
    example: 'sextant config -d staging',
    flags: [],
    run: async () => (await import('./commands/config')).configCommand,
  },
  {
    path: ['version'],
    summary: "Show Sextant's version",
    usage: 'sextant version',
    example: 'sextant version',
    flags: [],
    run: async () => (await import('./commands/version')).versionCommand,
  },
];
