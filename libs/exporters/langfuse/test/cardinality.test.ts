/**
 * Cardinality is bounded by construction: a Langfuse project with 10,000 users, 200 models and
 * 60 score names keeps the exporter's whole /metrics under LANGFUSE_SERIES_BUDGET (a top-N that
 * could exceed the budget is refused at start: config.test.ts).
 */
import { sampleValue, scrapeUntil, startDefinition, type TestExporter } from '@llmmon/metrics-core/testing';
import { FAKE_LANGFUSE, scoreItem, startFakeLangfuse, type FakeLangfuse } from '@llmmon/fixtures';
import { langfuseExporter } from '../src';

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
  let exporter: TestExporter | undefined;

  beforeAll(async () => {
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
    exporter = await startDefinition(langfuseExporter, {
      LANGFUSE_URL: fake.url,
      LANGFUSE_PUBLIC_KEY: FAKE_LANGFUSE.publicKey,
      LANGFUSE_SECRET_KEY: FAKE_LANGFUSE.secretKey,
      LANGFUSE_MAX_PAGES: '200',
      LANGFUSE_TOP_MODELS: '100',
      LANGFUSE_TOP_SCORES: '50',
    });
    const r = await scrapeUntil(
      exporter.url,
      (s) => sampleValue(s.families, 'llmmon_upstream_up', { upstream: 'langfuse' }) === 1,
      'up',
    );
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
});
