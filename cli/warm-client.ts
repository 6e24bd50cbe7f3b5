// bin/sextant's first try: hand the command to the agent's warm CLI process when one waits
// (same build; the overview, or a command that reads no terminal input), and stand in for it: relay its
// output, pass on signals and window size, exit with its code. Null means "run it here",
// decided before the warm process starts anything, so a command never runs twice.
import { connect, type Socket } from 'node:net';
import { sextantHome } from '../worker/home';
import { asksForOverview, findCommand } from './main';
import { buildId, onFrames, RELAYED_SIGNALS, sendFrame, warmDisabled, warmSocketPath, type Terminal, type WarmFrame } from './warm-protocol';

/** How long a warm process gets to say it is ready before the command runs here instead... */
const READY_TIMEOUT_MS = 2000;
/** ...or, once it said it is loading its modules, to load them (running here would load them too). */
const LOADING_TIMEOUT_MS = 15000;

export async function runWarm(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number | null> {
  if (warmDisabled(env)) return null;
  if (!asksForOverview(argv) && !findCommand(argv)?.spec.warm) return null;
  const build = buildId();
  if (!build) return null;
  const socket = await connected(warmSocketPath(sextantHome(env)));
  if (!socket) return null;
  const terminal = (s: NodeJS.WriteStream): Terminal => ({ tty: Boolean(s.isTTY), columns: s.columns, rows: s.rows });
  const request = {
    t: 'run' as const,
    build,
    argv: [...argv],
    cwd: process.cwd(),
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
    stdout: terminal(process.stdout),
    stderr: terminal(process.stderr),
  };
  return new Promise<number | null>((resolve) => {
    let started = false;
    let exited = false;
    let signalled: NodeJS.Signals | null = null;
    const relay = (name: NodeJS.Signals) => {
      signalled = name;
      sendFrame(socket, { t: 'signal', name });
    };
    const resize = () => sendFrame(socket, { t: 'resize', columns: process.stdout.columns, rows: process.stdout.rows });
    let timer = setTimeout(() => socket.destroy(), READY_TIMEOUT_MS);
    onFrames<WarmFrame>(socket, (frame) => {
      switch (frame.t) {
        case 'loading':
          clearTimeout(timer);
          timer = setTimeout(() => socket.destroy(), LOADING_TIMEOUT_MS);
          break;
        case 'ready':
          clearTimeout(timer);
          started = true;
          for (const s of RELAYED_SIGNALS) process.on(s, relay);
          if (process.stdout.isTTY) process.stdout.on('resize', resize);
          sendFrame(socket, { t: 'go' });
          break;
        case 'stale':
          socket.destroy();
          break;
        case 'out':
        case 'err':
          (frame.t === 'out' ? process.stdout : process.stderr).write(frame.b !== undefined ? Buffer.from(frame.b, 'base64') : frame.d ?? '');
          break;
        case 'exit':
          exited = true;
          resolve(frame.code);
          socket.end();
          break;
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(timer);
      for (const s of RELAYED_SIGNALS) process.off(s, relay);
      if (exited) return;
      if (!started) return resolve(null);
      // Ended without an exit code after a signal passed on: this process ends by it too, as it would have run alone.
      if (signalled) return process.kill(process.pid, signalled);
      process.stderr.write("sextant: the agent's warm CLI process ended without an exit code; see the agent's worker.log\n");
      resolve(1);
    });
    sendFrame(socket, request);
  });
}

function connected(path: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => resolve(socket));
    socket.once('error', () => resolve(null)); // none waits (ENOENT), or it just went (ECONNREFUSED)
  });
}
