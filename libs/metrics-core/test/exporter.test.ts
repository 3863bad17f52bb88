import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import {
  type Collector,
  gauge,
  counter,
  healthcheck,
  type MetricSink,
  parseExposition,
  type Source,
} from '../src';
import { scrape, startTestExporter, type TestExporter } from '../src/testing';

const up = gauge('test_thing_up', 'Whether the thing is up.', ['thing']);
const bytes = counter('test_thing_bytes_total', 'Bytes the thing moved.', ['thing']);

function fixed(name: string, thing: string, value = 1): Collector {
  return {
    name,
    metrics: [],
    collect(out: MetricSink) {
      out.add(up, { thing }, value);
    },
  };
}

const throwing: Collector = {
  name: 'throws',
  metrics: [],
  collect(out) {
    out.add(bytes, { thing: 'partial' }, 5); // written before failing: must not leak into the scrape
    throw new Error('boom');
  },
};

let hangingCalls = 0;
const hanging: Collector = {
  name: 'hangs',
  metrics: [],
  timeoutMs: 200,
  // The warm-up collection at start-up passes; every later run never settles.
  collect: () => (++hangingCalls === 1 ? undefined : new Promise<void>(() => undefined)),
};

function value(
  res: { families: Awaited<ReturnType<typeof scrape>>['families'] },
  name: string,
  labels: Record<string, string> = {},
) {
  const family = [...res.families.values()].find((f) => f.samples.some((s) => s.name === name));
  const sample = family?.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return sample?.value;
}

describe('failure isolation', () => {
  let t: TestExporter;
  beforeAll(async () => {
    t = await startTestExporter({ collectors: [fixed('ok', 'a'), throwing, hanging] });
  });
  afterAll(() => t.stop());

  it('answers 200 despite a throwing and a hanging collector, without waiting past the timeout', async () => {
    // The hanging collector never settles: without the runner's timeout this request would
    // hang and the 5 s abort below would fail the test.
    const res = await fetch(`${t.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
    expect(res.status).toBe(200);
    const parsed = { families: parseExposition(await res.text()) };
    expect(hangingCalls).toBe(2);
    expect(value(parsed, 'llmmon_exporter_collector_success', { collector: 'ok' })).toBe(1);
    expect(value(parsed, 'llmmon_exporter_collector_success', { collector: 'throws' })).toBe(0);
    expect(value(parsed, 'llmmon_exporter_collector_success', { collector: 'hangs' })).toBe(0);
    expect(value(parsed, 'test_thing_up', { thing: 'a' })).toBe(1);
    expect(parsed.families.has('test_thing_bytes_total')).toBe(false);
    expect(
      value(parsed, 'llmmon_exporter_collector_duration_seconds', { collector: 'hangs' }),
    ).toBeGreaterThanOrEqual(0.19);
    expect(
      value(parsed, 'llmmon_exporter_collector_errors_total', { collector: 'throws', kind: 'error' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(parsed, 'llmmon_exporter_collector_errors_total', { collector: 'hangs', kind: 'timeout' }),
    ).toBeGreaterThanOrEqual(1);
    // Every kind from 0, so rate() sees the first failure of each.
    for (const kind of ['error', 'timeout', 'permission', 'parse'])
      expect(value(parsed, 'llmmon_exporter_collector_errors_total', { collector: 'ok', kind })).toBe(0);
    expect(value(parsed, 'llmmon_exporter_build_info', { exporter: 'test' })).toBe(1);
    expect(parsed.families.has('process_cpu_seconds_total')).toBe(true);
  });

  it('does not start a second run of a collector that is still hung', async () => {
    let started = 0;
    const sticky: Collector = {
      name: 'sticky',
      metrics: [],
      timeoutMs: 50,
      collect: () => {
        started++;
        return new Promise<void>(() => undefined);
      },
    };
    const s = await startTestExporter({ collectors: [sticky] });
    try {
      await scrape(s.url);
      await scrape(s.url);
      await scrape(s.url);
      expect(started).toBe(1);
    } finally {
      await s.stop();
    }
  });
});

describe('single-flight and cache', () => {
  it('serves 50 concurrent scrapes from exactly one collection', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Collector = {
      name: 'slow',
      metrics: [],
      async collect(out) {
        calls++;
        if (calls > 1) await gate; // the warm-up collection at start passes straight through
        out.add(up, { thing: 'slow' }, calls);
      },
    };
    // Released once all 50 scrapes have reached the exporter: they wait on one collection.
    let arrived = 0;
    const t = await startTestExporter({ collectors: [slow] });
    const url = t.url;
    const started = t.exporter.metrics.bind(t.exporter);
    t.exporter.metrics = (format) => {
      if (++arrived === 50) release();
      return started(format);
    };
    try {
      while (!(await scrape(url, { path: '/ready' })).status.toString().startsWith('2')) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const results = await Promise.all(Array.from({ length: 50 }, () => scrape(url)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(new Set(results.map((r) => value(r, 'test_thing_up', { thing: 'slow' })))).toEqual(new Set([2]));
      expect(calls).toBe(2);
      expect(value(results[0]!, 'llmmon_exporter_collections_total')).toBe(2);
    } finally {
      await t.stop();
    }
  });

  it('reuses a finished collection within SCRAPE_CACHE_SECONDS', async () => {
    let calls = 0;
    const t = await startTestExporter({
      collectors: [{ name: 'c', metrics: [], collect: () => void calls++ }],
      env: { SCRAPE_CACHE_SECONDS: '60' },
    });
    try {
      await scrape(t.url);
      await scrape(t.url);
      await scrape(t.url);
      expect(calls).toBe(1);
    } finally {
      await t.stop();
    }
  });

  it('drops series that a later collection no longer reports', async () => {
    const things = [['a', 'b'], ['b']];
    let i = 0;
    const t = await startTestExporter({
      collectors: [
        {
          name: 'c',
          metrics: [],
          collect: (out) => things[i++]!.forEach((thing) => out.add(up, { thing }, 1)),
        },
      ],
    });
    try {
      // The warm-up collection consumes things[0]; the next scrape collects things[1].
      while ((await scrape(t.url, { path: '/ready' })).status !== 200)
        await new Promise((r) => setTimeout(r, 5));
      const res = await scrape(t.url);
      expect(value(res, 'test_thing_up', { thing: 'b' })).toBe(1);
      expect(value(res, 'test_thing_up', { thing: 'a' })).toBeUndefined();
    } finally {
      await t.stop();
    }
  });
});

describe('formats', () => {
  let t: TestExporter;
  beforeAll(async () => {
    t = await startTestExporter({ collectors: [fixed('ok', 'a')] });
  });
  afterAll(() => t.stop());

  it('speaks OpenMetrics when asked, without corrupting later text-format scrapes', async () => {
    const om = await scrape(t.url, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    });
    expect(om.headers.get('content-type')).toMatch(/^application\/openmetrics-text/);
    expect(om.text.endsWith('# EOF\n')).toBe(true);
    expect(om.text).toContain('# TYPE llmmon_exporter_collector_errors counter');
    expect(om.text).toMatch(/^llmmon_exporter_collector_errors_total\{/m);

    const text = await scrape(t.url);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text.text).toContain('# TYPE llmmon_exporter_collector_errors_total counter');
    expect(text.text).not.toContain('# EOF');
  });

  it('gzips when the client accepts it', async () => {
    const { port } = new URL(t.url);
    const { headers, body } = await new Promise<{ headers: Record<string, unknown>; body: Buffer }>(
      (resolve, reject) => {
        request(
          { host: '127.0.0.1', port, path: '/metrics', headers: { 'accept-encoding': 'gzip' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          },
        )
          .on('error', reject)
          .end();
      },
    );
    expect(headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(body).toString()).toContain('test_thing_up{thing="a"} 1');
  });
});

/** A source that is not ready until upstreamUp() says its upstream answers. */
function upstreamSource(): { source: Source; upstreamUp: () => void } {
  let upstreamOk = false;
  return {
    source: {
      name: 'x',
      start: () => undefined,
      stop: () => undefined,
      ready: () => ({ ready: upstreamOk, detail: 'upstream x unreachable' }),
    },
    upstreamUp: () => (upstreamOk = true),
  };
}

describe('routes', () => {
  it('reports health at once and readiness after the first collection and upstream checks', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { source, upstreamUp } = upstreamSource();
    const t = await startTestExporter({
      collectors: [{ name: 'gated', metrics: [], collect: () => gate }],
      sources: [source],
    });
    try {
      expect((await scrape(t.url, { path: '/health' })).json).toEqual({ status: 'ok' });
      const before = await scrape(t.url, { path: '/ready' });
      expect(before.status).toBe(503);
      release();
      await scrape(t.url);
      const notUp = await scrape(t.url, { path: '/ready' });
      expect(notUp.status).toBe(503);
      expect(notUp.json).toEqual({ status: 'not_ready', detail: 'upstream x unreachable' });
      upstreamUp();
      expect((await scrape(t.url, { path: '/ready' })).status).toBe(200);
    } finally {
      await t.stop();
    }
  });

  it('`main.js healthcheck` (the image HEALTHCHECK) exits 0 only while its own /ready says ready', async () => {
    const { source, upstreamUp } = upstreamSource();
    const t = await startTestExporter({ collectors: [], sources: [source] });
    const env = { PORT: new URL(t.url).port, HOST: '0.0.0.0' };
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await scrape(t.url);
      expect(await healthcheck(1, env)).toBe(1);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(
        /not ready: .*\/ready answered 503 .*upstream x unreachable/,
      );
      upstreamUp();
      expect(await healthcheck(1, env)).toBe(0);
    } finally {
      await t.stop();
    }
    // Nothing listening any more: unhealthy, with the reason.
    expect(await healthcheck(1, env)).toBe(1);
    expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(
      /not ready: http:\/\/127\.0\.0\.1:\d+\/ready: .*fetch failed/,
    );
    stderr.mockRestore();
  });

  it('answers unknown paths and methods with JSON errors', async () => {
    const t = await startTestExporter({ collectors: [] });
    try {
      const res = await scrape(t.url, { path: '/nope' });
      expect(res.status).toBe(404);
      expect(res.json).toEqual({ error: 'not_found', detail: 'no route for GET /nope' });
      const post = await fetch(`${t.url}/metrics`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(await post.json()).toEqual({
        error: 'method_not_allowed',
        detail: 'POST is not allowed on /metrics',
      });
    } finally {
      await t.stop();
    }
  });
});

describe('auth', () => {
  it('requires credentials on /metrics when configured, and accepts bearer or basic', async () => {
    const t = await startTestExporter({
      collectors: [fixed('ok', 'a')],
      env: { METRICS_AUTH_TOKEN: 'tok-123', METRICS_AUTH_USERNAME: 'prom', METRICS_AUTH_PASSWORD: 'pw' },
    });
    try {
      const none = await scrape(t.url);
      expect(none.status).toBe(401);
      expect(none.json).toMatchObject({ error: 'unauthorized' });
      expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect((await scrape(t.url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await scrape(t.url, { headers: { authorization: 'Bearer tok-123' } })).status).toBe(200);
      const basic = `Basic ${Buffer.from('prom:pw').toString('base64')}`;
      expect((await scrape(t.url, { headers: { authorization: basic } })).status).toBe(200);
      expect((await scrape(t.url, { path: '/health' })).status).toBe(200);
    } finally {
      await t.stop();
    }
  });

  async function withControlRoute(env: Record<string, string>) {
    let changes = 0;
    const t = await startTestExporter({
      collectors: [],
      control: true,
      env,
      routes: (router, { control }) => {
        router.put('/api/v1/thing', ...control, (ctx) => {
          changes++;
          ctx.body = { ok: true };
        });
      },
    });
    const put = (auth?: string) =>
      fetch(`${t.url}/api/v1/thing`, { method: 'PUT', headers: auth ? { authorization: auth } : {} });
    return { t, put, changes: () => changes };
  }

  it('refuses state changes when no admin token is configured', async () => {
    const { t, put, changes } = await withControlRoute({});
    try {
      const res = await put('Bearer anything-at-all-really');
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'forbidden' });
      expect(changes()).toBe(0);
    } finally {
      await t.stop();
    }
  });

  it('needs the admin token for state changes and rate-limits them', async () => {
    const { t, put, changes } = await withControlRoute({
      ADMIN_TOKEN: 'a-long-admin-token',
      CONTROL_RATE_LIMIT_PER_MINUTE: '4',
    });
    try {
      expect((await put()).status).toBe(401);
      expect((await put('Bearer nope')).status).toBe(403);
      expect((await put('Bearer a-long-admin-token')).status).toBe(200);
      expect((await put('Bearer a-long-admin-token')).status).toBe(200);
      const limited = await put('Bearer a-long-admin-token');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
      expect(changes()).toBe(2);
    } finally {
      await t.stop();
    }
  });
});
