/**
 * Integration: the built Langfuse exporter polls the simulator's Langfuse (the requests the
 * simulated LiteLLM traced), and a real Prometheus scrapes it. The simulator's clock stands
 * still a minute before now, so the exporter's window holds every simulated trace.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleValue, scrapeUntil } from '@llmmon/metrics-core/testing';
import {
  freePort,
  startProcess,
  scrapeEverySecond,
  startPrometheus,
  startSimulator,
  waitForQuery,
  type RunningPrometheus,
  type RunningSimulator,
} from '@llmmon/native-stack';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/langfuse-exporter/main.js');
const AUTH = `Basic ${Buffer.from('pk-lf-llmmon-sim:sk-lf-llmmon-sim').toString('base64')}`;

interface Listing<T> {
  data: T[];
  meta: { totalItems: number; totalPages: number };
}

describe('Langfuse exporter on the simulated Langfuse', () => {
  let sim: RunningSimulator;
  let exporter: Awaited<ReturnType<typeof startProcess>>;
  let prometheus: RunningPrometheus;
  let url: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-langfuse-'));
  /** Everything a listing of the simulated Langfuse holds (pages of 100). */
  const all = async <T>(path: string): Promise<T[]> => {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const res = await fetch(`${sim.upstreams.langfuse.url}${path}?page=${page}&limit=100`, {
        headers: { authorization: AUTH },
      });
      const body = (await res.json()) as Listing<T>;
      items.push(...body.data);
      if (page >= body.meta.totalPages) return items;
    }
  };

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error('dist/apps/langfuse-exporter is missing: run "npx nx build langfuse-exporter"');
    const start = Date.now() - 50 * 60_000;
    sim = await startSimulator({
      root: ROOT,
      dataDir: join(dataDir, 'sim'),
      env: { SIM_CLOCK: 'manual', SIM_START_TIME: new Date(start).toISOString() },
    });
    const moved = await sim.put('/api/v1/clock', {
      mode: 'manual',
      time: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(moved.status).toBe(200);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    exporter = await startProcess({
      name: 'langfuse-exporter',
      command: MAIN,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        LANGFUSE_URL: sim.upstreams.langfuse.url,
        LANGFUSE_PUBLIC_KEY: 'pk-lf-llmmon-sim',
        LANGFUSE_SECRET_KEY: 'sk-lf-llmmon-sim',
        LANGFUSE_INGESTION_DELAY_SECONDS: '0',
      },
      readyUrl: `${url}/ready`,
    });
    prometheus = await startPrometheus({
      port: await freePort(),
      dataDir: join(dataDir, 'prometheus'),
      config: scrapeEverySecond({ langfuse: `127.0.0.1:${port}` }),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reports today's traces, tokens and cost per model as Langfuse's daily metrics give them", async () => {
    const r = await scrapeUntil(
      url,
      (s) => sampleValue(s.families, 'llmmon_upstream_up', { upstream: 'langfuse' }) === 1,
      'up',
    );
    const today = new Date().toISOString().slice(0, 10); // the exporter's today (UTC)
    const day = (
      await all<{
        date: string;
        countTraces: number;
        usage: { model: string | null; outputUsage: number }[];
      }>('/api/public/metrics/daily')
    ).find((d) => d.date === today) ?? { countTraces: 0, usage: [] };
    // Unless the UTC day began within the simulated 50 minutes, there is traffic to compare.
    if (Date.now() % 86_400_000 > 50 * 60_000) expect(day.countTraces).toBeGreaterThan(100);
    expect(sampleValue(r.families, 'llmmon_langfuse_traces', { window: 'today' })).toBe(day.countTraces);
    for (const u of day.usage) {
      expect(
        sampleValue(r.families, 'llmmon_langfuse_model_output_tokens', {
          model: u.model ?? 'unknown',
          window: 'today',
        }),
      ).toBe(u.outputUsage);
    }
  });

  it('counts every trace of the last hour once, its users and sessions, and every score by name', async () => {
    const r = await scrapeUntil(
      url,
      (s) => sampleValue(s.families, 'llmmon_upstream_up', { upstream: 'langfuse' }) === 1,
      'up',
    );
    const traces = await all<{ userId: string; sessionId: string }>('/api/public/traces');
    const scores = await all<{ name: string; value: number }>('/api/public/scores');
    const latency = r.families.get('llmmon_langfuse_trace_latency_seconds')!.samples;
    expect(latency.find((s) => s.name.endsWith('_count'))!.value).toBe(traces.length);
    expect(sampleValue(r.families, 'llmmon_langfuse_traces_unread_total')).toBe(0);
    expect(sampleValue(r.families, 'llmmon_langfuse_active_users')).toBe(
      new Set(traces.map((t) => t.userId)).size,
    );
    expect(sampleValue(r.families, 'llmmon_langfuse_active_sessions')).toBe(
      new Set(traces.map((t) => t.sessionId)).size,
    );
    for (const name of new Set(scores.map((s) => s.name))) {
      expect(sampleValue(r.families, 'llmmon_langfuse_scores_total', { name })).toBe(
        scores.filter((s) => s.name === name).length,
      );
    }
  });

  it('Prometheus scrapes it', async () => {
    await waitForQuery(
      prometheus.url,
      'llmmon_upstream_up{upstream="langfuse"}',
      (res) => res[0]?.value[1] === '1',
    );
    await waitForQuery(
      prometheus.url,
      'llmmon_langfuse_traces{window="today"}',
      (res) => Number(res[0]?.value[1]) > 0,
    );
  });
});
