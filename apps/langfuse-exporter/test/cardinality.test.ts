/**
 * Cardinality is bounded by construction: a Langfuse project with 10,000 users, 200 models and
 * 60 score names keeps the built exporter's whole /metrics under LANGFUSE_SERIES_BUDGET, and a
 * top-N that could exceed the budget is refused at start.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runWithConfig, sampleValue, scrapeUntil } from '@llmmon/metrics-core/testing';
import { freePort, startProcess } from '@llmmon/native-stack';
import { PUBLIC_KEY, SECRET_KEY, scoreItem, startFakeLangfuse, type FakeLangfuse } from './fake-langfuse';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/langfuse-exporter/main.js');
const USERS = 10_000;
const MODELS = 200;
const SCORE_NAMES = 60;

/** 7 days of daily metrics for 200 models, 10,000 traces from 10,000 users in the last hour. */
function bigProject(now: number) {
  const days = Array.from({ length: 7 }, (_, d) => ({
    date: new Date(now - d * 86_400_000).toISOString().slice(0, 10),
    countTraces: MODELS * 100,
    countObservations: MODELS * 200,
    totalCost: MODELS * 1.5,
    usage: Array.from({ length: MODELS }, (_, m) => ({
      model: `org-${m}/model-${m}-instruct`,
      inputUsage: 1000 * (m + 1),
      outputUsage: 300 * (m + 1),
      totalUsage: 1300 * (m + 1),
      countObservations: 200,
      countTraces: 100,
      totalCost: 1.5,
    })),
  }));
  const traces = Array.from({ length: USERS }, (_, i) => ({
    id: `trace-${i}`,
    timestamp: new Date(now - 120_000 - i * 300).toISOString(),
    name: 'litellm-acompletion',
    userId: `user-${i}`,
    sessionId: `session-${i}`,
    latency: (i % 50) / 5,
    totalCost: 0.001,
  }));
  const scores = Array.from({ length: 3000 }, (_, i) =>
    scoreItem(`score-${i % SCORE_NAMES}`, (i % 10) / 10, new Date(now - 120_000 - i * 1000).toISOString()),
  );
  return { days, traces, scores };
}

describe('a project with 10,000 users and 200 models', () => {
  let fake: FakeLangfuse;
  let exporter: Awaited<ReturnType<typeof startProcess>> | undefined;

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error('dist/apps/langfuse-exporter is missing: run "npx nx build langfuse-exporter"');
    const project = bigProject(Date.now());
    fake = await startFakeLangfuse({
      daily: () => project.days,
      traces: () => project.traces,
      scores: () => project.scores,
    });
  });

  afterAll(async () => {
    await exporter?.stop();
    await fake?.close();
  });

  it('stays under the default series budget of 2,000', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    exporter = await startProcess({
      name: 'langfuse-exporter',
      command: MAIN,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        LANGFUSE_URL: fake.url,
        LANGFUSE_PUBLIC_KEY: PUBLIC_KEY,
        LANGFUSE_SECRET_KEY: SECRET_KEY,
        LANGFUSE_MAX_PAGES: '200',
        LANGFUSE_TOP_MODELS: '100',
        LANGFUSE_TOP_SCORES: '50',
      },
      readyUrl: `${url}/ready`,
    });
    const r = await scrapeUntil(url, (s) => sampleValue(s.families, 'llmmon_langfuse_up') === 1, 'up');
    const series = [...r.families.values()].reduce((n, f) => n + f.samples.length, 0);
    // Every user and model was read …
    expect(sampleValue(r.families, 'llmmon_langfuse_active_users')).toBe(USERS);
    expect(sampleValue(r.families, 'llmmon_langfuse_models')).toBe(MODELS);
    // … and none of them became a label beyond the top N.
    expect(r.text).not.toMatch(/user-\d|session-\d|trace-\d/);
    const models = new Set(
      r.families.get('llmmon_langfuse_model_traces')!.samples.map((s) => s.labels['model']),
    );
    expect(models.size).toBe(101); // top 100 + other
    expect(r.families.get('llmmon_langfuse_scores_total')!.samples).toHaveLength(51); // top 50 + other
    expect(series).toBeGreaterThan(1000); // the budget is really being used, not trivially met
    expect(series).toBeLessThanOrEqual(2000);
  });

  it('refuses a top N that could exceed the budget, naming the variable', () => {
    const r = runWithConfig(MAIN, {
      LANGFUSE_PUBLIC_KEY: PUBLIC_KEY,
      LANGFUSE_SECRET_KEY: SECRET_KEY,
      LANGFUSE_TOP_MODELS: '500',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/LANGFUSE_TOP_MODELS.*LANGFUSE_SERIES_BUDGET \(2000\)/);
  });
});
