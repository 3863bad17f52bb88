/**
 * Traffic from spend logs, for a proxy without the prometheus callback: each row counted
 * exactly once across polls, late rows, page limits, failed polls and restarts (the cursor is
 * persisted), and the collector switching to it when /metrics answers 404.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonStateFile, parseExposition, silentLogger } from '@llmmon/metrics-core';
import { renderCollector, sampleValue } from '@llmmon/metrics-core/testing';
import { SpendLogReader, type SpendLogOptions } from '../src/spend-logs';
import type { TrafficSamples } from '../src/traffic';
import { FAKE_LITELLM_KEY as KEY, startFakeLitellm } from '@llmmon/fixtures';
import { litellmFor } from './helpers';

const T0 = Date.parse('2026-01-01T12:00:00Z');

/** A spend-log row as LiteLLM writes it (the simulator serves the same shape). */
function row(id: number, startMs: number, o: { group?: string; prompt?: number; failed?: boolean } = {}) {
  return {
    request_id: `chatcmpl-${id}`,
    call_type: 'acompletion',
    api_key: 'hashed',
    spend: 0.001,
    total_tokens: (o.prompt ?? 100) + 10,
    prompt_tokens: o.prompt ?? 100,
    completion_tokens: o.failed ? 0 : 10,
    startTime: new Date(startMs).toISOString(),
    endTime: new Date(startMs + 1500).toISOString(),
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    model_group: o.group ?? 'llama-3.1-70b',
    user: 'u',
    metadata: o.failed
      ? { status: 'failure', error_information: { error_code: '500', error_class: 'APIConnectionError' } }
      : { status: 'success' },
    status: o.failed ? 'failure' : 'success',
  };
}

const total = (t: readonly TrafficSamples[], family: string, group = 'llama-3.1-70b') =>
  (t.find((f) => f.def.name === family)?.samples ?? [])
    .filter((s) => s.labels['model_group'] === group && (s.name === undefined || s.name === family))
    .reduce((a, s) => a + s.value, 0);
const requests = (t: readonly TrafficSamples[]) => total(t, 'llmmon_litellm_requests_total');

describe('SpendLogReader', () => {
  let dir: string;
  let rows: ReturnType<typeof row>[];
  let fake: Awaited<ReturnType<typeof startFakeLitellm>>;
  let now: number;
  let fail = false;
  const reader = (o: Partial<SpendLogOptions> = {}) =>
    new SpendLogReader({
      url: fake.url,
      apiKey: KEY,
      timeoutMs: 1000,
      delayMs: 10_000,
      lookbackMs: 600_000,
      maxPages: 20,
      stateFile: new JsonStateFile(dir, 'spend-logs.json', { logger: silentLogger(), withoutIt: 'test' }),
      logger: silentLogger(),
      now: () => now,
      ...o,
    });
  const signal = new AbortController().signal;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmmon-spend-'));
    rows = [];
    fail = false;
    now = T0;
    fake = await startFakeLitellm({ spendLogs: () => rows, fault: () => (fail ? 'html' : undefined) });
  });
  afterEach(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts every row once over successive polls, a late one included', async () => {
    const r = reader();
    rows.push(row(1, T0 - 60_000), row(2, T0 - 30_000, { failed: true }));
    let t = await r.read(signal); // the first poll reads the look-back window: both rows
    expect(requests(t)).toBe(2);
    expect(total(t, 'llmmon_litellm_request_failures_total')).toBe(1);
    expect(total(t, 'llmmon_litellm_input_tokens_total')).toBe(200);
    now += 30_000;
    rows.push(row(3, T0 + 5_000));
    // A long request that started before the cursor, written only now.
    rows.push(row(4, T0 - 20_000, { prompt: 7 }));
    t = await r.read(signal);
    expect(requests(t)).toBe(4);
    expect(total(t, 'llmmon_litellm_input_tokens_total')).toBe(307);
    t = await r.read(signal);
    expect(requests(t)).toBe(4); // nothing new, nothing twice
    // Latency from start and end: 1.5 s each.
    const h = t.find((f) => f.def.name === 'llmmon_litellm_request_latency_seconds')!.samples;
    expect(h.find((s) => s.name?.endsWith('_bucket') && s.labels['le'] === '2.5')!.value).toBe(4);
    expect(h.find((s) => s.name?.endsWith('_bucket') && s.labels['le'] === '1')!.value).toBe(0);
  });

  it('a restart continues from the persisted cursor: nothing twice, nothing lost', async () => {
    rows.push(row(1, T0 - 60_000));
    expect(requests(await reader().read(signal))).toBe(1);
    // Down for an hour; requests kept coming.
    now += 3_600_000;
    rows.push(row(2, now - 3_000_000), row(3, now - 60_000));
    const restarted = reader();
    expect(requests(restarted.samples())).toBe(1); // the totals survived
    expect(requests(await restarted.read(signal))).toBe(3);
    // Without the state file, counting starts over from the last look-back window.
    expect(requests(await reader({ stateFile: undefined }).read(signal))).toBe(1);
  });

  it('a failed poll counts nothing and moves nothing; the next one reads it all', async () => {
    const r = reader();
    rows.push(row(1, T0 - 60_000));
    await r.read(signal);
    now += 60_000;
    rows.push(row(2, T0 + 10_000));
    fail = true;
    await expect(r.read(signal)).rejects.toThrow();
    fail = false;
    expect(requests(r.samples())).toBe(1);
    now += 60_000;
    expect(requests(await r.read(signal))).toBe(2);
  });

  it('stops at the page limit and catches up on the next polls without counting twice', async () => {
    const r = reader({ maxPages: 1, pageSize: 2 });
    for (let i = 0; i < 7; i++) rows.push(row(i, T0 - 300_000 + i * 10_000));
    const seen: number[] = [];
    for (let poll = 0; poll < 6; poll++) seen.push(requests(await r.read(signal)));
    expect(seen[0]).toBeLessThan(7); // cut short
    expect(seen.at(-1)).toBe(7);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('sums model groups past the cap under "other" and ignores rows without a start time', async () => {
    const r = reader();
    for (let i = 0; i < 205; i++) rows.push(row(i, T0 - 100_000 + i * 100, { group: `group-${i}` }));
    rows.push({ ...row(999, T0 - 50_000), startTime: 'not a time' });
    const t = await r.read(signal);
    const groups = new Set(
      t
        .find((f) => f.def.name === 'llmmon_litellm_requests_total')!
        .samples.map((s) => s.labels['model_group']),
    );
    expect(groups.size).toBe(201);
    expect(total(t, 'llmmon_litellm_requests_total', 'other')).toBe(5);
    expect(r.skippedRows).toBe(1);
  });
});

describe('the collector without the prometheus callback', () => {
  it('auto: /metrics answers 404, so traffic comes from the spend logs', async () => {
    const now = Date.now();
    const fake = await startFakeLitellm({
      noMetrics: true,
      spendLogs: () => [row(1, now - 60_000), row(2, now - 50_000)],
    });
    let p: ReturnType<typeof litellmFor> | undefined;
    try {
      p = litellmFor(fake.url, {
        LITELLM_TRAFFIC_SOURCE: 'auto',
        LITELLM_SPEND_LOGS_DELAY_SECONDS: '0',
        LITELLM_HEALTH_REFRESH_SECONDS: '3600',
        LITELLM_SPEND_LOGS_POLL_SECONDS: '3600',
      });
      await p.snapshot.refresh();
      const first = parseExposition(await renderCollector(p.collector, p.upstreams));
      expect(sampleValue(first, 'llmmon_litellm_traffic_source_info', { source: 'spend_logs' })).toBe(1);
      // A 404 here is no failure: /metrics is simply no upstream of this proxy.
      expect(sampleValue(first, 'llmmon_upstream_up', { upstream: 'litellm_metrics' })).toBeUndefined();
      await p.spendLogs.use().refresh(); // the background poll the switch started
      p.spendLogs.stop();
      const next = parseExposition(await renderCollector(p.collector, p.upstreams));
      expect(
        sampleValue(next, 'llmmon_litellm_requests_total', {
          model_group: 'llama-3.1-70b',
          status_class: '2xx',
        }),
      ).toBe(2);
      // The other groups of the catalog count from 0.
      expect(
        sampleValue(next, 'llmmon_litellm_requests_total', {
          model_group: 'mixtral-8x7b',
          status_class: '5xx',
        }),
      ).toBe(0);
      expect(sampleValue(next, 'llmmon_upstream_up', { upstream: 'litellm_spend_logs' })).toBe(1);
      expect(sampleValue(next, 'llmmon_upstream_up', { upstream: 'litellm' })).toBe(1);
    } finally {
      p?.snapshot.stop();
      await fake.close();
    }
  });
});
