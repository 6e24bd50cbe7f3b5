// Test helper: a real OpenSSH sshd on 127.0.0.1, on a free port, with throw-away keys.
// Needs root (it lets root log in with a temporary key) and /usr/sbin/sshd.
import { execFileSync, spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

const SSHD = '/usr/sbin/sshd';
const SFTP_SERVER_CANDIDATES = ['/usr/lib/openssh/sftp-server', '/usr/libexec/openssh/sftp-server', '/usr/libexec/sftp-server'];

export interface Sshd {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Temporary directory holding config, keys and log. */
  readonly dir: string;
  /** Private key that is in authorized_keys. */
  readonly clientKey: string;
  /** A valid private key that is NOT authorized. */
  readonly otherKey: string;
  /** sshd's log (-E). */
  readonly logFile: string;
  /** Public host key line currently served ("ssh-ed25519 AAAA..."). */
  hostKeyPublic(): string;
  /** Pid of the listening sshd. */
  pid(): number;
  /** Number of "Accepted publickey" lines in the log so far. */
  acceptedLogins(): number;
  /** Pids of the per-connection sshd children. */
  connectionPids(): number[];
  /** SIGKILL every per-connection child (their TCP connections drop at once). */
  killConnections(): void;
  /** Stop and start again on the same port; `newHostKey` serves a freshly generated host key. */
  restart(opts?: { newHostKey?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(file: string, type = 'ed25519'): void {
  for (const f of [file, `${file}.pub`]) fs.rmSync(f, { force: true });
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', path.basename(file), '-f', file], { stdio: 'ignore' });
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...  -- comm may contain spaces/parens, so parse after the last ')'
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[1]) === pid) out.push(Number(entry));
    } catch {
      // process vanished
    }
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `extraConfig`: more sshd_config lines (e.g. `SetEnv PATH=...` for a host without some tool, `MaxSessions 2`). */
export async function startSshd(extraConfig: string[] = []): Promise<Sshd> {
  if (!fs.existsSync(SSHD)) throw new Error(`${SSHD} not found (apt-get install openssh-server)`);
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sextant-sshd-'));
  const port = await freePort();
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  const otherKey = path.join(dir, 'other_ed25519');
  const authorized = path.join(dir, 'authorized_keys');
  const logFile = path.join(dir, 'sshd.log');
  const config = path.join(dir, 'sshd_config');
  keygen(hostKey);
  keygen(clientKey);
  keygen(otherKey);
  fs.writeFileSync(authorized, fs.readFileSync(`${clientKey}.pub`), { mode: 0o600 });
  const sftpServer = SFTP_SERVER_CANDIDATES.find((p) => fs.existsSync(p)) ?? 'internal-sftp';
  // Sessions get a HOME of their own, as on a fresh server: bash run by sshd sources ~/.bashrc,
  // and this machine's own root's (which runs `pyenv init`) made every command take ~250 ms.
  // sshd keeps only the first SetEnv line, so a test's SetEnv values join this one (and win).
  const isSetEnv = (line: string) => /^SetEnv\s/i.test(line);
  fs.mkdirSync(path.join(dir, 'home'));
  const setEnv = [`HOME=${path.join(dir, 'home')}`, ...extraConfig.filter(isSetEnv).flatMap((l) => l.trim().split(/\s+/).slice(1))];
  fs.writeFileSync(
    config,
    [
      // sshd takes the first value of a keyword: extra lines go first, to override the defaults.
      ...extraConfig.filter((l) => !isSetEnv(l)),
      `SetEnv ${setEnv.join(' ')}`,
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'MaxSessions 10',
      'MaxStartups 100:30:200',
      'LogLevel VERBOSE',
      `Subsystem sftp ${sftpServer}`,
      '',
    ].join('\n'),
  );

  let proc: ChildProcess | undefined;
  let logOffsetAtStart = 0;

  const start = async (): Promise<void> => {
    logOffsetAtStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    let stderr = '';
    const p = spawn(SSHD, ['-D', '-e', '-f', config, '-E', logFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    proc = p;
    // Until it listens or exits; an sshd that does neither is caught by mocha's timeout.
    for (;;) {
      if (p.exitCode !== null || p.signalCode !== null) {
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(logOffsetAtStart) : '';
        throw new Error(`sshd exited (${p.exitCode ?? p.signalCode}): ${stderr}${log}`);
      }
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(logOffsetAtStart) : '';
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) return;
      await sleep(20);
    }
  };

  const stop = async (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const pid = p.pid!;
    const kids = childrenOf(pid);
    const exited = new Promise<void>((r) => p.once('exit', () => r()));
    p.kill('SIGTERM');
    for (const k of kids) {
      try {
        process.kill(k, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await exited;
  };

  await start();

  return {
    host: '127.0.0.1',
    port,
    user: 'root',
    dir,
    clientKey,
    otherKey,
    logFile,
    hostKeyPublic: () => fs.readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' '),
    pid: () => proc?.pid ?? -1,
    acceptedLogins: () => (fs.readFileSync(logFile, 'utf8').match(/Accepted publickey for /g) ?? []).length,
    connectionPids: () => (proc?.pid ? childrenOf(proc.pid) : []),
    killConnections: () => {
      if (!proc?.pid) return;
      for (const k of childrenOf(proc.pid)) {
        try {
          process.kill(k, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    },
    restart: async (opts = {}) => {
      await stop();
      if (opts.newHostKey) keygen(hostKey);
      await start();
    },
    stop: async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
