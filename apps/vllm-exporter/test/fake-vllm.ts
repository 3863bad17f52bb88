/**
 * A stand-in for one vLLM API server (vLLM cannot run here), answering with the fixtures'
 * bodies: /metrics, /v1/models, /health and /version, plus the faults tests need.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FIXTURES_DIR } from '@llmmon/fixtures';

export const FIXTURES = FIXTURES_DIR;
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

export interface FakeVllm {
  readonly url: string;
  close(): Promise<void>;
}

export interface FakeVllmOptions {
  /** Fixture file of /metrics (relative to the fixtures folder). */
  readonly metrics?: string;
  /** Fixture file of /v1/models. */
  readonly models?: string;
  /** What /version answers ({"version": …}). */
  readonly version?: string;
  /** Delay before every answer, in ms. */
  readonly delayMs?: number;
  /** /metrics never answers, answers 500, streams 50 MB, or answers an HTML error page. */
  readonly metricsFault?: 'hang' | 'error' | 'huge' | 'garbage';
  /** /health answers 503, as a vLLM whose engine died does. */
  readonly unhealthy?: boolean;
}

export async function startFakeVllm(o: FakeVllmOptions = {}): Promise<FakeVllm> {
  const metrics = read(o.metrics ?? 'vllm-metrics-v0.11.txt');
  const models = read(o.models ?? 'vllm-v1-models.json');
  const server: Server = createServer((req, res) => {
    const answer = () => {
      switch (req.url) {
        case '/health':
          res.writeHead(o.unhealthy ? 503 : 200, { 'content-length': 0 });
          return res.end();
        case '/v1/models':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(models);
        case '/version':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ version: o.version ?? '0.11.0' }));
        case '/metrics':
          if (o.metricsFault === 'hang') return; // headers never come
          if (o.metricsFault === 'error') {
            res.writeHead(500, { 'content-type': 'text/plain' });
            return res.end('Internal Server Error');
          }
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          if (o.metricsFault === 'huge') return streamHuge(res);
          if (o.metricsFault === 'garbage')
            return res.end(`${metrics.slice(0, 5000)}\n<html>proxy error</html>\n`);
          return res.end(metrics);
        default:
          res.writeHead(404, { 'content-type': 'application/json' });
          return res.end('{"detail":"Not Found"}');
      }
    };
    if (o.delayMs) setTimeout(answer, o.delayMs);
    else answer();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** 50 MB of valid sample lines without a Content-Length, written as fast as they are read. */
function streamHuge(res: import('node:http').ServerResponse): void {
  const chunk = 'vllm:num_requests_running{model_name="m"} 1\n'.repeat(20_000);
  let sent = 0;
  const more = () => {
    while (sent < 50 * 1024 * 1024) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    res.end();
  };
  res.on('close', () => (sent = Infinity));
  more();
}
