// What the warm CLI tests share (test/unit/worker/warm-cli*.test.ts): a SEXTANT_HOME, an app
// checkout whose config loads without hosts, the environment bin/sextant gets, and a Temporal
// that accepts connections and never answers (it holds `sextant history` in its connect).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONFIG = `service: <%= ENV["WARM_SERVICE"] %>
image: demo/app
servers:
  - 10.99.0.1
registry:
  server: localhost:5000
  username: u
  password: p
`;

export class WarmTestSetup {
  readonly home = mkdtempSync(join(tmpdir(), 'sextant-warm-home-'));
  readonly dir = mkdtempSync(join(tmpdir(), 'sextant-warm-app-'));
  private silent: Server | null = null;

  constructor() {
    mkdirSync(join(this.dir, 'config'));
    writeFileSync(join(this.dir, 'config', 'deploy.yml'), CONFIG);
  }

  /** bin/sextant's environment: this home, warm handover on unless `extra` says otherwise. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    const e: NodeJS.ProcessEnv = { ...process.env, SEXTANT_HOME: this.home, WARM_SERVICE: 'warmapp', ...extra };
    if (!('SEXTANT_NO_WARM' in extra)) delete e.SEXTANT_NO_WARM;
    return e;
  }

  /** The address of a Temporal that never answers, with "the agent's worker runs" so a command starts none. */
  async silentTemporal(): Promise<string> {
    this.silent = createServer(() => {});
    await new Promise<void>((r) => this.silent!.listen(0, '127.0.0.1', r));
    mkdirSync(join(this.home, 'agent'), { recursive: true });
    writeFileSync(join(this.home, 'agent', 'worker.pid'), `${process.pid}\n`);
    return `127.0.0.1:${(this.silent.address() as { port: number }).port}`;
  }

  close(): void {
    this.silent?.close();
    rmSync(this.home, { recursive: true, force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
