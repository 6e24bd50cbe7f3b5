// Version images for the benchmark: the example app plus one new top layer per version, pushed
// to the lab registry, so every deploy (and every floor run) pulls exactly one new layer.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, type Lab } from '../test/support/lab';

const LAYER_BYTES = 256 * 1024;

export class VersionImages {
  private readonly dockerConfig = mkdtempSync(join(tmpdir(), 'sextant-bench-docker-'));

  constructor(
    private readonly lab: Lab,
    /** Registry repository without tag, e.g. 10.77.0.1:5443/sextant/bench. */
    readonly repository: string,
  ) {
    this.docker(['login', '--username', lab.registry.username, '--password-stdin', lab.registry.server], lab.registry.password);
  }

  /** Builds and pushes `repository:version`; returns the full image reference. */
  push(version: string): string {
    const context = mkdtempSync(join(tmpdir(), 'sextant-bench-image-'));
    try {
      cpSync(join(repoRoot, 'test', 'fixtures', 'app'), context, { recursive: true });
      writeFileSync(join(context, 'layer.bin'), randomBytes(LAYER_BYTES));
      writeFileSync(join(context, 'Dockerfile.bench'), `FROM ${this.lab.baseImage}\nCOPY start.sh /start.sh\nCOPY layer.bin /layer.bin\nEXPOSE 3000\nCMD ["/bin/sh", "/start.sh"]\n`);
      const ref = `${this.repository}:${version}`;
      this.docker(['build', '--quiet', '-f', join(context, 'Dockerfile.bench'), '-t', ref, context]);
      this.docker(['push', '--quiet', ref]);
      return ref;
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }

  close(): void {
    rmSync(this.dockerConfig, { recursive: true, force: true });
  }

  private docker(args: string[], input?: string): string {
    return execFileSync('/usr/bin/docker', args, {
      encoding: 'utf8',
      input,
      env: { ...process.env, DOCKER_HOST: this.lab.docker.host, DOCKER_CONFIG: this.dockerConfig },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }
}
