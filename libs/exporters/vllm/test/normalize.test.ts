/**
 * Normalization over the fixtures of four release lines of the same model (0.6 V0, 0.11, 0.13,
 * 0.20): the same normalized families with comparable values, whichever names each uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExposition } from '@llmmon/metrics-core';
import { NORMALIZED, normalize } from '../src/normalize';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;
const parse = (f: string) => parseExposition(readFileSync(join(FIXTURES, f), 'utf8'));
const MODEL = 'meta-llama/Llama-3.1-70B-Instruct';
const v0 = normalize(parse('vllm-metrics-v0.6.txt'), { container: 'vllm-old', model: MODEL });
const v1 = normalize(parse('vllm-metrics-v0.11.txt'), { container: 'vllm-llama70b', model: MODEL });
const v013 = normalize(parse('vllm-metrics-v0.13.txt'), { container: 'vllm-v013', model: MODEL });
const v020 = normalize(parse('vllm-metrics-v0.20.txt'), { container: 'vllm-current', model: MODEL });
const byName = (n: typeof v0) => new Map(n.map((f) => [f.def.name, f]));
const names = (n: typeof v0) => n.map((f) => f.def.name);

describe('every release line', () => {
  /** What the dashboards and rules read of every instance, whatever its line. */
  const CORE = NORMALIZED.map((n) => n.def.name).filter(
    (n) => !/engine_sleep_state|by_source|spec_decode|prefix_cache/.test(n),
  );

  it.each([
    ['0.6', v0],
    ['0.11', v1],
    ['0.13', v013],
    ['0.20', v020],
  ])('%s fills every core family', (_line, n) => {
    expect(CORE.filter((c) => !names(n).includes(c))).toEqual([]);
  });

  it('0.12 and later, with no time per output token any more, fill inter-token latency from its new name', () => {
    for (const n of [v013, v020]) {
      expect(byName(n).get('llmmon_vllm_inter_token_latency_seconds')!.source).toBe(
        'vllm:inter_token_latency_seconds',
      );
      expect(byName(n).get('llmmon_vllm_engine_sleep_state')!.samples).toEqual([
        { labels: { container: expect.any(String), model: MODEL, state: 'awake' }, value: 1 },
        { labels: { container: expect.any(String), model: MODEL, state: 'weights_offloaded' }, value: 0 },
        { labels: { container: expect.any(String), model: MODEL, state: 'discard_all' }, value: 0 },
      ]);
    }
  });

  it('0.20 adds prompt tokens by source (adding up to the prompt tokens) and speculative decoding', () => {
    const n = byName(v020);
    const bySource = n.get('llmmon_vllm_prompt_tokens_by_source_total')!.samples;
    expect(bySource.map((s) => s.labels['source']).sort()).toEqual([
      'external_kv_transfer',
      'local_cache_hit',
      'local_compute',
    ]);
    const total = n.get('llmmon_vllm_prompt_tokens_total')!.samples[0]!.value;
    expect(bySource.reduce((a, s) => a + s.value, 0)).toBe(total);
    const accepted = n.get('llmmon_vllm_spec_decode_accepted_tokens_total')!.samples[0]!.value;
    const drafted = n.get('llmmon_vllm_spec_decode_draft_tokens_total')!.samples[0]!.value;
    expect(accepted / drafted).toBeCloseTo(0.6377, 3); // the acceptance rate
  });
});

describe('normalized families', () => {
  it('V0 and V1 give the same family names, except prefix-cache counters V0 does not have', () => {
    const only = (a: typeof v0, b: typeof v0) =>
      a.map((f) => f.def.name).filter((n) => !b.some((g) => g.def.name === n));
    expect(only(v1, v0).sort()).toEqual([
      'llmmon_vllm_prefix_cache_hits_total',
      'llmmon_vllm_prefix_cache_queries_total',
    ]);
    expect(only(v0, v1)).toEqual([]);
    expect(v020).toHaveLength(NORMALIZED.length);
  });

  it('fill renamed families from whichever name the version has', () => {
    const sources = (n: typeof v0) => Object.fromEntries(n.map((f) => [f.def.name, f.source]));
    expect(sources(v0)).toMatchObject({
      llmmon_vllm_kv_cache_usage_ratio: 'vllm:gpu_cache_usage_perc',
      llmmon_vllm_inter_token_latency_seconds: 'vllm:time_per_output_token_seconds',
    });
    expect(sources(v1)).toMatchObject({
      llmmon_vllm_kv_cache_usage_ratio: 'vllm:kv_cache_usage_perc',
      llmmon_vllm_inter_token_latency_seconds: 'vllm:inter_token_latency_seconds',
    });
  });

  it('label every series with container and model only (plus le and finished_reason), values comparable', () => {
    for (const n of [v0, v1]) {
      for (const f of n) {
        for (const s of f.samples) {
          expect(
            Object.keys(s.labels).filter((k) => !['container', 'model', 'le', 'finished_reason'].includes(k)),
          ).toEqual([]);
          expect(s.labels['model']).toBe(MODEL);
        }
      }
    }
    const kv0 = byName(v0).get('llmmon_vllm_kv_cache_usage_ratio')!.samples[0]!.value;
    const kv1 = byName(v1).get('llmmon_vllm_kv_cache_usage_ratio')!.samples[0]!.value;
    for (const kv of [kv0, kv1]) {
      expect(kv).toBeGreaterThanOrEqual(0);
      expect(kv).toBeLessThanOrEqual(1);
    }
    // Histograms keep their buckets unchanged, +Inf equal to the count.
    for (const n of [v0, v1]) {
      const ttft = byName(n).get('llmmon_vllm_time_to_first_token_seconds')!.samples;
      const inf = ttft.find(
        (s) => s.name === 'llmmon_vllm_time_to_first_token_seconds_bucket' && s.labels['le'] === '+Inf',
      )!;
      const count = ttft.find((s) => s.name === 'llmmon_vllm_time_to_first_token_seconds_count')!;
      expect(inf.value).toBe(count.value);
      expect(count.value).toBeGreaterThan(0);
    }
    const reasons = byName(v1)
      .get('llmmon_vllm_requests_finished_total')!
      .samples.map((s) => s.labels['finished_reason']);
    expect(reasons.sort()).toEqual(['abort', 'length', 'stop']);
  });

  it('sums engines (data parallel) for counts and averages ratios', () => {
    const text = [
      '# TYPE vllm:num_requests_running gauge',
      'vllm:num_requests_running{engine="0",model_name="m"} 3.0',
      'vllm:num_requests_running{engine="1",model_name="m"} 4.0',
      '# TYPE vllm:kv_cache_usage_perc gauge',
      'vllm:kv_cache_usage_perc{engine="0",model_name="m"} 0.2',
      'vllm:kv_cache_usage_perc{engine="1",model_name="m"} 0.4',
      '',
    ].join('\n');
    const n = byName(normalize(parseExposition(text), { container: 'c', model: undefined }));
    expect(n.get('llmmon_vllm_requests_running')!.samples).toEqual([
      { labels: { container: 'c', model: 'm' }, value: 7 },
    ]);
    expect(n.get('llmmon_vllm_kv_cache_usage_ratio')!.samples[0]!.value).toBeCloseTo(0.3);
  });
});
