// One Docker Engine API exchange over an SSH channel to the engine's unix socket (a
// direct-streamlocal channel, as `ssh -L local:/var/run/docker.sock` opens): Node's HTTP client
// on the channel, one request, then the channel is closed.
import { request } from 'node:http';
import type { ClientChannel } from 'ssh2';
import { demultiplex, type EngineReply, type EngineRequest } from '../commands/engine';
import type { Connection } from './connection';
import { SshError } from './errors';

export function exchange(conn: Connection, channel: ClientChannel, req: EngineRequest, timeoutMs: number): Promise<EngineReply> {
  const dest = conn.destination;
  return new Promise<EngineReply>((resolve, reject) => {
    const http = request(
      {
        method: req.method,
        path: req.path,
        // Docker's HTTP server wants a Host; any name does over a socket.
        headers: {
          Host: 'docker',
          ...(req.method === 'POST' ? { 'Content-Length': String(Buffer.byteLength(req.body ?? '')) } : {}),
          ...(req.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        createConnection: () => channel,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          const bytes = Buffer.concat(chunks);
          if (req.output && status >= 200 && status < 300) {
            const { stdout, stderr } = demultiplex(bytes);
            resolve({ status, body: stdout, stderr });
          } else {
            resolve({ status, body: bytes.toString('utf8') });
          }
        });
        res.once('error', fail);
      },
    );
    const timer = setTimeout(() => fail(new SshError('timeout', dest, `${dest}: the Docker engine did not answer ${req.method} ${req.path.split('?')[0]} within ${Math.round(timeoutMs / 1000)}s`)), timeoutMs);
    function fail(err: Error): void {
      const why = conn.closed ? 'connection lost during a Docker engine request' : 'Docker engine request failed';
      reject(err instanceof SshError ? err : new SshError('disconnected', dest, `${dest}: ${why} (${err.message})`, { cause: err }));
      http.destroy();
    }
    http.once('error', fail);
    http.once('close', () => {
      clearTimeout(timer);
      channel.destroy();
    });
    http.end(req.body);
  });
}
