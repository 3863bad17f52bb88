import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedLine {
  labels: Record<string, string>;
  ns: string;
  line: string;
}

/**
 * A strict stand-in for Loki's push API (Loki cannot run here): JSON only, nanosecond
 * timestamps as strings, non-empty label sets, nothing older than 30 days or more than
 * 10 minutes ahead. Tests can make it answer an error status for the next pushes.
 */
export async function startFakeLoki(now: () => number = Date.now) {
  const received: ReceivedLine[] = [];
  const failures: number[] = [];
  let pushes = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, text = '') => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(text);
      };
      if (req.method !== 'POST' || req.url !== '/loki/api/v1/push') return reply(404, '404 page not found');
      pushes++;
      const forced = failures.shift();
      if (forced) return reply(forced, 'forced failure');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
        return reply(415, 'unsupported content type');
      let body: { streams?: { stream?: Record<string, unknown>; values?: unknown[] }[] };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, 'invalid JSON');
      }
      if (!Array.isArray(body.streams)) return reply(400, 'missing streams');
      const lines: ReceivedLine[] = [];
      for (const s of body.streams) {
        const labels = s.stream ?? {};
        if (!Object.keys(labels).length || Object.values(labels).some((v) => typeof v !== 'string')) {
          return reply(400, 'error at least one label pair is required per stream');
        }
        for (const v of s.values ?? []) {
          if (
            !Array.isArray(v) ||
            typeof v[0] !== 'string' ||
            !/^\d+$/.test(v[0]) ||
            typeof v[1] !== 'string'
          ) {
            return reply(400, 'entries must be [ "<unix epoch in nanoseconds>", "<log line>" ]');
          }
          const ms = Number(BigInt(v[0]) / 1_000_000n);
          if (ms < now() - 30 * 86_400_000) return reply(400, 'entry too far behind');
          if (ms > now() + 10 * 60_000) return reply(400, 'entry too far in the future');
          lines.push({ labels: labels as Record<string, string>, ns: v[0], line: v[1] });
        }
      }
      received.push(...lines);
      reply(204);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    pushes: () => pushes,
    /** The next pushes answer these statuses, in order. */
    failNext: (...statuses: number[]) => failures.push(...statuses),
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
