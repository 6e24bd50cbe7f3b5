// The agent's warm CLI process (cli/warm-protocol.ts): waits on the socket for one command from
// bin/sextant, which it runs as that process would have: its argv, cwd, environment and
// terminal, its signals, its exit code. It loads the modules of the commands that may run here
// when the agent says so (once the command before it is done: warm-cli-keeper.ts); a caller who
// comes first is told to wait while it loads what that caller's command needs. It leaves the
// agent once it has a command, so stopping the agent does not cut it short; the agent then
// starts the next warm process.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { restoreExtraCaCerts } from '../cli/extra-ca-certs';
import { commands } from '../cli/registry';
import { buildId, onFrames, outputFrame, RELAYED_SIGNALS, sendFrame, warmLoadedPath, warmPidPath, warmSocketPath, type ClientFrame, type Terminal } from '../cli/warm-protocol';

type Request = Extract<ClientFrame, { t: 'run' }>;

/**
 * What the warm commands load when they run, loaded ahead of them one module at a time, so that
 * a caller who comes meanwhile is answered; it stops once this process runs a command.
 */
async function preload(taken: () => boolean): Promise<void> {
  const loaders = [
    () => import('../cli/main'),
    () => import('../cli/aliases'),
    ...commands.filter((c) => c.warm).map((c) => c.run),
    () => import('@temporalio/client'),
    () => import('./temporal-settings'),
    () => import('./connect'),
    () => import('./agent'),
  ];
  for (const next of loaders) {
    await new Promise((r) => setImmediate(r));
    if (taken()) return;
    await next();
  }
}

/** What one command needs before it starts: the CLI and that command's own module (the overview needs only the CLI). */
async function modulesOf(argv: readonly string[]): Promise<void> {
  const { findCommand } = await import('../cli/main');
  await Promise.all([import('../cli/aliases'), findCommand(argv)?.spec.run()]);
}

/** grpc-js sets itself up on its first connection (~50 ms): made while waiting, a command's own connect takes a few. */
async function firstConnection(): Promise<void> {
  const [{ Connection }, { temporalSettings }, { connectionOptions }] = await Promise.all([import('@temporalio/client'), import('./temporal-settings'), import('./connect')]);
  try {
    await (await Connection.connect({ ...connectionOptions(temporalSettings(process.env)), connectTimeout: '2s' })).close();
  } catch {
    // No server yet: the command's connect pays for it.
  }
}

async function main(home: string): Promise<void> {
  let loaded = false;
  let loading: Promise<void> | null = null;
  /** A module that does not load ends this process; the caller runs its command itself, and the agent starts another. */
  const failed = (err: unknown) => {
    console.error(new Date().toISOString(), 'warm CLI process failed to load its modules:', err);
    process.exit(1);
  };
  /** Loads everything once, when the agent says so. */
  const load = () =>
    (loading ??= preload(() => taken).then(() => {
      if (taken) return;
      loaded = true;
      writeFileSync(warmLoadedPath(home), `${process.pid}\n`);
      void import('./warm-coders')
        .then(({ warmCoders }) => warmCoders(() => taken))
        .catch((err) => console.error(new Date().toISOString(), 'warm CLI process could not prepare its message coders:', err))
        .then(() => (taken ? undefined : firstConnection()));
    }, failed));
  const build = buildId();
  const path = warmSocketPath(home);
  rmSync(path, { force: true });
  const umask = process.umask(0o077); // the socket is this user's from its first moment
  let taken = false;
  // One caller at a time is told "ready"; others meanwhile run their command themselves.
  let reserved: Socket | null = null;
  const server = createServer((socket) => {
    if (taken || reserved) return socket.destroy();
    let request: Request | null = null;
    onFrames<ClientFrame>(socket, (frame) => {
      switch (frame.t) {
        case 'run':
          if (frame.build !== build) {
            // Built again since this process loaded: the caller runs the command itself; the next warm process loads the new build.
            sendFrame(socket, { t: 'stale' }, () => process.exit(0));
            return;
          }
          if (reserved) return socket.destroy();
          reserved = socket;
          request = frame;
          // Not loaded yet: load what this command needs now, and say so, so the caller waits
          // rather than load the same in a process of its own.
          if (!loaded) sendFrame(socket, { t: 'loading' });
          void modulesOf(frame.argv).then(() => reserved === socket && !socket.destroyed && sendFrame(socket, { t: 'ready' }), failed);
          return;
        case 'go':
          if (!request || taken) return;
          taken = true;
          leave(server, path);
          run(request, socket);
          return;
        case 'signal':
          if (taken && RELAYED_SIGNALS.includes(frame.name)) process.kill(process.pid, frame.name);
          return;
        case 'resize':
          if (!taken) return;
          Object.assign(process.stdout, { columns: frame.columns, rows: frame.rows });
          process.stdout.emit('resize');
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (reserved === socket && !taken) reserved = null;
    });
  });
  server.listen(path, () => {
    process.umask(umask);
    chmodSync(path, 0o600);
    writeFileSync(warmPidPath(home), `${process.pid}\n`);
    process.send?.({ t: 'listening' });
  });
  process.on('message', (m: { t?: string }) => m.t === 'load' && void load());
  // An agent that stops takes its idle warm process with it.
  process.on('disconnect', () => taken || process.exit(0));
}

/** Stops waiting for commands: the socket's path is free for the next warm process. */
function leave(server: Server, path: string): void {
  server.close();
  rmSync(path, { force: true });
  if (process.connected) process.send!({ t: 'taken' }, () => process.connected && process.disconnect());
}

function run(request: Request, socket: Socket): void {
  process.argv = [process.argv[0]!, 'sextant', ...request.argv];
  for (const key of Object.keys(process.env)) delete process.env[key];
  Object.assign(process.env, request.env);
  process.chdir(request.cwd);
  redirect(process.stdout, 'out', request.stdout, socket);
  redirect(process.stderr, 'err', request.stderr, socket);
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    sendFrame(socket, { t: 'exit', code });
    socket.end(() => process.exit(code));
  };
  // Its terminal went away (bin/sextant killed): what a CLI process gets then.
  socket.on('close', () => exited || process.kill(process.pid, 'SIGHUP'));
  process.on('uncaughtException', (err) => {
    process.stderr.write(`sextant: ${err.stack ?? err}\n`);
    exit(1);
  });
  import('../cli/main').then(({ main }) => main(request.argv)).then(exit, (err) => {
    process.stderr.write(`sextant: ${err instanceof Error && err.stack ? err.stack : err}\n`);
    exit(1);
  });
}

/** stdout or stderr of this process becomes the caller's: its writes go over the socket, it is a TTY when the caller's is. */
function redirect(stream: NodeJS.WriteStream, t: 'out' | 'err', terminal: Terminal, socket: Socket): void {
  Object.defineProperty(stream, 'isTTY', { value: terminal.tty, configurable: true, writable: true });
  Object.assign(stream, { columns: terminal.columns, rows: terminal.rows });
  stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error) => void), done?: (err?: Error) => void) => {
    const callback = typeof encoding === 'function' ? encoding : done;
    const text = typeof chunk === 'string' && typeof encoding === 'string' && encoding !== 'utf8' ? Buffer.from(chunk, encoding) : chunk;
    if (socket.destroyed) callback?.();
    else sendFrame(socket, outputFrame(t, text), callback);
    return true;
  }) as typeof stream.write;
}

// Started without NODE_EXTRA_CA_CERTS (warm-cli-keeper.ts), as bin/sextant is.
restoreExtraCaCerts();
void main(process.argv[2]!).catch((err) => {
  console.error(new Date().toISOString(), 'warm CLI process failed:', err);
  process.exit(1);
});
