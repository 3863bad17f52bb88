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
 * instance exposes wins. What an instance exposes decides, never its version number: the
 * release lines read (fixtures, simulator) are 0.6 (V0), 0.10/0.11, 0.12–0.14 and 0.20. vLLM renamed metrics between releases (V0 0.6.x → V1 0.10+):
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
  {
    def: histogram(
      'llmmon_vllm_request_prefill_time_seconds',
      'Time requests spent in prefill (their prompt processed), in seconds.',
      L,
    ),
    sources: ['vllm:request_prefill_time_seconds'],
    combine: 'sum',
  },
  {
    def: histogram(
      'llmmon_vllm_request_decode_time_seconds',
      'Time requests spent in decode (generating after the first token), in seconds.',
      L,
    ),
    sources: ['vllm:request_decode_time_seconds'],
    combine: 'sum',
  },
  // Newer release lines only (an instance without them has no such series).
  {
    def: gauge(
      'llmmon_vllm_engine_sleep_state',
      '1 for the state the engine is in (awake; weights_offloaded: sleep level 1; discard_all: sleep level 2), 0 for the others (vLLM 0.12 and later).',
      [...L, 'state'],
    ),
    sources: ['vllm:engine_sleep_state'],
    keep: { sleep_state: 'state' },
    combine: 'mean',
  },
  {
    def: counter(
      'llmmon_vllm_prompt_tokens_by_source_total',
      'Prompt tokens by where their KV came from: local_compute (prefilled here), local_cache_hit (the prefix cache), external_kv_transfer (another instance) (vLLM 2026 releases).',
      [...L, 'source'],
    ),
    sources: ['vllm:prompt_tokens_by_source_total'],
    keep: ['source'],
    combine: 'sum',
  },
  {
    def: counter(
      'llmmon_vllm_spec_decode_drafts_total',
      'Speculative decoding: draft steps (with a draft model or method configured).',
      L,
    ),
    sources: ['vllm:spec_decode_num_drafts_total'],
    combine: 'sum',
  },
  {
    def: counter('llmmon_vllm_spec_decode_draft_tokens_total', 'Speculative decoding: tokens drafted.', L),
    sources: ['vllm:spec_decode_num_draft_tokens_total'],
    combine: 'sum',
  },
  {
    def: counter(
      'llmmon_vllm_spec_decode_accepted_tokens_total',
      'Speculative decoding: drafted tokens the model accepted.',
      L,
    ),
    sources: ['vllm:spec_decode_num_accepted_tokens_total'],
    combine: 'sum',
  },
];

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
