/**
 * Benchmark: load + validate + resolve a 50-host config (roles, host tags, env tags,
 * accessories, a destination file, secrets file) many times; prints one JSON line.
 * Run: node dist/bench/config-load.js [RUNS]. Not a test: nothing here asserts a time.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, resolveConfigSecrets, roles } from '../config';

const ROLES: Array<[name: string, hosts: number]> = [
  ['web', 20],
  ['workers', 15],
  ['cron', 10],
  ['api', 5],
];
const TAGS = ['eu', 'us', 'gpu'];

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-bench-'));
  let n = 0;
  const servers = Object.fromEntries(
    ROLES.map(([name, count]) => {
      const hosts = Array.from({ length: count }, () => {
        n++;
        const host = `10.0.${Math.floor(n / 250)}.${n % 250}`;
        return n % 3 === 0 ? { [host]: [TAGS[(n / 3) % TAGS.length]!] } : host;
      });
      return [name, name === 'web' ? hosts : { hosts, cmd: `bin/${name}`, env: { clear: { ROLE: name }, secret: [`${name.toUpperCase()}_TOKEN`] } }];
    }),
  );
  const config = {
    service: 'bench',
    image: 'acme/bench',
    servers,
    registry: { server: 'registry.bench.test', username: 'bench', password: ['KAMAL_REGISTRY_PASSWORD'] },
    env: {
      clear: { RAILS_ENV: 'production', THREADS: 5 },
      secret: ['DATABASE_URL', 'SECRET_KEY_BASE'],
      tags: Object.fromEntries(TAGS.map((t) => [t, { clear: { REGION: t }, secret: [`${t.toUpperCase()}_KEY`] }])),
    },
    proxy: { hosts: ['bench.test', 'www.bench.test'], app_port: 3000, healthcheck: { path: '/up' } },
    accessories: {
      db: { image: 'postgres:16', host: '10.0.0.1', port: '127.0.0.1:5432:5432', env: { secret: ['POSTGRES_PASSWORD'] }, directories: ['data:/var/lib/postgresql/data'] },
      cache: { image: 'valkey/valkey:8', roles: ['workers'], port: 6379 },
      search: { image: 'getmeili/meilisearch:v1.9', tags: ['gpu'] },
    },
    boot: { limit: '25%', wait: 2 },
    builder: { arch: 'amd64', args: { NODE_VERSION: 22 } },
  };
  mkdirSync(join(dir, 'config'));
  mkdirSync(join(dir, '.kamal'));
  writeFileSync(join(dir, 'config', 'deploy.yml'), stringify(config));
  writeFileSync(join(dir, 'config', 'deploy.production.yml'), stringify({ env: { clear: { RAILS_ENV: 'production', TRACE: 'off' } }, boot: { limit: 5 } }));
  const names = ['KAMAL_REGISTRY_PASSWORD', 'DATABASE_URL', 'SECRET_KEY_BASE', ...ROLES.map(([r]) => `${r.toUpperCase()}_TOKEN`), ...TAGS.map((t) => `${t.toUpperCase()}_KEY`)];
  writeFileSync(join(dir, '.kamal', 'secrets.production'), names.map((s) => `${s}=value-of-${s.toLowerCase()}`).join('\n') + '\n');
  return dir;
}

function once(cwd: string): number {
  const start = process.hrtime.bigint();
  const loaded = loadConfig({ cwd, destination: 'production', env: { PATH: process.env.PATH } });
  roles(loaded.config);
  resolveConfigSecrets(loaded, { cwd, env: { PATH: process.env.PATH } });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function main(): void {
  const runs = Math.max(20, Number(process.argv[2] ?? 30) || 30);
  const cwd = project();
  try {
    const hosts = roles(loadConfig({ cwd, destination: 'production', env: { PATH: process.env.PATH } }).config).reduce((sum, r) => sum + r.hosts.length, 0);
    if (hosts !== 50) throw new Error(`the generated config has ${hosts} hosts, not 50`);
    once(cwd); // warm-up: module loading and JIT are not what this measures
    const times = Array.from({ length: runs }, () => once(cwd)).sort((a, b) => a - b);
    const mid = Math.floor(runs / 2);
    const median = runs % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
    const ms = (x: number) => Math.round(x * 1000) / 1000;
    process.stdout.write(`${JSON.stringify({ name: 'config load (50 hosts)', runs, medianMs: ms(median), minMs: ms(times[0]!), maxMs: ms(times[runs - 1]!) })}\n`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

main();
