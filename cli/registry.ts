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
  /** Reads no terminal input, so it may run in the agent's warm CLI process (cli/warm-protocol.ts). */
  warm?: true;
}

const deployFlags: FlagSpec[] = [
  { name: 'skip-push', short: 'P', type: 'boolean', description: 'Use the image already in the registry (no build, no push)' },
  { name: 'rollback-on-failure', type: 'boolean', description: 'Roll switched hosts back when a host fails (default on; --no-rollback-on-failure)' },
  { name: 'no-worker', type: 'boolean', description: 'Only enqueue: do not start a local agent (team workers run it)' },
  { name: 'detach', type: 'boolean', description: 'Start the deploy and return without following it' },
  { name: 'lock-wait', type: 'optional', description: 'Wait for a running deploy or lock instead of failing (=SECONDS, default 600)' },
];

const yes: FlagSpec = { name: 'yes', short: 'y', type: 'boolean', description: 'Do not ask for confirmation' };
const logFlags: FlagSpec[] = [
  { name: 'since', short: 's', type: 'string', description: 'Only lines since a time or duration (5m, 2024-05-01T12:00)' },
  { name: 'lines', short: 'n', type: 'string', description: 'Last N lines (default 100)' },
  { name: 'grep', short: 'g', type: 'string', description: 'Only lines matching (grep on the host)' },
  { name: 'skip-timestamps', short: 'T', type: 'boolean', description: "Without Docker's timestamps" },
];
const grepOptions: FlagSpec = { name: 'grep-options', type: 'string', description: 'Options for grep, e.g. "-i -C 2"' };
const cmd = (path: string[], summary: string, usage: string, example: string, flags: FlagSpec[], run: CommandSpec['run']): CommandSpec => ({ path, summary, usage, example, flags, run });

export const commands: CommandSpec[] = [
  {
    path: ['deploy'],
    warm: true,
    summary: 'Build, push and roll out the app to every host with zero downtime',
    usage: 'sextant deploy [--skip-push] [--version V] [-d DEST]',
    example: 'sextant deploy -d staging',
    flags: deployFlags,
    run: async () => (await import('./commands/deploy')).deployCommand,
  },
  {
    path: ['rollback'],
    warm: true,
    summary: 'Roll every host back to VERSION (a version still on the hosts or in the registry)',
    usage: 'sextant rollback VERSION',
    example: 'sextant rollback 3f2a9c1',
    flags: deployFlags.filter((f) => f.name !== 'skip-push'),
    run: async () => (await import('./commands/deploy')).rollbackCommand,
  },
  {
    path: ['deploy', 'status'],
    warm: true,
    summary: "Show the running (or last) deploy: each host's step and version",
    usage: 'sextant deploy status [-d DEST]',
    example: 'sextant deploy status --json',
    flags: [],
    run: async () => (await import('./commands/deploy-control')).statusCommand,
  },
  {
    path: ['deploy', 'attach'],
    warm: true,
    summary: 'Follow the running deploy again (after closing the terminal)',
    usage: 'sextant deploy attach [-d DEST]',
    example: 'sextant deploy attach',
    flags: [],
    run: async () => (await import('./commands/deploy-control')).attachCommand,
  },
  {
    path: ['deploy', 'pause'],
    warm: true,
    summary: 'Finish the current batch, then wait',
    usage: 'sextant deploy pause',
    example: 'sextant deploy pause -d production',
    flags: [],
    run: async () => (await import('./commands/deploy-control')).pauseCommand,
  },
  {
    path: ['deploy', 'resume'],
    warm: true,
    summary: 'Continue a paused deploy',
    usage: 'sextant deploy resume',
    example: 'sextant deploy resume -d production',
    flags: [],
    run: async () => (await import('./commands/deploy-control')).resumeCommand,
  },
  {
    path: ['deploy', 'abort'],
    warm: true,
    summary: 'Stop launching batches, roll switched hosts back, release the locks',
    usage: 'sextant deploy abort [-m REASON]',
    example: 'sextant deploy abort -m "wrong branch"',
    flags: [{ name: 'message', short: 'm', type: 'string', description: 'Why (recorded in history)' }],
    run: async () => (await import('./commands/deploy-control')).abortCommand,
  },
  {
    path: ['app', 'details'],
    warm: true,
    summary: "Show the app's containers on every host",
    usage: 'sextant app details',
    example: 'sextant app details -r web',
    flags: [],
    run: async () => (await import('./commands/app-details')).appDetailsCommand,
  },
  // Issue 5 (ops): app, proxy, server and registry commands; host changes run as operation workflows.
  ...opsCommands(),
  ...accessoryCommands(),
  {
    path: ['build', 'push'],
    summary: 'Build the current version (pre-build hook first) and push it and latest to the registry',
    usage: 'sextant build push [--version V] [-d DEST]',
    example: 'sextant build push --verbose',
    flags: [],
    run: async () => (await import('./commands/build')).buildPushCommand,
  },
  {
    path: ['build', 'pull'],
    summary: "Pull the version's image on every host (a workflow: locked, in history)",
    usage: 'sextant build pull [--version V] [-h HOSTS] [-r ROLES]',
    example: 'sextant build pull --version 3f2a9c1 -r web',
    flags: [],
    run: async () => (await import('./commands/build')).buildPullCommand,
  },
  {
    path: ['build', 'deliver'],
    summary: 'Build push, then build pull of the same version',
    usage: 'sextant build deliver [--version V] [-d DEST]',
    example: 'sextant build deliver -d staging',
    flags: [],
    run: async () => (await import('./commands/build')).buildDeliverCommand,
  },
  {
    path: ['build', 'dev'],
    summary: 'Build the working tree as it is, tagged <version>-dirty, into the local engine (no push)',
    usage: 'sextant build dev',
    example: 'sextant build dev',
    flags: [],
    run: async () => (await import('./commands/build')).buildDevCommand,
  },
  {
    path: ['build', 'create'],
    summary: 'Create the buildx builder the build uses (needs docker buildx)',
    usage: 'sextant build create',
    example: 'sextant build create',
    flags: [],
    run: async () => (await import('./commands/build')).buildCreateCommand,
  },
  {
    path: ['build', 'remove'],
    summary: 'Remove the buildx builder the build uses (needs docker buildx)',
    usage: 'sextant build remove',
    example: 'sextant build remove',
    flags: [],
    run: async () => (await import('./commands/build')).buildRemoveCommand,
  },
  {
    path: ['build', 'details'],
    summary: 'Show the builder (buildx or plain docker), driver, remote engine and the commands a build would run',
    usage: 'sextant build details [--json]',
    example: 'sextant build details --json',
    flags: [],
    run: async () => (await import('./commands/build')).buildDetailsCommand,
  },
  {
    path: ['lock', 'status'],
    warm: true,
    summary: 'Show who holds the deploy lock on the primary host, and whether its deploy still runs',
    usage: 'sextant lock status [-d DEST] [--json]',
    example: 'sextant lock status -d production',
    flags: [],
    run: async () => (await import('./commands/lock')).lockStatusCommand,
  },
  {
    path: ['lock', 'acquire'],
    warm: true,
    summary: 'Take the deploy lock by hand: deploys (Sextant and Kamal) are refused until it is released',
    usage: 'sextant lock acquire -m MESSAGE [-d DEST]',
    example: 'sextant lock acquire -m "database migration, back at 3pm"',
    flags: [{ name: 'message', short: 'm', type: 'string', description: 'Why (shown to everyone refused)' }],
    run: async () => (await import('./commands/lock')).lockAcquireCommand,
  },
  {
    path: ['lock', 'release'],
    warm: true,
    summary: 'Remove the deploy lock, whoever holds it (check `sextant lock status` first)',
    usage: 'sextant lock release [-d DEST]',
    example: 'sextant lock release -d staging',
    flags: [],
    run: async () => (await import('./commands/lock')).lockReleaseCommand,
  },
  {
    path: ['audit'],
    warm: true,
    summary: "Show the last 50 lines of each host's audit log (what was done to it, by whom, when)",
    usage: 'sextant audit [-d DEST] [-h HOSTS] [-r ROLES] [-p] [--json]',
    example: 'sextant audit -d staging -p',
    flags: [],
    run: async () => (await import('./commands/audit')).auditCommand,
  },
  {
    path: ['history'],
    warm: true,
    summary: 'List past deploys, rollbacks and prunes of the service: who, what, version, start, duration, result',
    usage: 'sextant history [-n N] [-d DEST] [--json]',
    example: 'sextant history -n 5 -d staging',
    flags: [{ name: 'number', short: 'n', type: 'string', description: 'How many, newest first (default 20)' }],
    run: async () => (await import('./commands/history')).historyCommand,
  },
  {
    path: ['show'],
    warm: true,
    summary: "Show one operation step by step, per host: start, duration, result, a failed step's output",
    usage: 'sextant show [ID] [-d DEST] [--json]   (ID from `sextant history`; default the latest)',
    example: 'sextant show 20250314T092653Z-0a1b2c3d',
    flags: [],
    run: async () => (await import('./commands/history')).showCommand,
  },
  {
    path: ['prune'],
    warm: true,
    summary: 'Remove old containers (keeping retain_containers per role) and unused images, as a workflow under the deploy lock',
    usage: 'sextant prune all|images|containers [--retain N] [-d DEST]',
    example: 'sextant prune all --retain 3',
    flags: [{ name: 'retain', type: 'string', description: 'Stopped containers to keep per role (default retain_containers)' }],
    run: async () => (await import('./commands/prune')).pruneCommand,
  },
  {
    path: ['prune', 'schedule'],
    warm: true,
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
    warm: true,
    summary: 'Show the configuration as resolved (destination, ERB, defaults), secrets redacted',
    usage: 'sextant config [-d DEST] [--json]',
    example: 'sextant config -d staging',
    flags: [],
    run: async () => (await import('./commands/config')).configCommand,
  },
  // Issue 4: secrets adapters, init, docs (none loads Temporal).
  {
    path: ['secrets', 'fetch'],
    summary: 'Fetch secrets from a password manager or vault; prints them as JSON for $(...) in .kamal/secrets',
    usage: 'sextant secrets fetch --adapter ADAPTER [--account ACCOUNT] [--from VAULT] NAME...',
    example: 'SECRETS=$(sextant secrets fetch --adapter 1password --account acme --from Prod/Web REGISTRY_PASSWORD DB_PASSWORD)',
    flags: [
      { name: 'adapter', short: 'a', type: 'string', description: '1password, bitwarden, bitwarden-sm, lastpass, aws_secrets_manager, gcp, doppler' },
      { name: 'account', type: 'string', description: 'Account, user or profile in the vendor CLI (required by 1password, bitwarden, lastpass, gcp)' },
      { name: 'from', type: 'string', description: 'Vault, item, folder or project every NAME is read from' },
    ],
    run: async () => (await import('./commands/secrets')).fetchCommand,
  },
  {
    path: ['secrets', 'extract'],
    summary: 'Print one secret from the output of `secrets fetch` (NAME or the last parts of its key)',
    usage: 'sextant secrets extract NAME FETCHED_JSON',
    example: 'DB_PASSWORD=$(sextant secrets extract DB_PASSWORD $SECRETS)',
    flags: [],
    run: async () => (await import('./commands/secrets')).extractCommand,
  },
  {
    path: ['secrets', 'print'],
    summary: 'Show the secrets the config needs, as resolved from the secrets files (values redacted)',
    usage: 'sextant secrets print [-d DEST] [--reveal] [--json]',
    example: 'sextant secrets print -d staging',
    flags: [{ name: 'reveal', type: 'boolean', description: 'Show the values (they are redacted otherwise)' }],
    run: async () => (await import('./commands/secrets')).printCommand,
  },
  {
    path: ['init'],
    summary: 'Create config/deploy.yml, .kamal/secrets and sample hooks to start from (never overwrites)',
    usage: 'sextant init [--json]',
    example: 'sextant init',
    flags: [],
    run: async () => (await import('./commands/init')).initCommand,
  },
  {
    path: ['docs'],
    summary: 'Show the configuration reference: the keys, or one key or section with its keys',
    usage: 'sextant docs [KEY] [--json]',
    example: 'sextant docs proxy.healthcheck',
    flags: [],
    run: async () => (await import('./commands/docs')).docsCommand,
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

function opsCommands(): CommandSpec[] {
  const app = async () => import('./commands/app');
  const proxy = async () => import('./commands/proxy');
  const server = async () => import('./commands/server');
  return [
    cmd(['app', 'boot'], 'Boot the app on the hosts (a deploy of --version without build, push or hooks)', 'sextant app boot [--version V] [-r ROLE] [-h HOST]', 'sextant app boot --version 3f2a9c1', [], async () => (await app()).appBootCommand),
    cmd(['app', 'start'], "Start each role's newest container (or --version's) and route the proxy to it", 'sextant app start [--version V]', 'sextant app start -r web', [], async () => (await app()).appStartCommand),
    cmd(['app', 'stop'], 'Stop the running app containers', 'sextant app stop [-r ROLE] [-h HOST]', 'sextant app stop -r job', [], async () => (await app()).appStopCommand),
    cmd(['app', 'containers'], "Show the app's containers on every host (all states)", 'sextant app containers', 'sextant app containers -h 10.0.0.1', [], async () => (await import('./commands/app-details')).appDetailsCommand),
    cmd(['app', 'images'], "Show the app's images on every host", 'sextant app images', 'sextant app images', [], async () => (await app()).appImagesCommand),
    cmd(['app', 'version'], 'Show the version each role runs on each host', 'sextant app version', 'sextant app version -r web', [], async () => (await app()).appVersionCommand),
    cmd(['app', 'remove'], "Remove the app's proxy routes, containers, images and env files", 'sextant app remove [-y]', 'sextant app remove -y -d staging', [yes], async () => (await app()).appRemoveCommand),
    cmd(['app', 'stale_containers'], 'Show running containers that are not the newest of their role (--stop stops them)', 'sextant app stale_containers [--stop]', 'sextant app stale_containers --stop', [{ name: 'stop', type: 'boolean', description: 'Stop them' }], async () => (await app()).appStaleContainersCommand),
    cmd(['app', 'maintenance'], 'kamal-proxy answers 503 (with --message) instead of forwarding to the app', 'sextant app maintenance [--drain-timeout S] [--message M]', 'sextant app maintenance --message "Back at 3pm"', [
      { name: 'drain-timeout', type: 'string', description: 'Seconds in-flight requests get to finish (default 30)' },
      { name: 'message', type: 'string', description: 'Shown on the 503 page' },
    ], async () => (await app()).appMaintenanceCommand),
    cmd(['app', 'live'], 'End maintenance mode: forward to the app again', 'sextant app live', 'sextant app live', [], async () => (await app()).appLiveCommand),
    cmd(['app', 'logs'], "Show the running containers' logs", 'sextant app logs [-s SINCE] [-n LINES] [-g GREP] [--grep-options O] [-f] [-T]', 'sextant app logs -r web -n 20 -g error', [
      ...logFlags,
      grepOptions,
      { name: 'follow', short: 'f', type: 'boolean', description: 'Keep streaming new lines (Ctrl-C stops)' },
    ], async () => (await app()).appLogsCommand),
    cmd(['app', 'exec'], 'Run CMD in a new container of the running version (or inside the running one with --reuse)', 'sextant app exec [--reuse] [-e K=V] [--detach] [--version V] -- CMD...', 'sextant app exec --reuse -p -- cat /www/version', [
      { name: 'interactive', short: 'i', type: 'boolean', description: 'Interactive, in a PTY on the first selected host' },
      { name: 'reuse', type: 'boolean', description: 'Run inside the running container' },
      { name: 'env', short: 'e', type: 'string', repeat: true, description: 'KEY=VALUE for the command (repeatable)' },
      { name: 'detach', type: 'boolean', description: 'Leave the new container running in the background' },
    ], async () => (await app()).appExecCommand),
    cmd(['proxy', 'boot'], 'Start kamal-proxy (and the kamal network) where it is not running', 'sextant proxy boot', 'sextant proxy boot -h 10.0.0.1', [], async () => (await proxy()).proxyBootCommand),
    cmd(['proxy', 'reboot'], 'Replace the kamal-proxy container (routes are kept), with the pre/post-proxy-reboot hooks', 'sextant proxy reboot [--rolling] [-y]', 'sextant proxy reboot --rolling -y', [
      { name: 'rolling', type: 'boolean', description: 'One host at a time, each answering again before the next' },
      yes,
    ], async () => (await proxy()).proxyRebootCommand),
    cmd(['proxy', 'start'], 'Start the stopped kamal-proxy container', 'sextant proxy start', 'sextant proxy start', [], async () => (await proxy()).proxyStartCommand),
    cmd(['proxy', 'stop'], 'Stop the kamal-proxy container (every app on the host stops answering)', 'sextant proxy stop', 'sextant proxy stop -h 10.0.0.1', [], async () => (await proxy()).proxyStopCommand),
    cmd(['proxy', 'restart'], 'Stop and start the kamal-proxy container', 'sextant proxy restart', 'sextant proxy restart', [], async () => (await proxy()).proxyRestartCommand),
    cmd(['proxy', 'details'], 'Show the kamal-proxy container on each host', 'sextant proxy details', 'sextant proxy details', [], async () => (await proxy()).proxyDetailsCommand),
    cmd(['proxy', 'logs'], "Show kamal-proxy's logs", 'sextant proxy logs [-s SINCE] [-n LINES] [-g GREP] [-T]', 'sextant proxy logs -n 50', logFlags, async () => (await proxy()).proxyLogsCommand),
    cmd(['proxy', 'remove'], 'Remove kamal-proxy, its image and .kamal/proxy from the hosts', 'sextant proxy remove [-y]', 'sextant proxy remove -y', [yes], async () => (await proxy()).proxyRemoveCommand),
    cmd(['server', 'bootstrap'], 'Install Docker on the hosts where it is missing (as root)', 'sextant server bootstrap', 'sextant server bootstrap -h 10.0.0.9', [], async () => (await server()).serverBootstrapCommand),
    cmd(['server', 'exec'], "Run CMD with each host's shell", 'sextant server exec [-i] -- CMD...', 'sextant server exec -- docker ps', [{ name: 'interactive', short: 'i', type: 'boolean', description: 'Interactive, in a PTY on the first selected host' }], async () => (await server()).serverExecCommand),
    cmd(['registry', 'login'], 'Log in to the registry on this machine and the hosts (password over stdin)', 'sextant registry login [-L] [-R]', 'sextant registry login -R', [
      { name: 'skip-local', short: 'L', type: 'boolean', description: 'Not on this machine' },
      { name: 'skip-remote', short: 'R', type: 'boolean', description: 'Not on the hosts' },
    ], async () => (await server()).registryLoginCommand),
    cmd(['registry', 'logout'], 'Log out of the registry on this machine and the hosts', 'sextant registry logout [-L] [-R]', 'sextant registry logout -L', [
      { name: 'skip-local', short: 'L', type: 'boolean', description: 'Not on this machine' },
      { name: 'skip-remote', short: 'R', type: 'boolean', description: 'Not on the hosts' },
    ], async () => (await server()).registryLogoutCommand),
    cmd(['setup'], 'Install Docker where it is missing, boot every accessory, then deploy', 'sextant setup [--skip-push] [--version V]', 'sextant setup -d staging', deployFlags.filter((f) => f.name === 'skip-push'), async () => (await import('./commands/setup')).setupCommand),
    cmd(['remove'], "Remove everything of the service and its accessories from their hosts (kamal-proxy too where no other app uses it)", 'sextant remove [-y]', 'sextant remove -y -d staging', [yes], async () => (await server()).removeCommand),
    cmd(['details'], 'Show kamal-proxy and the app containers on each host', 'sextant details', 'sextant details -r web', [], async () => (await server()).detailsCommand),
    cmd(['upgrade'], 'Take over hosts Kamal 0.16/1.x deployed: replace Traefik with kamal-proxy, routing the running version', 'sextant upgrade [--rolling] [-y]', 'sextant upgrade --rolling -y', [
      { name: 'rolling', type: 'boolean', description: 'One host at a time' },
      yes,
    ], async () => (await import('./commands/upgrade')).upgradeCommand),
    { ...cmd(['redeploy'], 'Deploy the version already in the registry: no build, no push', 'sextant redeploy [--version V]', 'sextant redeploy --version 3f2a9c1', [], async () => (await app()).redeployCommand), warm: true },
  ];
}

/** `accessory SUB NAME|all`: Kamal's accessory commands (cli/commands/accessory.ts). */
function accessoryCommands(): CommandSpec[] {
  const acc = async () => import('./commands/accessory');
  const op = (sub: string, summary: string, example: string, run: keyof Awaited<ReturnType<typeof acc>>, flags: FlagSpec[] = []) =>
    cmd(['accessory', sub], summary, `sextant accessory ${sub} NAME|all${flags.some((f) => f.name === 'yes') ? ' [-y]' : ''} [-h HOST]`, example, flags, async () => (await acc())[run] as (ctx: CommandContext) => Promise<number>);
  return [
    op('boot', 'Boot the accessory where it has no container yet (directories, files, env file, docker run)', 'sextant accessory boot db', 'accessoryBootCommand'),
    op('upload', "Upload the accessory's files: to ~/<service>-<accessory>/ on its hosts", 'sextant accessory upload db', 'accessoryUploadCommand'),
    op('directories', "Create the accessory's directories: on its hosts", 'sextant accessory directories db', 'accessoryDirectoriesCommand'),
    op('reboot', 'Pull the image and replace the container (volumes and directories keep their data)', 'sextant accessory reboot db -h 10.0.0.5', 'accessoryRebootCommand'),
    op('start', "Start the accessory's container", 'sextant accessory start all', 'accessoryStartCommand'),
    op('stop', "Stop the accessory's container", 'sextant accessory stop redis', 'accessoryStopCommand'),
    op('restart', "Stop and start the accessory's container", 'sextant accessory restart db', 'accessoryRestartCommand'),
    op('details', "Show the accessory's container on each of its hosts", 'sextant accessory details all', 'accessoryDetailsCommand'),
    op('remove', "Remove the accessory's container, image, files, directories and env file (named volumes stay)", 'sextant accessory remove db -y', 'accessoryRemoveCommand', [yes]),
    cmd(['accessory', 'logs'], "Show the accessory's logs", 'sextant accessory logs NAME [-s SINCE] [-n LINES] [-g GREP] [--grep-options O] [-f] [-T]', 'sextant accessory logs db -n 20 -g ERROR', [
      ...logFlags,
      grepOptions,
      { name: 'follow', short: 'f', type: 'boolean', description: 'Keep streaming new lines from the first host (Ctrl-C stops)' },
    ], async () => (await acc()).accessoryLogsCommand),
    cmd(['accessory', 'exec'], "Run CMD in a new container of the accessory's image (or inside the running one with --reuse)", 'sextant accessory exec NAME [-i] [--reuse] -- CMD...', 'sextant accessory exec db -i --reuse -- mysql', [
      { name: 'interactive', short: 'i', type: 'boolean', description: 'Interactive, in a PTY on the first selected host' },
      { name: 'reuse', type: 'boolean', description: 'Run inside the running container' },
    ], async () => (await acc()).accessoryExecCommand),
  ];
}
