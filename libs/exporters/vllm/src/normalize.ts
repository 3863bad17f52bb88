import {
  counter,
  gauge,
  histogram,
  normalizeFamilies,
  type Normalization,
  type ParsedFamily,
} from '@llmmon/metrics-core';

/** Labels every normalized series carries: one dashboard query works on every instance. */
export const NORMALIZED_LABELS = ['container', 'model'] as const;

/**
 * Each normalized family and the vLLM names it is filled from, newest first: the first one an
 * instance exposes wins. vLLM renamed metrics between releases (V0 0.6.x → V1 0.10+):
 * `gpu_cache_usage_perc` → `kv_cache_usage_perc`, `time_per_output_token_seconds` →
 * `inter_token_latency_seconds` (0.11 exposes both), prefix caching from a V0 hit-rate
 * gauge to V1 query/hit counters. Labels other than container, model and those kept (e.g.
 * engine) are combined: counts of several engines (data parallel) add, ratios average.
 */
const L = NORMALIZED_LABELS;
export const NORMALIZED: readonly Normalization[] = [
  {
    def: gauge('llmmon_vllm_requests_running', 'Requests being processed by the engine.', L),
    sources: ['vllm:num_requests_running'],
    combine: 'sum',
  },
  {
    def: gauge('llmmon_vllm_requests_waiting', 'Requests waiting to be scheduled.', L),
    sources: ['vllm:num_requests_waiting'],
    combine: 'sum',
  },
  {
    def: gauge(
      'llmmon_vllm_kv_cache_usage_ratio',
      'Share of the GPU KV-cache blocks in use (0-1; vLLM calls it _perc but it is a ratio).',
      L,
    ),
    sources: ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'],
    combine: 'mean',
  },
  {
    def: counter('llmmon_vllm_prompt_tokens_total', 'Prompt (prefill) tokens processed.', L),
    sources: ['vllm:prompt_tokens_total'],
    combine: 'sum',
  },
  {
    def: counter('llmmon_vllm_generation_tokens_total', 'Tokens generated.', L),
    sources: ['vllm:generation_tokens_total'],
    combine: 'sum',
  },
  {
    def: counter(
      'llmmon_vllm_requests_finished_total',
      'Finished requests by reason (stop, length, abort).',
      [...L, 'finished_reason'],
    ),
    sources: ['vllm:request_success_total'],
    keep: ['finished_reason'],
    combine: 'sum',
  },
  {
    def: counter('llmmon_vllm_preemptions_total', 'Requests preempted for lack of KV-cache space.', L),
    sources: ['vllm:num_preemptions_total'],
    combine: 'sum',
  },
  {
    def: counter(
      'llmmon_vllm_prefix_cache_queries_total',
      'Prompt tokens looked up in the prefix cache (V1 only; V0 exposes a hit-rate gauge instead).',
      L,
    ),
    sources: ['vllm:prefix_cache_queries_total'],
    combine: 'sum',
  },
  {
    def: counter(
      'llmmon_vllm_prefix_cache_hits_total',
      'Prompt tokens found in the prefix cache (V1 only).',
      L,
    ),
    sources: ['vllm:prefix_cache_hits_total'],
    combine: 'sum',
  },
  {
    def: histogram('llmmon_vllm_time_to_first_token_seconds', 'Time to first token, in seconds.', L),
    sources: ['vllm:time_to_first_token_seconds'],
    combine: 'sum',
  },
  {
    def: histogram(
      'llmmon_vllm_inter_token_latency_seconds',
      'Time between consecutive output tokens, in seconds (V0: time per output token).',
      L,
    ),
    sources: ['vllm:inter_token_latency_seconds', 'vllm:time_per_output_token_seconds'],
    combine: 'sum',
  },
  {
    def: histogram('llmmon_vllm_e2e_request_latency_seconds', 'End-to-end request latency, in seconds.', L),
    sources: ['vllm:e2e_request_latency_seconds'],
    combine: 'sum',
  },
  {
    def: histogram(
      'llmmon_vllm_request_queue_time_seconds',
      'Time requests spent waiting in the queue, in seconds.',
      L,
    ),
    sources: ['vllm:request_queue_time_seconds'],
    combine: 'sum',
  },
];

/** vLLM versions whose metric names the table above was checked against (fixtures, simulator). */
const KNOWN_MINOR = { from: 6, to: 11 };

/** True when the image tag is a 0.x release the normalization was verified for. */
export function knownVersion(version: string): boolean {
  const m = /^v?0\.(\d+)(?:\.|$)/.exec(version);
  return m !== null && Number(m[1]) >= KNOWN_MINOR.from && Number(m[1]) <= KNOWN_MINOR.to;
}

/** Why vLLM finishes a request: every reason exists from 0 on every instance read. */
export const FINISHED_REASONS = ['stop', 'length', 'abort'] as const;

/**
 * The normalized families of one instance, from whichever source names its /metrics has. The
 * model label is the served model name (from /v1/models), else the samples' own model_name.
 */
export function normalize(
  families: ReadonlyMap<string, ParsedFamily>,
  ctx: { container: string; model: string | undefined },
) {
  return normalizeFamilies(families, NORMALIZED, (labels) => ({
    container: ctx.container,
    model: ctx.model ?? labels['model_name'] ?? '',
  }));
}
