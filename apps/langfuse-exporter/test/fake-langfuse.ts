/**
 * A stand-in Langfuse (it cannot run here) that answers like its public API: Basic auth with
 * the project keys, page/limit pagination with `meta`, the fromTimestamp/toTimestamp filters
 * (from inclusive, to exclusive), newest first. Bodies come from the fixtures unless replaced.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { FIXTURES_DIR } from '@llmmon/fixtures';

export const FIXTURES = FIXTURES_DIR;
const fixture = (name: string) =>
  (JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as { data: Record<string, unknown>[] }).data;
export const PUBLIC_KEY = 'pk-lf-fixture-0001';
export const SECRET_KEY = 'sk-lf-fixture-secret-0001';
export const VERSION = '3.120.0';

type Item = Record<string, unknown>;

/** Scores shaped like GET /api/public/scores items (no fixture of them exists; the simulator serves the same shape). */
export function scoreItem(name: string, value: number | null, timestamp: string, dataType = 'NUMERIC'): Item {
  return {
    id: `${name}-${timestamp}`,
    traceId: '1bf4bdb8608a3ea12655b771cf914335',
    name,
    value,
    stringValue: dataType === 'CATEGORICAL' ? 'billing' : undefined,
    source: 'API',
    dataType,
    timestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
    observationId: null,
    comment: null,
    configId: null,
    environment: 'default',
  };
}

export const FIXTURE_SCORES: Item[] = [
  scoreItem('user-feedback', 1, '2025-11-18T14:29:53.000Z'),
  scoreItem('helpfulness', 0.82, '2025-11-18T14:29:50.000Z'),
  scoreItem('helpfulness', 0.64, '2025-11-18T14:29:40.000Z'),
  scoreItem('topic', null, '2025-11-18T14:29:30.000Z', 'CATEGORICAL'),
];

export interface FakeLangfuseOptions {
  readonly daily?: () => Item[];
  readonly traces?: () => Item[];
  readonly scores?: () => Item[];
  /** Asked on every request: answer normally, with an HTML page, with garbage, or after 3 s. */
  readonly fault?: () => 'html' | 'garbage' | 'slow' | undefined;
}

export interface FakeLangfuse {
  readonly url: string;
  /** Every request's path and query, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startFakeLangfuse(o: FakeLangfuseOptions = {}): Promise<FakeLangfuse> {
  const requests: string[] = [];
  const auth = `Basic ${Buffer.from(`${PUBLIC_KEY}:${SECRET_KEY}`).toString('base64')}`;
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const fault = o.fault?.();
    if (fault === 'html') return send(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
    if (fault === 'garbage') return send(200, '{"data": [1, 2', 'application/json');
    if (fault === 'slow') return void setTimeout(() => send(200, {}), 3000).unref();
    const url = new URL(req.url ?? '/', 'http://langfuse');
    const q = url.searchParams;
    if (url.pathname === '/api/public/health') return send(200, { status: 'OK', version: VERSION });
    if (req.headers.authorization !== auth) {
      return send(401, { message: "Invalid credentials. Confirm that you've configured the correct host." });
    }
    const page = Number(q.get('page') ?? 1);
    const limit = Number(q.get('limit') ?? 50);
    if (!(page >= 1) || !(limit >= 1 && limit <= 100)) return send(400, { message: 'Invalid request data' });
    const from = Date.parse(q.get('fromTimestamp') ?? '1970-01-01T00:00:00Z');
    const to = Date.parse(q.get('toTimestamp') ?? '9999-01-01T00:00:00Z');
    const within = (field: string) => (item: Item) => {
      const t = Date.parse(String(item[field]));
      return t >= from && t < to;
    };
    const paged = (items: Item[]) =>
      send(200, {
        data: items.slice((page - 1) * limit, page * limit),
        meta: { page, limit, totalItems: items.length, totalPages: Math.ceil(items.length / limit) },
      });
    switch (url.pathname) {
      case '/api/public/metrics/daily':
        // Days on or after the day of fromTimestamp.
        return paged(
          (o.daily?.() ?? fixture('langfuse-metrics-daily.json')).filter(
            (d) => String(d['date']) >= new Date(from).toISOString().slice(0, 10),
          ),
        );
      case '/api/public/traces':
        return paged((o.traces?.() ?? fixture('langfuse-traces.json')).filter(within('timestamp')));
      case '/api/public/scores':
        return paged((o.scores?.() ?? FIXTURE_SCORES).filter(within('timestamp')));
      default:
        return send(404, { message: 'Not found' });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
