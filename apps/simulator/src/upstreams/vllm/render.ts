import type { Histogram } from '../../world/histogram';
import type { ModelState, World } from '../../world/world';
import type { VllmSpec } from '../../world/layout';
import {
  PROMPT_SOURCE_FAMILIES,
  SLEEP_STATE_FAMILY,
  SPEC_DECODE_FAMILIES,
  V0_FAMILIES,
  V1_FAMILIES,
  type VllmFamily,
} from './families';
import { header, histogramSamples, sample } from '../prometheus-client';

const minorOf = (version: string) => {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 0 ? Infinity : minor;
};

/** V1-style metrics (engine label, _created series) from 0.10 on; V0 style before. */
export function isV1(version: string): boolean {
  return minorOf(version) >= 10;
}

/** The release line from which vLLM counts prompt tokens by source (vllm#33290, early 2026). */
const PROMPT_SOURCES_FROM = 16;

/**
 * The families an instance of this version writes: V0 before 0.10; V1 after, without time per
 * output token from 0.12 (hidden, then removed) and with the engine's sleep state; prompt
 * tokens by source in the newest line; speculative decoding where it is configured.
 */
export function familiesOf(spec: VllmSpec): readonly VllmFamily[] {
  const minor = minorOf(spec.version);
  if (minor < 10) return V0_FAMILIES;
  let families = V1_FAMILIES;
  if (minor >= 12)
    families = [
      ...families.filter((f) => f.name !== 'vllm:time_per_output_token_seconds'),
      SLEEP_STATE_FAMILY,
    ];
  if (minor >= PROMPT_SOURCES_FROM) families = [...families, ...PROMPT_SOURCE_FAMILIES];
  if (spec.speculativeTokens) families = [...families, ...SPEC_DECODE_FAMILIES];
  return families;
}

/** Speculative decoding's counts from the tokens generated, at a steady acceptance rate. */
const ACCEPTANCE = 0.64;
function speculation(m: ModelState) {
  const k = m.spec.speculativeTokens ?? 0;
  // Each draft step emits the accepted draft tokens plus one token of the model's own.
  const perPosition = Array.from({ length: k }, (_, p) => ACCEPTANCE ** (p + 1));
  const drafts = Math.floor(m.generationTokens / (1 + perPosition.reduce((a, b) => a + b, 0)));
  const accepted = perPosition.map((r) => Math.floor(drafts * r));
  return { k, drafts, accepted };
}

type Value =
  | { kind: 'value'; value: number }
  | { kind: 'histogram'; h: Histogram }
  | { kind: 'series'; rows: [Record<string, string>, number][] };

/** World values behind each vLLM family (same data, whichever version names it). */
function valueOf(family: string, m: ModelState, w: World): Value | undefined {
  const v = (value: number): Value => ({ kind: 'value', value });
  const h = (hist: Histogram): Value => ({ kind: 'histogram', h: hist });
  switch (family) {
    case 'vllm:num_requests_running':
      return v(m.running);
    case 'vllm:num_requests_waiting':
      return v(m.waiting);
    case 'vllm:num_requests_swapped':
    case 'vllm:cpu_cache_usage_perc':
    case 'vllm:cpu_prefix_cache_hit_rate':
      return v(0);
    case 'vllm:kv_cache_usage_perc':
    case 'vllm:gpu_cache_usage_perc':
      return v(m.kvCacheUsage);
    case 'vllm:gpu_prefix_cache_hit_rate':
      return v(m.promptTokens ? m.prefixCacheHits / m.promptTokens : 0);
    case 'vllm:prefix_cache_queries_total':
      return v(m.promptTokens);
    case 'vllm:prefix_cache_hits_total':
      return v(m.prefixCacheHits);
    case 'vllm:num_preemptions_total':
      return v(m.preemptions);
    case 'vllm:prompt_tokens_total':
      return v(m.promptTokens);
    case 'vllm:generation_tokens_total':
      return v(m.generationTokens);
    case 'vllm:engine_sleep_state':
      return {
        kind: 'series',
        rows: (['awake', 'weights_offloaded', 'discard_all'] as const).map((state) => [
          { sleep_state: state },
          state === 'awake' ? 1 : 0,
        ]),
      };
    case 'vllm:prompt_tokens_by_source_total':
      return {
        kind: 'series',
        rows: [
          [{ source: 'local_compute' }, m.promptTokens - m.prefixCacheHits],
          [{ source: 'local_cache_hit' }, m.prefixCacheHits],
          [{ source: 'external_kv_transfer' }, 0],
        ],
      };
    case 'vllm:prompt_tokens_cached_total':
      return v(m.prefixCacheHits);
    case 'vllm:prompt_tokens_recomputed_total':
    case 'vllm:external_prefix_cache_queries_total':
    case 'vllm:external_prefix_cache_hits_total':
      return v(0);
    case 'vllm:spec_decode_num_drafts_total':
      return v(speculation(m).drafts);
    case 'vllm:spec_decode_num_draft_tokens_total': {
      const s = speculation(m);
      return v(s.drafts * s.k);
    }
    case 'vllm:spec_decode_num_accepted_tokens_total':
      return v(speculation(m).accepted.reduce((a, b) => a + b, 0));
    case 'vllm:spec_decode_num_accepted_tokens_per_pos_total':
      return {
        kind: 'series',
        rows: speculation(m).accepted.map((n, p) => [{ position: String(p) }, n]),
      };
    case 'vllm:request_success_total':
      return {
        kind: 'series',
        rows: (['stop', 'length', 'abort'] as const).map((r) => [{ finished_reason: r }, m.finished[r]]),
      };
    case 'vllm:time_to_first_token_seconds':
      return h(m.ttft);
    case 'vllm:time_per_output_token_seconds':
    case 'vllm:inter_token_latency_seconds':
      return h(m.interToken);
    case 'vllm:e2e_request_latency_seconds':
      return h(m.e2e);
    case 'vllm:request_queue_time_seconds':
    case 'vllm:time_in_queue_requests':
      return h(m.queue);
    case 'vllm:request_prefill_time_seconds':
      return h(m.prefill);
    case 'vllm:request_decode_time_seconds':
      return h(m.decode);
    case 'vllm:request_inference_time_seconds':
      return h(m.inference);
    case 'vllm:request_prompt_tokens':
      return h(m.promptLength);
    case 'vllm:request_generation_tokens':
    case 'vllm:request_max_num_generation_tokens':
      return h(m.generationLength);
    case 'vllm:request_params_max_tokens':
      return h(m.maxTokensParam);
    case 'vllm:request_params_n':
      // n = 1 on every request: everything in the first bucket.
      return h(m.e2e);
    case 'vllm:iteration_tokens_total':
      return h(m.iterationTokens);
    case 'process_start_time_seconds':
      return v(w.container(m.spec.container)!.startedMs / 1000);
    case 'process_resident_memory_bytes':
      return v(w.container(m.spec.container)!.memoryBytes * 0.4);
    case 'process_virtual_memory_bytes':
      return v(w.container(m.spec.container)!.memoryBytes * 3);
    case 'process_cpu_seconds_total':
      return v(w.container(m.spec.container)!.cpuSeconds * 0.5);
    case 'process_open_fds':
      return v(212);
    case 'python_gc_objects_collected_total':
    case 'python_gc_objects_uncollectable_total':
    case 'python_gc_collections_total': {
      // The Python runtime's own counters: they grow with the work done.
      const work = m.served + w.timeMs / 1000 - w.container(m.spec.container)!.startedMs / 1000;
      const scale =
        family === 'python_gc_objects_collected_total'
          ? 40
          : family === 'python_gc_collections_total'
            ? 0.5
            : 0;
      return {
        kind: 'series',
        rows: ['0', '1', '2'].map((g, i) => [{ generation: g }, Math.floor((work * scale) / (i * 8 + 1))]),
      };
    }
    case 'http_requests_total': {
      const ok = m.finished.stop + m.finished.length;
      const endpoint = m.spec.kind === 'embedding' ? '/v1/embeddings' : '/v1/chat/completions';
      return {
        kind: 'series',
        rows: [
          [{ handler: endpoint, method: 'POST', status: '2xx' }, ok],
          [{ handler: '/v1/completions', method: 'POST', status: '2xx' }, Math.floor(ok * 0.02)],
          [{ handler: '/v1/models', method: 'GET', status: '2xx' }, Math.floor(m.served / 50)],
          [{ handler: endpoint, method: 'POST', status: '4xx' }, m.finished.abort],
        ],
      };
    }
    case 'process_max_fds':
      return v(1048576);
    default:
      return undefined;
  }
}

/** One vLLM instance's /metrics, in the style its version writes. */
export function renderVllmMetrics(m: ModelState, w: World): string {
  const v1 = isV1(m.spec.version);
  const families = familiesOf(m.spec);
  const created = w.container(m.spec.container)!.startedMs / 1000 + 12;
  const out: string[] = [];
  for (const f of families) out.push(...renderFamily(f, m, w, v1, created));
  return `${out.join('\n')}\n`;
}

function renderFamily(f: VllmFamily, m: ModelState, w: World, v1: boolean, created: number): string[] {
  const base: Record<string, string> = {};
  if (f.labels.includes('model_name')) base['model_name'] = m.spec.model;
  if (f.labels.includes('engine')) base['engine'] = '0';
  const lines = [header(f.name, f.type, f.help)];
  // A counter's _created drops its _total; a histogram's keeps its whole name.
  const createdName = (f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name) + '_created';
  const createdLines: string[] = [];

  if (f.constLabels) {
    // Info families (cache config, lora, python) keep their labels; lora's value is a timestamp.
    const labels = { ...f.constLabels, ...(f.labels.includes('engine') ? { engine: '0' } : {}) };
    lines.push(sample(f.name, labels, f.name === 'vllm:lora_requests_info' ? w.timeMs / 1000 : 1));
    return lines;
  }
  const value = valueOf(f.name, m, w);
  if (!value) return []; // python_gc_*, http_requests_*: not modelled, left out
  if (value.kind === 'value') {
    lines.push(sample(f.name, base, value.value));
    if (v1 && f.type === 'counter' && f.name.startsWith('vllm:'))
      createdLines.push(sample(createdName, base, created));
  } else if (value.kind === 'series') {
    for (const [labels, n] of value.rows) lines.push(sample(f.name, { ...base, ...labels }, n));
    // prometheus_client writes _created for its own counters (not the GC collector's), never for gauges.
    if (v1 && f.type === 'counter' && !f.name.startsWith('python_gc_')) {
      for (const [labels] of value.rows)
        createdLines.push(sample(createdName, { ...base, ...labels }, created));
    }
  } else {
    const bounds = f.buckets ?? [];
    const counts =
      f.name === 'vllm:request_params_n' ? bounds.map(() => value.h.count) : value.h.cumulativeAt(bounds);
    const sum = f.name === 'vllm:request_params_n' ? value.h.count : value.h.sum;
    lines.push(...histogramSamples(f.name, base, bounds, counts, value.h.count, sum));
    if (v1) createdLines.push(sample(createdName, base, created));
  }
  if (createdLines.length) lines.push(header(createdName, 'gauge', f.help), ...createdLines);
  return lines;
}
