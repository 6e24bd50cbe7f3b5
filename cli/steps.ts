// Human names for the activities of Sextant's workflows, and which host/role they act on,
// read from an activity's input as recorded in history: (plan, host, role, ...).

const names: Record<string, string> = {
  runHook: 'hook',
  buildAndPush: 'build and push',
  pullImage: 'pull image',
  rollbackTargetMissing: "look for the version's container",
  acquireLock: 'acquire lock',
  releaseLock: 'release lock',
  noteLock: 'note on the lock why it stays',
  proxyRunning: 'look at kamal-proxy',
  ensureProxy: 'start kamal-proxy',
  bootContainer: 'boot',
  switchProxy: 'switch proxy',
  probeHealth: 'health probe',
  stopOldContainers: 'stop old container',
  discardContainer: 'remove failed container',
  revertHost: 'roll back',
  pruneHost: 'prune',
  recordAudit: 'audit log',
  appStart: 'start app',
  appStop: 'stop app',
  stopStaleContainers: 'stop stale containers',
  appRemove: 'remove app',
  appMaintenance: 'maintenance mode',
  appLive: 'live',
  rebootProxy: 'reboot kamal-proxy',
  startProxy: 'start kamal-proxy',
  stopProxy: 'stop kamal-proxy',
  removeProxy: 'remove kamal-proxy',
  registryLogin: 'registry login',
  registryLogout: 'registry logout',
  bootstrapDocker: 'install Docker if missing',
  removeProxyIfUnused: 'remove kamal-proxy if no other app uses it',
  removeServiceFiles: 'remove the service files in .kamal',
  accessoryBoot: 'boot accessory',
  accessoryUpload: 'upload accessory files',
  accessoryDirectories: 'create accessory directories',
  accessoryReboot: 'reboot accessory',
  accessoryStart: 'start accessory',
  accessoryStop: 'stop accessory',
  accessoryRemove: 'remove accessory',
  upgradeProxy: 'replace Traefik with kamal-proxy',
  upgradeApp: 'reboot the app on the kamal network',
  upgradeAccessory: 'join the accessory to the kamal network',
};

/** Steps too frequent to list unless --verbose. */
export const chattySteps = new Set(['probeHealth', 'recordAudit']);

/** Steps whose second argument is not a host. */
const notOnAHost = new Set(['noteLock']);

/** A hook step that found no hook file (or -H) returns false: not worth a line. */
export function skippedStep(activityType: string, result: unknown): boolean {
  return activityType === 'runHook' && result === false;
}

export function describeStep(activityType: string, args: unknown[]): { host: string | null; step: string } {
  const base = names[activityType] ?? activityType;
  if (activityType === 'runHook') return { host: null, step: `${base} ${String(args[1])}` };
  if (notOnAHost.has(activityType)) return { host: null, step: base };
  const host = typeof args[1] === 'string' ? args[1] : null;
  // The third argument names a role, or is an accessory's plan (which has a name).
  const named = args[2] as { name?: unknown } | undefined;
  const role = typeof args[2] === 'string' ? ` ${args[2]}` : typeof named?.name === 'string' ? ` ${named.name}` : '';
  return { host, step: `${base}${role}` };
}
