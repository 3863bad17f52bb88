/**
 * The Langfuse exporter over a stand-in Langfuse answering with the fixtures: golden
 * exposition for the fixture project (its daily metrics in 3 pages), an empty project, the
 * page cap, and the top-N folding of models and score names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackgroundSnapshot, parseExposition, silentLogger, UpstreamHealth } from '@llmmon/metrics-core';
import { GoldenFiles, renderCollector, sampleValue } from '@llmmon/metrics-core/testing';
import { langfuseCollector } from '../src/collectors/langfuse';
import { LangfuseReader, type LangfuseReadOptions, type LangfuseState } from '../src/read';
import {
  FAKE_LANGFUSE,
  FIXTURES_DIR as FIXTURES,
  scoreItem,
  startFakeLangfuse,
  type FakeLangfuse,
  type FakeLangfuseOptions,
} from '@llmmon/fixtures';

const { publicKey: PUBLIC_KEY, secretKey: SECRET_KEY } = FAKE_LANGFUSE;

const goldens = new GoldenFiles(join(__dirname, 'golden'));
afterAll(() => goldens.assertNoOrphans());

const DAILY = (
  JSON.parse(readFileSync(join(FIXTURES, 'langfuse-metrics-daily.json'), 'utf8')) as {
    data: { date: string; countTraces: number; usage: { model: string | null; inputUsage: number }[] }[];
  }
).data;
/** The fixtures' "now": a minute after their newest trace. */
const NOW = Date.parse('2025-11-18T14:31:00Z');

function readerFor(fake: FakeLangfuse, o: Partial<LangfuseReadOptions> = {}) {
  return new LangfuseReader({
    url: fake.url,
    publicKey: PUBLIC_KEY,
    secretKey: SECRET_KEY,
    timeoutMs: 2000,
    windowDays: 7,
    maxPages: 20,
    ingestionDelayMs: 60_000,
    topModels: 20,
    topScores: 20,
    now: () => NOW,
    ...o,
  });
}

/** One poll and one scrape of the exporter over a stand-in Langfuse, without timings. */
async function scrapeOf(fakeOptions: FakeLangfuseOptions = {}, o: Partial<LangfuseReadOptions> = {}) {
  const fake = await startFakeLangfuse(fakeOptions);
  try {
    const reader = readerFor(fake, o);
    const upstreams = new UpstreamHealth('langfuse', silentLogger());
    const snapshot = new BackgroundSnapshot<LangfuseState>({
      upstream: upstreams.upstream('langfuse'),
      read: (signal) => reader.read(signal),
      intervalMs: 3_600_000,
      timeoutMs: 5000,
    });
    await snapshot.refresh();
    const text = (await renderCollector(langfuseCollector(snapshot), upstreams))
      .split('\n\n')
      .filter((b) => !/llmmon_upstream_(last_success_timestamp|read_duration)/.test(b))
      .join('\n\n');
    return { text, families: parseExposition(text), requests: fake.requests };
  } finally {
    await fake.close();
  }
}

describe('the Langfuse fixtures', () => {
  it('render the golden exposition, the daily metrics read in 3 pages', async () => {
    const { text, families, requests } = await scrapeOf({}, { pageSize: 3 });
    goldens.match('fixture-project.prom', text);
    const daily = requests.filter((r) => r.startsWith('/api/public/metrics/daily'));
    expect(daily.map((r) => new URL(r, 'http://x').searchParams.get('page'))).toEqual(['1', '2', '3']);
    const v = (family: string, labels: Record<string, string> = {}) => sampleValue(families, family, labels);
    /** A histogram's or summary's part (_bucket, _sum, _count) by its own name. */
    const part = (family: string, name: string, labels: Record<string, string> = {}) =>
      families
        .get(family)
        ?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, x]) => s.labels[k] === x))
        ?.value;
    expect(v('llmmon_upstream_up')).toBe(1);
    // Today is the fixture's newest day; 7d is the sum of all seven.
    expect(v('llmmon_langfuse_traces', { window: 'today' })).toBe(DAILY[0]!.countTraces);
    expect(v('llmmon_langfuse_traces', { window: '7d' })).toBe(DAILY.reduce((s, d) => s + d.countTraces, 0));
    const llama = (d: (typeof DAILY)[number]) =>
      d.usage.find((u) => u.model === 'meta-llama/Llama-3.1-70B-Instruct')!.inputUsage;
    expect(
      v('llmmon_langfuse_model_input_tokens', { model: 'meta-llama/Llama-3.1-70B-Instruct', window: '7d' }),
    ).toBe(DAILY.reduce((s, d) => s + llama(d), 0));
    // Usage without a model is reported, not dropped.
    expect(v('llmmon_langfuse_model_traces', { model: 'unknown', window: 'today' })).toBe(50974);
    // The three fixture traces are within the last hour: one latency each, users counted, never labelled.
    expect(part('llmmon_langfuse_trace_latency_seconds', 'llmmon_langfuse_trace_latency_seconds_count')).toBe(
      3,
    );
    expect(
      part('llmmon_langfuse_trace_latency_seconds', 'llmmon_langfuse_trace_latency_seconds_bucket', {
        le: '10',
      }),
    ).toBe(2);
    expect(v('llmmon_langfuse_active_users')).toBe(3);
    expect(v('llmmon_langfuse_active_sessions')).toBe(1);
    expect(text).not.toMatch(/u_1842|sess-7f3a9c21|1bf4bdb8608a3ea12655b771cf914335/);
    // Scores: counts of every kind, values of numeric ones.
    expect(v('llmmon_langfuse_scores_total', { name: 'topic' })).toBe(1);
    expect(
      part('llmmon_langfuse_score_value', 'llmmon_langfuse_score_value_count', { name: 'helpfulness' }),
    ).toBe(2);
    expect(
      part('llmmon_langfuse_score_value', 'llmmon_langfuse_score_value_sum', { name: 'helpfulness' }),
    ).toBeCloseTo(1.46, 10);
    expect(part('llmmon_langfuse_score_value', 'llmmon_langfuse_score_value_count', { name: 'topic' })).toBe(
      0,
    );
  });

  it('an empty project: up, zero totals, no model series', async () => {
    const { text, families } = await scrapeOf({ daily: () => [], traces: () => [], scores: () => [] });
    goldens.match('empty-project.prom', text);
    expect(sampleValue(families, 'llmmon_upstream_up')).toBe(1);
    expect(sampleValue(families, 'llmmon_langfuse_traces', { window: '7d' })).toBe(0);
    expect(families.get('llmmon_langfuse_model_traces')).toBeUndefined();
  });

  it('stops at LANGFUSE_MAX_PAGES and says so', async () => {
    const { families, requests } = await scrapeOf({}, { pageSize: 3, maxPages: 2 });
    expect(requests.filter((r) => r.startsWith('/api/public/metrics/daily'))).toHaveLength(2);
    expect(sampleValue(families, 'llmmon_langfuse_listing_truncated_total', { listing: 'daily' })).toBe(1);
    expect(sampleValue(families, 'llmmon_langfuse_listing_truncated_total', { listing: 'traces' })).toBe(0);
    // The 7th (oldest) day was not read.
    expect(sampleValue(families, 'llmmon_langfuse_traces', { window: '7d' })).toBe(
      DAILY.slice(0, 6).reduce((s, d) => s + d.countTraces, 0),
    );
  });

  it('keeps the top N models by tokens and sums the rest under "other"', async () => {
    const { families } = await scrapeOf({}, { topModels: 2 });
    const models = new Set(
      families.get('llmmon_langfuse_model_traces')!.samples.map((s) => s.labels['model']),
    );
    // The two with the most tokens over the window, then the rest folded.
    expect([...models].sort()).toEqual([
      'intfloat/e5-mistral-7b-instruct',
      'meta-llama/Llama-3.1-8B-Instruct',
      'other',
    ]);
    const sum = (window: string) =>
      families
        .get('llmmon_langfuse_model_traces')!
        .samples.filter((s) => s.labels['window'] === window)
        .reduce((s, x) => s + x.value, 0);
    // Folding loses nothing: the per-model traces still add up to the same total as before.
    const all = await scrapeOf();
    const before = all.families
      .get('llmmon_langfuse_model_traces')!
      .samples.filter((s) => s.labels['window'] === '7d')
      .reduce((s, x) => s + x.value, 0);
    expect(sum('7d')).toBe(before);
  });

  it('score names keep their series; names past the top N count under "other"', async () => {
    const at = '2025-11-18T14:20:00.000Z';
    const { families } = await scrapeOf(
      { scores: () => ['a', 'b', 'c', 'd'].map((n, i) => scoreItem(n, i, at)) },
      { topScores: 2 },
    );
    const names = families.get('llmmon_langfuse_scores_total')!.samples.map((s) => s.labels['name']);
    expect(names).toHaveLength(3);
    expect(names).toContain('other');
    expect(sampleValue(families, 'llmmon_langfuse_scores_total', { name: 'other' })).toBe(2);
  });
});
