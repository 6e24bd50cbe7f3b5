// Host steps of the `accessory` commands (run by workflows/operation.ts), with Kamal's meaning.
// Each looks first and acts only where needed: a booted accessory is left alone, a reboot
// recognises the container it made itself by the operation's deploy ID.
import { ApplicationFailure } from '@temporalio/activity';
import * as accessory from '../commands/accessory';
import * as app from '../commands/app';
import * as files from '../commands/files';
import * as images from '../commands/images';
import { NETWORK } from '../commands/naming';
import { runParamsOf, type AccessoryPlan } from '../plan/accessory';
import { openMap, openValue } from '../plan/seal';
import type { Plan } from '../plan/types';
import { ensureNetwork, login } from './host';
import { remote, type HostDeps, type Remote } from './remote';

// Kamal's default mode of uploaded accessory files.
const FILE_MODE = '755';

export function createAccessoryActivities(deps: HostDeps) {
  const on = (plan: Plan, host: string) => remote(deps, plan, host);
  const scopeOf = (plan: Plan) => ({ service: plan.service, destination: plan.destination ?? undefined });

  const homeOf = async (r: Remote): Promise<string> => (await r.ok(accessory.homeDirectory())).trim();

  /** Registry session (the accessory's, or the app's when the image is there) and the network. */
  const prepare = async (r: Remote, plan: Plan, acc: AccessoryPlan): Promise<void> => {
    await login(deps, r, { ...plan, registry: acc.registry });
    if (acc.network === NETWORK) await ensureNetwork(r);
  };

  const makeDirectories = async (r: Remote, acc: AccessoryPlan, home: string): Promise<void> => {
    await Promise.all(accessory.directoryMounts(home, acc.container, acc.directories).map((m) => r.ok(accessory.makeDirectory(m.hostPath))));
  };

  const uploadFiles = async (r: Remote, acc: AccessoryPlan, home: string): Promise<void> => {
    const mounts = accessory.fileMounts(home, acc.container, acc.files.map((f) => f.entry));
    await Promise.all(
      acc.files.map((f, i) => {
        const cmd = files.writeFile(mounts[i]!.hostPath, openValue(deps.sealKey(), f.content, `accessories.${acc.name}.files ${mounts[i]!.local}`), FILE_MODE);
        return r.ok(cmd.argv, { stdin: cmd.stdin });
      }),
    );
  };

  const pull = async (r: Remote, acc: AccessoryPlan): Promise<void> => {
    const res = await r.run(images.pull(acc.image), { timeoutSeconds: 900 });
    if (res.code === 0) return;
    const why = res.stderr.trim();
    throw /manifest unknown|not found|does not exist|denied|unauthorized/i.test(why)
      ? ApplicationFailure.nonRetryable(`image ${acc.image} of accessory ${acc.name} cannot be pulled on ${r.host}: ${why}. Fix: check accessories.${acc.name}.image (and registry:)`, 'ImageNotFound')
      : ApplicationFailure.retryable(`docker pull ${acc.image} failed on ${r.host}: ${why}`, 'PullFailed');
  };

  /** Directories, files, env file and `docker run`: a new container of the accessory. */
  const boot = async (r: Remote, plan: Plan, acc: AccessoryPlan): Promise<void> => {
    const home = await homeOf(r);
    const env = files.writeFile(accessory.accessoryEnvFile({ ...scopeOf(plan), accessory: acc.name }), app.envFileContent(openMap(deps.sealKey(), acc.env.secret)), '600');
    await Promise.all([makeDirectories(r, acc, home), uploadFiles(r, acc, home), r.ok(env.argv, { stdin: env.stdin })]);
    if ((await r.run(images.inspectImage(acc.image))).code !== 0) await pull(r, acc);
    await r.ok(accessory.run(runParamsOf(acc, scopeOf(plan), home, plan.deployId)));
  };

  const containerOf = async (r: Remote, acc: AccessoryPlan): Promise<app.ContainerDetails | null> => {
    const res = await r.run(app.inspectContainer(acc.container));
    return res.code === 0 ? app.parseContainerInspect(res.stdout) : null;
  };

  /** `docker stop`; an accessory that is not there is already stopped. */
  const stop = async (r: Remote, acc: AccessoryPlan): Promise<void> => {
    const res = await r.run(accessory.stop(acc.container), { timeoutSeconds: 90 });
    if (res.code !== 0 && !/no such container/i.test(res.stderr)) throw ApplicationFailure.retryable(`stopping ${acc.container} on ${r.host}: ${res.stderr.trim()}`);
  };

  return {
    /** Boots the accessory where it has no container yet (an existing one, even stopped, is left alone, as Kamal does). */
    async accessoryBoot(plan: Plan, host: string, acc: AccessoryPlan): Promise<'booted' | 'exists'> {
      const r = on(plan, host);
      await prepare(r, plan, acc);
      if ((await r.ok(accessory.info(acc.container, { all: true, quiet: true }))).trim()) return 'exists';
      await boot(r, plan, acc);
      return 'booted';
    },

    /** Uploads `files:` to `~/<container>/...` (mode 755, as Kamal). */
    async accessoryUpload(plan: Plan, host: string, acc: AccessoryPlan): Promise<void> {
      const r = on(plan, host);
      await uploadFiles(r, acc, await homeOf(r));
    },

    /** Creates the host side of `directories:`. */
    async accessoryDirectories(plan: Plan, host: string, acc: AccessoryPlan): Promise<void> {
      const r = on(plan, host);
      await makeDirectories(r, acc, await homeOf(r));
    },

    /** Pulls the image, replaces the container (volumes and directories keep their data) and removes the image it no longer uses. */
    async accessoryReboot(plan: Plan, host: string, acc: AccessoryPlan): Promise<void> {
      const r = on(plan, host);
      await prepare(r, plan, acc);
      const current = await containerOf(r, acc);
      if (current?.deployId === plan.deployId) {
        if (current.status !== 'running') await r.ok(accessory.start(acc.container));
        return;
      }
      await pull(r, acc);
      const superseded = current ? (await r.ok(accessory.currentImageId(acc.container))).trim() : '';
      await stop(r, acc);
      await r.ok(accessory.removeContainer(acc.container));
      await boot(r, plan, acc);
      const now = (await r.ok(accessory.currentImageId(acc.container))).trim();
      // Docker declines while another container uses it: then it stays.
      if (superseded && superseded !== now) await r.run(accessory.removeImageId(superseded));
    },

    async accessoryStart(plan: Plan, host: string, acc: AccessoryPlan): Promise<void> {
      const r = on(plan, host);
      const res = await r.run(accessory.start(acc.container));
      if (res.code === 0) return;
      throw /no such container/i.test(res.stderr)
        ? ApplicationFailure.nonRetryable(`accessory ${acc.name} has no container on ${host}. Fix: \`sextant accessory boot ${acc.name}\``, 'NothingToStart')
        : ApplicationFailure.retryable(`starting ${acc.container} on ${host}: ${res.stderr.trim()}`);
    },

    async accessoryStop(plan: Plan, host: string, acc: AccessoryPlan): Promise<void> {
      await stop(on(plan, host), acc);
    },

    /** Container, image, `~/<container>` (files and relative directories) and env file; named volumes and absolute host paths stay, as in Kamal. */
    async accessoryRemove(plan: Plan, host: string, acc: AccessoryPlan): Promise<void> {
      const r = on(plan, host);
      await stop(r, acc);
      await r.ok(accessory.removeContainer(acc.container));
      const image = await r.run(accessory.removeImage(acc.image));
      if (image.code !== 0 && !/no such image/i.test(image.stderr)) throw ApplicationFailure.retryable(`removing image ${acc.image} on ${host}: ${image.stderr.trim()}`);
      await r.ok(files.removeTree(accessory.serviceDirectory(await homeOf(r), acc.container)));
      await r.ok(files.removeFile(accessory.accessoryEnvFile({ ...scopeOf(plan), accessory: acc.name })));
    },
  };
}
