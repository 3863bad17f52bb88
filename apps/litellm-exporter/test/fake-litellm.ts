/** A stand-in LiteLLM proxy (it cannot run here) answering with the fixtures' bodies. */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FIXTURES_DIR } from '@llmmon/fixtures';

export const FIXTURES = FIXTURES_DIR;
export const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
export const KEY = 'sk-fixture-master-key-0123';

export interface FakeLitellmOptions {
  readonly health?: string;
  /** Transforms the /metrics fixture (e.g. into the old metric names). */
  readonly metrics?: (text: string) => string;
  /** Transforms the /model/info body (e.g. to put a key into api_base). */
  readonly modelInfo?: (body: string) => string;
  /** Asked on every request: answer normally, with an HTML error page, or after 3 s. */
  readonly fault?: () => 'html' | 'slow' | undefined;
  /** /metrics answers 404, as a proxy without the prometheus callback. */
  readonly noMetrics?: boolean;
  /** Rows of /spend/logs/v2 (each with startTime); asked on every request. */
  readonly spendLogs?: () => Record<string, unknown>[];
}

/** /spend/logs/v2 as LiteLLM answers it: start_date ≤ startTime ≤ end_date (UTC), sorted, paged. */
function spendLogPage(rows: Record<string, unknown>[], q: URLSearchParams) {
  const at = (name: string, fallback: number) => {
    const raw = q.get(name);
    return raw ? Date.parse(`${raw.replace(' ', 'T')}Z`) : fallback;
  };
  const from = at('start_date', -Infinity);
  const to = at('end_date', Infinity);
  const page = Number(q.get('page') ?? 1);
  const size = Number(q.get('page_size') ?? 50);
  const start = (r: Record<string, unknown>) => Date.parse(String(r['startTime']));
  // A row whose startTime the exporter cannot read is in every answer (the server has it stored).
  const matching = rows
    .filter((r) => Number.isNaN(start(r)) || (start(r) >= from && start(r) <= to))
    .sort((a, b) => (start(a) || 0) - (start(b) || 0));
  return {
    data: matching.slice((page - 1) * size, page * size),
    total: matching.length,
    page,
    page_size: size,
    total_pages: Math.ceil(matching.length / size),
  };
}

export async function startFakeLitellm(o: FakeLitellmOptions = {}) {
  const server = createServer((req, res) => {
    const fault = o.fault?.();
    if (fault === 'html') {
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    }
    if (fault === 'slow') return void setTimeout(() => res.writeHead(200).end('{}'), 3000).unref();
    const authorized = req.headers.authorization === `Bearer ${KEY}`;
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
    const [path, query] = (req.url ?? '/').split('?') as [string, string | undefined];
    if (path === '/spend/logs/v2') {
      if (!authorized) return send(401, 'application/json', '{"error":{"message":"Authentication Error"}}');
      return send(
        200,
        'application/json',
        JSON.stringify(spendLogPage(o.spendLogs?.() ?? [], new URLSearchParams(query))),
      );
    }
    switch (req.url) {
      case '/model/info': {
        if (!authorized) return send(401, 'application/json', '{"error":{"message":"Authentication Error"}}');
        const body = read('litellm-model-info.json');
        return send(200, 'application/json', o.modelInfo ? o.modelInfo(body) : body);
      }
      case '/health':
        if (!authorized) return send(401, 'application/json', '{"error":{"message":"Authentication Error"}}');
        return send(200, 'application/json', read(o.health ?? 'litellm-health.json'));
      case '/health/readiness':
        return send(200, 'application/json', read('litellm-health-readiness.json'));
      case '/metrics': {
        if (o.noMetrics) return send(404, 'application/json', '{"detail":"Not Found"}');
        const text = read('litellm-metrics.txt');
        return send(200, 'text/plain; version=0.0.4', o.metrics ? o.metrics(text) : text);
      }
      default:
        return send(404, 'application/json', '{"detail":"Not Found"}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The fixture as a LiteLLM before Aug 2025 wrote it: token counters without _metric, requests by model. */
export function oldNames(text: string): string {
  return text
    .split('\n')
    .filter(
      (l) =>
        !l.includes('litellm_proxy_total_requests_metric') && !l.includes('litellm_proxy_failed_requests'),
    )
    .join('\n')
    .replace(/litellm_(input|output|total)_tokens_metric_(total|created)/g, 'litellm_$1_tokens_$2');
}
