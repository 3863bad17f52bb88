/**
 * The demo with a day of backfilled history (a scrape every 5 minutes, to keep the test
 * short): Prometheus starts with the whole day in its TSDB, from the real exporters' answers
 * to the simulator's past, and goes on live after it.
 */
import { queryPrometheus } from '@llmmon/native-stack';
import { startDemo, type RunningDemo } from '../run-demo';

const STEP_SECONDS = 300;

describe('npm run backfill', () => {
  let demo: RunningDemo;
  beforeAll(async () => {
    demo = await startDemo(
      { DEMO_BACKFILL_DAYS: '1', DEMO_BACKFILL_STEP_SECONDS: String(STEP_SECONDS) },
      300_000,
    );
  }, 320_000);
  afterAll(async () => {
    demo?.child.kill('SIGINT');
    await demo?.exited;
    demo?.cleanup();
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
});
