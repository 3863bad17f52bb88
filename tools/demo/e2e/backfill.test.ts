/**
 * The demo with a day of backfilled history (a scrape every 5 minutes, to keep the test
 * short): Prometheus starts with the whole day in its TSDB, from the real exporters' answers
 * to the simulator's past, and goes on live after it. The same history goes to a fleet's
 * centre (VictoriaMetrics's import API), as `npm run backfill -- --hosts N` has each host do.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  queryPrometheus,
  startVictoriaMetrics,
  type RunningVictoriaMetrics,
} from '@llmmon/native-stack';
import { startDemo, type RunningDemo } from '../run-demo';

const STEP_SECONDS = 300;

describe('npm run backfill', () => {
  let demo: RunningDemo;
  let centre: RunningVictoriaMetrics;
  const centreDir = mkdtempSync(join(tmpdir(), 'llmmon-backfill-centre-'));
  beforeAll(async () => {
    centre = await startVictoriaMetrics({ port: await freePort(), dataDir: centreDir });
    demo = await startDemo(
      {
        DEMO_BACKFILL_DAYS: '1',
        DEMO_BACKFILL_STEP_SECONDS: String(STEP_SECONDS),
        DEMO_HOST_NAME: 'backfilled-host',
        BACKFILL_IMPORT_URL: `${centre.url}/api/v1/import/prometheus`,
      },
      300_000,
    );
  }, 320_000);
  afterAll(async () => {
    demo?.child.kill('SIGINT');
    await demo?.exited;
    demo?.cleanup();
    await centre?.stop();
    rmSync(centreDir, { recursive: true, force: true });
  });

  it('showed its progress and what it wrote', () => {
    expect(demo.output()).toMatch(/backfilled \d+ scrapes \(\d+ samples\)/);
    expect(demo.output()).toMatch(/\[demo\] #+\.* \d+%/);
  });

  it('gives every target a full day of samples', async () => {
    // One sample per step across the day (the live scrapes since add a few more).
    const counts = await queryPrometheus(demo.prometheus, 'count_over_time(up{job!="prometheus"}[1d])');
    expect(counts.map((s) => s.metric['job']).sort()).toEqual(
      ['container', 'gpu', 'langfuse', 'litellm', 'system', 'vllm'].sort(),
    );
    for (const s of counts) expect(Number(s.value[1])).toBeGreaterThanOrEqual(86_400 / STEP_SECONDS - 2);
    const oldest = await queryPrometheus(demo.prometheus, 'min_over_time(timestamp(up{job="gpu"})[1d:5m])');
    expect(Date.now() / 1000 - Number(oldest[0]!.value[1])).toBeGreaterThan(86_400 - 2 * STEP_SECONDS);
  });

  it('answers a 1-day range query on GPU utilization at every step', async () => {
    const end = Math.floor(Date.now() / 1000);
    const res = await fetch(
      `${demo.prometheus}/api/v1/query_range?query=${encodeURIComponent('avg(llmmon_gpu_utilization_ratio)')}&start=${end - 86_400 + STEP_SECONDS}&end=${end}&step=${STEP_SECONDS}`,
    );
    const body = (await res.json()) as { data: { result: { values: [number, string][] }[] } };
    const values = body.data.result[0]!.values;
    expect(values.length).toBeGreaterThanOrEqual(86_400 / STEP_SECONDS - 2);
    // The simulated day: utilization varies with the daily load curve, it is not one flat value.
    expect(new Set(values.map(([, v]) => Number(v).toFixed(2))).size).toBeGreaterThan(5);
  });

  it("sent the centre the same day, under the host's label", async () => {
    await fetch(`${centre.url}/internal/force_flush`);
    const end = Math.floor(Date.now() / 1000) - 600; // before the live scrapes (not shipped here)
    const query = 'count_over_time(up{job="gpu"}[1d])';
    const there = await queryPrometheus(
      centre.url,
      query.replace('job="gpu"', 'job="gpu", host="backfilled-host"'),
      end,
    );
    const here = await queryPrometheus(demo.prometheus, query, end);
    expect(Number(there[0]?.value[1])).toBeGreaterThanOrEqual(86_400 / STEP_SECONDS - 4);
    expect(there[0]?.value[1]).toBe(here[0]?.value[1]);
    // Every exporter's families, not only `up`.
    const gpus = await queryPrometheus(
      centre.url,
      'count(last_over_time(llmmon_gpu_info{host="backfilled-host"}[1h]))',
      end,
    );
    expect(gpus[0]?.value[1]).toBe('8');
    // What remote write would not ship (remote-write.yml) stays on the host here too.
    const raw = 'count(last_over_time({__name__=~"vllm:.+"}[1h]))';
    expect(Number((await queryPrometheus(demo.prometheus, raw, end))[0]?.value[1])).toBeGreaterThan(0);
    expect(await queryPrometheus(centre.url, raw, end)).toEqual([]);
  });
});
