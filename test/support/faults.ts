// Fault-test plumbing: deterministic kill points (worker/test-holds.ts), the agent's process
// IDs, config edits between deploys, and the end state every fault test demands.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { runCliOk } from './cli';
import { labHost, runningContainers } from './hosts';
import { get } from './http';
import { onHost } from './lab';
import type { Project } from './project';

export class Holds {
  /** Starts of each key seen before its latest hold(): reached() waits for a start after it. */
  private readonly seen = new Map<string, number>();
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }
  hold(key: string): void {
    this.seen.set(key, this.attempts(key).length);
    writeFileSync(join(this.dir, `${key}.hold`), '');
  }
  release(key: string): void {
    rmSync(join(this.dir, `${key}.hold`), { force: true });
  }
  attempts(key: string): number[] {
    const file = join(this.dir, 'reached');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${key} `))
      .map((l) => Number(l.split(' ')[1]));
  }
  /** Attempt numbers of `key`'s starts since hold(key). */
  sinceHold(key: string): number[] {
    return this.attempts(key).slice(this.seen.get(key) ?? 0);
  }
  /**
   * Resolves once the activity `key` (e.g. "bootContainer@10.77.0.12") started since hold(key).
   * No deadline of its own: a step that is never reached is caught by mocha's timeout.
   */
  async reached(key: string): Promise<void> {
    while (this.sinceHold(key).length === 0) await new Promise((r) => setTimeout(r, 100));
  }
}

export async function agentPids(project: Project): Promise<{ worker: number; server: number | null }> {
  const status = JSON.parse((await runCliOk(['agent', 'status', '--json'], { cwd: project.dir, env: project.env })).stdout) as {
    worker: { pid: number } | null;
    server: { pid: number } | null;
  };
  assert.ok(status.worker, 'the agent worker runs');
  return { worker: status.worker.pid, server: status.server?.pid ?? null };
}

/** Rewrites config/deploy.yml with `change` applied (for the next deploy). */
export function editConfig(project: Project, change: (config: Record<string, unknown>) => void): void {
  const file = join(project.dir, 'config', 'deploy.yml');
  const config = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(config);
  writeFileSync(file, stringify(config, { lineWidth: 0 })); // unfolded: yaml 2.9 folds between surrogate halves
}

/** The running app containers' IDs per host (to show which hosts a fault left untouched). */
export function containerIds(project: Project): Record<string, string[]> {
  return Object.fromEntries(project.hosts.map((h) => [h, runningContainers(labHost(project.lab, h), project.service).map((c) => c.id).sort()]));
}

/**
 * What every fault test ends with: each host serves exactly the expected version through
 * kamal-proxy, runs one app container per role, and no deploy lock is left.
 */
export async function assertSettled(project: Project, expected: Record<string, string>): Promise<void> {
  for (const h of project.hosts) {
    assert.equal((await get(`http://${h}/version`)).body.trim(), expected[h], `${h} serves ${expected[h]}`);
    const running = runningContainers(labHost(project.lab, h), project.service);
    const roles = running.map((c) => c.labels.role);
    assert.ok(running.length > 0 && new Set(roles).size === roles.length, `${h} runs one app container per role: ${running.map((c) => c.name).join(', ')}`);
  }
  const primary = labHost(project.lab, project.hosts[0]!);
  assert.equal(onHost(primary, `test -e .kamal/lock-${project.service} && echo held || echo free`).trim(), 'free', 'no deploy lock is left');
}

export const everyHost = (project: Project, version: string): Record<string, string> => Object.fromEntries(project.hosts.map((h) => [h, version]));
