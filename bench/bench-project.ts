// The app the benchmark deploys: the example app as a user's checkout, routed by kamal-proxy
// under its own host name (so it shares lab hosts with other apps), on the first N lab hosts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { runCliOk, type CliResult } from '../test/support/cli';
import { get } from '../test/support/http';
import type { LabHost } from '../test/support/lab';
import { appConfig, makeProject, type Project, type ProjectOptions } from '../test/support/project';
import { readLab } from '../test/support/lab';
import { agentFiles, warmCliStatus } from '../worker/agent';
import { readPid } from '../worker/processes';
import { cpuTicks } from './probes';
import { VersionImages } from './images';

export class BenchApp {
  readonly project: Project;
  readonly images: VersionImages;
  readonly hostName: string;
  private serial = 0;
  private readonly stamp = Date.now().toString(36);

  constructor(service: string, hosts: number, options: Pick<ProjectOptions, 'temporal' | 'env'> = {}) {
    const lab = readLab();
    this.hostName = `${service}.bench.test`;
    const proxy = { ...(appConfig(lab, service, []).proxy as Record<string, unknown>), host: this.hostName };
    // No boot.limit: every host at once, as the benchmark compares with a parallel floor.
    this.project = makeProject({ service, hosts, config: { proxy, boot: {} }, ...options });
    this.images = new VersionImages(lab, `${lab.registry.server}/sextant/${service}`);
  }

  /** A version never deployed before, already pushed (one new top layer); returns its tag. */
  nextVersion(): string {
    const version = `${this.stamp}-${++this.serial}`;
    this.images.push(version);
    return version;
  }

  /** An image with a new top layer for the floor, which pulls it without Sextant; returns its reference. */
  floorImage(): string {
    return this.images.push(`${this.stamp}-${++this.serial}-floor`);
  }

  /** Deploy to the first `count` hosts of the project from now on. */
  useHosts(count: number): LabHost[] {
    const file = join(this.project.dir, 'config', 'deploy.yml');
    const config = parse(readFileSync(file, 'utf8')) as { servers: { web: { hosts: string[] } } };
    config.servers.web.hosts = this.project.hosts.slice(0, count);
    writeFileSync(file, stringify(config));
    return this.labHosts().slice(0, count);
  }

  labHosts(): LabHost[] {
    return this.project.hosts.map((address) => this.project.lab.hosts.find((h) => h.address === address)!);
  }

  sextant(args: string[]): Promise<CliResult> {
    return runCliOk(args, { cwd: this.project.dir, env: this.project.env });
  }

  /**
   * Waits until the agent's warm CLI process has loaded its modules (it loads once the command
   * before it has ended) and gone idle (its first connection made), so that what is timed next
   * (a floor, a deploy, a steady state) does not share the cores with that load. Every timed
   * run starts after it; at most 10 s.
   */
  async settle(): Promise<void> {
    const home = this.project.home;
    let ticks: number | null = null;
    for (let waited = 0; waited < 10_000 && readPid(agentFiles(home).workerPid); waited += 50) {
      const warm = warmCliStatus(home);
      const now = warm?.loaded ? cpuTicks(warm.pid) : null;
      if (now !== null && now === ticks) return;
      ticks = now;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  urls(hosts: readonly LabHost[], path = '/version'): string[] {
    return hosts.map((h) => `http://${h.address}${path}`);
  }

  /** Every host answers `version` through kamal-proxy, or the benchmark stops. */
  async expectVersion(hosts: readonly LabHost[], version: string): Promise<void> {
    for (const url of this.urls(hosts)) {
      const res = await get(url, 5000, { Host: this.hostName });
      if (res.status !== 200 || res.body.trim() !== version) throw new Error(`${url} answered ${res.status} ${res.body.trim()}, expected ${version}`);
    }
  }

  close(): void {
    this.images.close();
  }
}
