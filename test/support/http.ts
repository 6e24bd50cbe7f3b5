// Plain HTTP to lab hosts, and a load generator that counts every request's outcome.
import { request } from 'node:http';

/** `headers` e.g. { Host: 'app.example.test' } for an app that kamal-proxy routes by host name. */
export function get(url: string, timeoutMs = 5000, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: timeoutMs, agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface LoadReport {
  total: number;
  failures: number;
  failureSamples: string[];
  /** Count of each distinct body seen (e.g. versions). */
  bodies: Record<string, number>;
  latenciesMs: number[];
  /** When each request of latenciesMs started (ms since the epoch), in the same order. */
  startedAtMs: number[];
  /** Failed requests per URL: when each was sent and when it failed (ms since the epoch). */
  failureSpans: Record<string, { sentAt: number; failedAt: number }[]>;
  /** When each request answered with 200 was sent, per URL. */
  answeredByUrl: Record<string, number[]>;
}

/**
 * Sends requests to every URL until stopped: one in flight per URL without pause (closed loop,
 * as fast as they are answered), or with `perSecond`, that many per URL each second on schedule
 * whatever the answers (open loop: a slow answer does not slow the sending).
 * Bounded: stops by itself after `maxSeconds`.
 */
export function startLoad(urls: string[], maxSeconds = 600, headers: Record<string, string> = {}, pace: { perSecond?: number } = {}): { stop(): Promise<LoadReport> } {
  const report: LoadReport = { total: 0, failures: 0, failureSamples: [], bodies: {}, latenciesMs: [], startedAtMs: [], failureSpans: {}, answeredByUrl: {} };
  const failed = (url: string, sentAt: number, why: string) => {
    const failedAt = Date.now();
    report.failures++;
    (report.failureSpans[url] ??= []).push({ sentAt, failedAt });
    if (report.failureSamples.length < 10) report.failureSamples.push(`${url}: ${why}`);
  };
  const send = async (url: string) => {
    const started = Date.now();
    try {
      const res = await get(url, 10000, headers);
      report.total++;
      report.latenciesMs.push(Date.now() - started);
      report.startedAtMs.push(started);
      if (res.status !== 200) {
        failed(url, started, `HTTP ${res.status} ${res.body.slice(0, 100)}`);
      } else {
        (report.answeredByUrl[url] ??= []).push(started);
        const key = res.body.trim();
        report.bodies[key] = (report.bodies[key] ?? 0) + 1;
      }
    } catch (err) {
      report.total++;
      failed(url, started, (err as Error).message);
      if (!pace.perSecond) await new Promise((r) => setTimeout(r, 20)); // a refused connection fails at once: don't spin
    }
  };
  let running = true;
  const deadline = Date.now() + maxSeconds * 1000;
  const live = () => running && Date.now() < deadline;
  const loops = urls.map(async (url) => {
    if (!pace.perSecond) {
      while (live()) await send(url);
      return;
    }
    // On a schedule from the start, so a late timer does not lower the rate.
    const inFlight = new Set<Promise<void>>();
    const every = 1000 / pace.perSecond;
    const start = Date.now();
    for (let i = 0; live(); i++) {
      const p = send(url).finally(() => inFlight.delete(p));
      inFlight.add(p);
      await new Promise((r) => setTimeout(r, Math.max(0, start + (i + 1) * every - Date.now())));
    }
    await Promise.all(inFlight);
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return report;
    },
  };
}
