// Injection: 500 generated hostile strings go through one real deploy (and `app exec`) as clear
// and secret env values, labels, role cmd arguments, volume paths and exec arguments. Each must
// arrive byte-exact in the container, as Docker records it (`docker inspect` over plain SSH) and
// as the container sees it (/proc/1/environ, /proc/1/cmdline, /proc/self/mountinfo, printf), and
// no canary file that a string tries to create may exist afterwards: not on the hosts, not in the
// containers, not on this machine (the lab's hosts share this machine's /tmp). The way back too:
// `app exec` output of many KiB of multi-byte text from two hosts reaches the user unchanged.
//
// What each place can carry, and so what is adapted before it goes there (everything else is kept):
// - secret env values travel in Docker's env file, one `KEY=VALUE` line: no newline, no trailing
//   carriage return (Docker reads lines and drops it); newlines become a literal `\n`. In
//   .kamal/secrets they are written double-quoted with dotenv escapes.
// - volume paths: Docker's `-v host:container` splits on `:`, so `:` cannot be in either path
//   (it becomes `_`); Docker cleans paths, so empty, `.` and `..` segments are avoided; each
//   segment is cut to 200 bytes (NAME_MAX is 255). Sextant writes volumes only as `-v`.
// - nowhere: NUL (no argv, env entry or path can hold it), and `<%` in deploy.yml (ERB).
// Reproduce a failure with the seed it prints: SEXTANT_INJECTION_SEED=N.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, runCliOk } from '../support/cli';
import { editConfig } from '../support/faults';
import { cutToBytes, hostileStrings } from '../support/hostile';
import { labHost, removeService, runningContainers } from '../support/hosts';
import { onHost } from '../support/lab';
import { makeProject, type Project } from '../support/project';

const SEED = Number(process.env.SEXTANT_INJECTION_SEED ?? 20261201);
const RUN = `${process.pid}-${Date.now().toString(36)}`;
const CANARY = `sextant-canary-${RUN}-`;
const canary = (i: number) => `/tmp/${CANARY}${i}`;

const strings = hostileStrings(SEED, 500, canary);
// 500 strings, by where they go.
const slices = { clear: [0, 100], secret: [100, 200], label: [200, 300], cmd: [300, 400], volume: [400, 440], exec: [440, 500] } as const;
const take = (k: keyof typeof slices) => strings.slice(...slices[k]).map((s, j) => ({ i: slices[k][0] + j, s }));

const forEnvFile = (s: string) => s.replace(/\n/g, '\\n').replace(/\r$/, '\r.');
const dotenvQuoted = (s: string) => `"${s.replace(/[\\"$]/g, (c) => `\\${c}`).replace(/\r/g, '\\r')}"`;
const pathSegments = (s: string) =>
  s.replace(/:/g, '_').split('/').filter((seg) => seg !== '').map((seg) => (seg === '.' || seg === '..' ? '_' : cutToBytes(seg, 200)));
const singleQuoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** /proc/self/mountinfo escapes space, tab, newline and backslash as octal. */
const unescapeMountinfo = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

interface Inspect {
  Path: string;
  Args: string[];
  Config: { Env: string[]; Labels: Record<string, string> };
  Mounts: { Source: string; Destination: string }[];
}

describe('injection: hostile strings arrive byte-exact and run nothing', function () {
  let project: Project;
  let web: string, job: string;
  const mismatches: string[] = [];
  const expectSame = (i: number, where: string, actual: string | undefined, expected: string) => {
    if (actual !== expected) mismatches.push(`#${i} ${where}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  const reportMismatches = () => {
    const found = mismatches.splice(0);
    assert.deepEqual(found, [], `seed ${SEED} (reproduce: SEXTANT_INJECTION_SEED=${SEED}):\n${found.slice(0, 20).join('\n')}`);
  };
  const host = (h: string) => labHost(project.lab, h);
  const volumeBase = () => `/root/sx-inj-${project.service}`;

  const clear = take('clear');
  const secret = take('secret').map(({ i, s }) => ({ i, s: forEnvFile(s) }));
  const labels = take('label');
  const cmdArgs = take('cmd');
  const volumes = take('volume').map(({ i, s }) => ({
    i,
    host: `/root/sx-inj-SERVICE/${i}-${pathSegments(s).join('/')}`,
    container: `/inj/${i}-${pathSegments(s).join('/')}`,
  }));
  const withService = (p: string) => p.replace('SERVICE', project.service);

  before(async function () {
    this.timeout(300_000);
    project = makeProject({ hosts: 2 });
    [web, job] = project.hosts as [string, string];
    editConfig(project, (c) => {
      c.servers = {
        web: { hosts: [web] },
        job: {
          hosts: [job],
          // Exits promptly on SIGTERM; the hostile words are its positional parameters.
          cmd: `/bin/sh -c 'trap "exit 0" TERM; sleep 100000 & wait' sh ${cmdArgs.map(({ s }) => singleQuoted(s)).join(' ')}`,
        },
      };
      c.readiness_delay = 1;
      c.env = {
        clear: { APP_MODE: 'lab', ...Object.fromEntries(clear.map(({ i, s }) => [`INJ_CLEAR_${i}`, s])) },
        secret: ['APP_SECRET', ...secret.map(({ i }) => `INJ_SECRET_${i}`)],
      };
      c.labels = Object.fromEntries(labels.map(({ i, s }) => [`inj.${i}`, s]));
      c.volumes = volumes.map((v) => `${withService(v.host)}:${v.container}`);
    });
    writeFileSync(
      join(project.dir, '.kamal', 'secrets'),
      [`REGISTRY_PASSWORD=${project.lab.registry.password}`, 'APP_SECRET=x', ...secret.map(({ i, s }) => `INJ_SECRET_${i}=${dotenvQuoted(s)}`)].join('\n') + '\n',
    );
    await runCliOk(['deploy', '--version', 'inj1'], { cwd: project.dir, env: project.env });
  });

  after(async function () {
    this.timeout(60_000);
    if (!project) return;
    for (const h of project.hosts) {
      removeService(host(h), project.service);
      onHost(host(h), `rm -rf ${volumeBase()}`);
    }
    await runCli(['agent', 'stop'], { cwd: project.dir, env: project.env });
  });

  const container = (h: string) => {
    const [c, ...others] = runningContainers(host(h), project.service);
    assert.ok(c && others.length === 0, `one container of ${project.service} runs on ${h}`);
    return c.name;
  };
  const inspect = (h: string, name: string) => (JSON.parse(onHost(host(h), `docker inspect ${name}`)) as Inspect[])[0]!;
  const inContainer = (h: string, name: string, command: string) => onHost(host(h), `docker exec ${name} ${command}`);

  it('clear and secret env values: docker inspect Env and /proc/1/environ in the container', function () {
    for (const h of [web, job]) {
      const name = container(h);
      const env = inspect(h, name).Config.Env;
      const environ = inContainer(h, name, 'cat /proc/1/environ').split('\0');
      const value = (list: string[], key: string) => list.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1);
      for (const { i, s } of clear) {
        expectSame(i, `${h} inspect Env INJ_CLEAR_${i}`, value(env, `INJ_CLEAR_${i}`), s);
        expectSame(i, `${h} environ INJ_CLEAR_${i}`, value(environ, `INJ_CLEAR_${i}`), s);
      }
      for (const { i, s } of secret) {
        expectSame(i, `${h} inspect Env INJ_SECRET_${i}`, value(env, `INJ_SECRET_${i}`), s);
        expectSame(i, `${h} environ INJ_SECRET_${i}`, value(environ, `INJ_SECRET_${i}`), s);
      }
    }
    reportMismatches();
  });

  it('labels: docker inspect Config.Labels', function () {
    for (const h of [web, job]) {
      const got = inspect(h, container(h)).Config.Labels;
      for (const { i, s } of labels) expectSame(i, `${h} label inj.${i}`, got[`inj.${i}`], s);
    }
    reportMismatches();
  });

  it('role cmd arguments: docker inspect Args and /proc/1/cmdline in the container', function () {
    const name = container(job);
    const { Path, Args } = inspect(job, name);
    const cmdline = inContainer(job, name, 'cat /proc/1/cmdline').split('\0').slice(0, -1);
    assert.equal(Path, '/bin/sh');
    for (const [where, argv] of [['inspect Args', Args.slice(3)], ['cmdline', cmdline.slice(4)]] as const) {
      assert.equal(argv.length, cmdArgs.length, `${where}: one word per hostile argument (seed ${SEED})`);
      cmdArgs.forEach(({ i, s }, j) => expectSame(i, `${where} word ${j}`, argv[j], s));
    }
    reportMismatches();
  });

  it('volume paths: docker inspect Mounts and the mount points in the container', function () {
    for (const h of [web, job]) {
      const name = container(h);
      const mounts = inspect(h, name).Mounts;
      const mountPoints = new Set(inContainer(h, name, 'cat /proc/self/mountinfo').split('\n').map((l) => unescapeMountinfo(l.split(' ')[4] ?? '')));
      for (const v of volumes) {
        const m = mounts.find((x) => x.Destination === v.container);
        expectSame(v.i, `${h} mount destination`, m?.Destination, v.container);
        expectSame(v.i, `${h} mount source`, m?.Source, withService(v.host));
        expectSame(v.i, `${h} mountinfo`, mountPoints.has(v.container) ? v.container : undefined, v.container);
      }
    }
    reportMismatches();
  });

  it('app exec arguments, in the running container (--reuse) and in a new one: printf returns each byte-exact', async function () {
    this.timeout(120_000);
    const exec = take('exec');
    const printArgs = ['/bin/sh', '-c', 'printf "%s\\0" "$@"', 'sh'];
    for (const [extra, part] of [[['--reuse'], exec.slice(0, 30)], [[], exec.slice(30)]] as const) {
      const r = await runCliOk(['app', 'exec', ...extra, '-h', web, '-r', 'web', '--', ...printArgs, ...part.map(({ s }) => s)], { cwd: project.dir, env: project.env });
      const words = r.stdout.split('\0').slice(0, -1);
      assert.equal(words.length, part.length, `app exec ${extra.join(' ')}: one word per argument (seed ${SEED}); stdout ${JSON.stringify(r.stdout.slice(0, 400))}`);
      part.forEach(({ i, s }, j) => expectSame(i, `app exec ${extra.join(' ')} word ${j}`, words[j], s));
    }
    reportMismatches();
  });

  it('app exec on two hosts: multi-byte output split across SSH packets arrives intact, line by line', async function () {
    this.timeout(120_000);
    const line = strings.slice(440, 450).map((x) => x.replace(/[\r\n]/g, '')).join('|');
    const script = 'i=0; while [ $i -lt 400 ]; do printf "%s\\n" "$1"; i=$((i+1)); done';
    const r = await runCliOk(['app', 'exec', '--reuse', '--', '/bin/sh', '-c', script, 'sh', line], { cwd: project.dir, env: project.env });
    for (const h of [web, job]) {
      const lines = r.stdout.split('\n').filter((l) => l.startsWith(`${h} `)).map((l) => l.replace(/^\S+ {2,}/, ''));
      assert.equal(lines.length, 400, `${h}: every line arrives, got ${lines.length}`);
      const broken = lines.filter((l) => l !== line);
      const first = broken[0] ?? '';
      const at = [...first].findIndex((c, k) => c !== [...line][k]);
      assert.equal(broken.length, 0, `${h}: ${broken.length} of 400 lines changed on the way (seed ${SEED}), e.g. ${JSON.stringify([...first].slice(Math.max(0, at - 5), at + 10).join(''))} for ${JSON.stringify([...line].slice(Math.max(0, at - 5), at + 10).join(''))}`);
    }
  });

  it('no canary exists: on the hosts, in the containers, on this machine', function () {
    const found: string[] = [];
    for (const h of project.hosts) {
      const onIt = onHost(host(h), `ls -a /tmp /root ${volumeBase()} 2>/dev/null | grep -F ${CANARY} || true`).trim();
      if (onIt) found.push(`${h}: ${onIt}`);
      for (const c of runningContainers(host(h), project.service)) {
        // the canary could have been made: the container's /tmp is writable
        inContainer(h, c.name, 'sh -c "touch /tmp/probe && rm /tmp/probe"');
        const inIt = inContainer(h, c.name, `sh -c "ls -a / /tmp | grep -F ${CANARY} || true"`).trim();
        if (inIt) found.push(`${h} ${c.name}: ${inIt}`);
      }
    }
    const local = readdirSync('/tmp').filter((f) => f.startsWith(CANARY));
    const inProject = execFileSync('find', [project.dir, '-name', `${CANARY}*`], { encoding: 'utf8' }).trim();
    if (local.length) found.push(`this machine: ${local.join(' ')}`);
    if (inProject) found.push(`the project: ${inProject}`);
    assert.deepEqual(found, [], `a hostile string ran a command (seed ${SEED})`);
  });
});
