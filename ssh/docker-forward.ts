// A remote host's Docker engine as a local unix socket: every connection to the socket is one
// SSH session running `docker system dial-stdio` there. The local docker client then talks to
// that engine with DOCKER_HOST=unix://<socket>, over Sextant's own SSH (its keys, its
// known_hosts, no OpenSSH configuration needed), which DOCKER_HOST=ssh://… cannot promise.
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dialStdio } from '../commands/builder';
import type { SshPool } from './pool';
import type { SshTarget } from './target';

export interface ForwardedEngine {
  /** For DOCKER_HOST. */
  endpoint: string;
  close(): Promise<void>;
}

export async function forwardDockerEngine(pool: SshPool, target: SshTarget, socketPath: string): Promise<ForwardedEngine> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.pause();
    pool.stream(target, dialStdio()).then(
      (channel) => {
        socket.pipe(channel).on('error', () => socket.destroy());
        channel.pipe(socket).on('error', () => channel.destroy());
        channel.once('close', () => socket.destroy());
        socket.once('close', () => channel.end());
        socket.resume();
      },
      () => socket.destroy(),
    );
  });
  // A socket left by a killed earlier run would make listen fail with EADDRINUSE.
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    endpoint: `unix://${socketPath}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
