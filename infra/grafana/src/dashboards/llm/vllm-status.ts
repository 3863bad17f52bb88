import {
  barGauge,
  type DashboardSpec,
  drillDownFromRow,
  FILTERS,
  linkTo,
  promql,
  row,
  tablePanel,
  THRESHOLDS,
  timeSeries,
  tokenRate,
  UIDS,
  UNIT,
  upDownMappings,
  VARIABLES,
} from '../../blocks';

const vllmQuantile = (metric: string, q: number) =>
  promql(
    `histogram_quantile(${q}, sum by (model, le) (rate(${metric}_bucket{${FILTERS.vllm}}[$__rate_interval])))`,
    `{{model}} p${Math.round(q * 100)}`,
  );

export const vllmStatus: DashboardSpec = {
  uid: UIDS.vllmStatus,
  title: 'vLLM status',
  description:
    'Each vLLM instance: state, version, GPU memory, KV cache, queue, latency percentiles and throughput, across vLLM versions.',
  folder: 'llm',
  file: 'vllm-status.json',
  variables: [VARIABLES.vllmModel(), VARIABLES.vllmContainer()],
  links: [
    linkTo(UIDS.gpuUsage, 'GPU usage'),
    linkTo(UIDS.dockerContainers, 'Docker containers', false),
    linkTo(UIDS.litellmStatus, 'LiteLLM status'),
  ],
  panels: [
    tablePanel({
      title: 'Instances',
      description:
        'Every vLLM instance: model, vLLM version, GPUs, context length and whether it answers; click one for its container.',
      unit: UNIT.state,
      mappings: upDownMappings(),
      thresholds: THRESHOLDS.upDown(),
      merge: true,
      queries: [
        promql(`llmmon_vllm_instance_state{state="ready", container=~"$container"}`, '', {
          instant: true,
          table: true,
        }),
        promql(`llmmon_vllm_model_info{${FILTERS.vllm}}`, '', { instant: true, table: true }),
      ],
      hide: ['Value #B', 'mock', 'state'],
      rename: { 'Value #A': 'up', vllm_version: 'vLLM', max_model_len: 'context' },
      sortBy: 'container',
      dataLinks: [drillDownFromRow(UIDS.dockerContainers, 'Container details', 'container', 'container')],
    }),
    barGauge({
      title: 'GPU memory per instance',
      description: 'GPU memory each instance holds (weights plus preallocated KV cache), over all its GPUs.',
      unit: UNIT.bytes,
      queries: [
        promql(
          `sum by (container) (llmmon_gpu_container_memory_used_bytes{container=~"$container"})`,
          '{{container}}',
          { instant: true },
        ),
      ],
    }),
    barGauge({
      title: 'KV cache usage',
      description: "Share of each instance's KV cache in use; near 100% requests queue or get preempted.",
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.memoryRatio(),
      min: 0,
      max: 1,
      queries: [
        promql(`max by (model) (llmmon_vllm_kv_cache_usage_ratio{${FILTERS.vllm}})`, '{{model}}', {
          instant: true,
        }),
      ],
    }),
    row('Load'),
    timeSeries({
      title: 'Requests running and waiting',
      description: 'Requests being generated and requests queued, per model.',
      unit: UNIT.count,
      queries: [
        promql(`sum by (model) (llmmon_vllm_requests_running{${FILTERS.vllm}})`, '{{model}} running'),
        promql(`sum by (model) (llmmon_vllm_requests_waiting{${FILTERS.vllm}})`, '{{model}} waiting'),
      ],
    }),
    timeSeries({
      title: 'KV cache usage',
      description: 'Share of the KV cache in use per model over time.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.memoryRatio(),
      showThresholds: true,
      min: 0,
      max: 1,
      queries: [promql(`max by (model) (llmmon_vllm_kv_cache_usage_ratio{${FILTERS.vllm}})`, '{{model}}')],
    }),
    tokenRate({
      title: 'Throughput',
      description: 'Prompt and generated tokens per second per model now, their share, and the total.',
      input: `sum by (model) (rate(llmmon_vllm_prompt_tokens_total{${FILTERS.vllm}}[$__rate_interval]))`,
      output: `sum by (model) (rate(llmmon_vllm_generation_tokens_total{${FILTERS.vllm}}[$__rate_interval]))`,
      modelLabel: 'model',
    }),
    timeSeries({
      title: 'Throughput over time',
      description: 'Prompt and generated tokens per second per model.',
      unit: UNIT.tokensPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (model) (rate(llmmon_vllm_prompt_tokens_total{${FILTERS.vllm}}[$__rate_interval]))`,
          '{{model}} prompt',
        ),
        promql(
          `sum by (model) (rate(llmmon_vllm_generation_tokens_total{${FILTERS.vllm}}[$__rate_interval]))`,
          '{{model}} generated',
        ),
      ],
    }),
    timeSeries({
      title: 'Preemptions',
      description:
        'Requests preempted per second for lack of KV cache; above zero means the cache is too small for the load.',
      unit: UNIT.perSecond,
      queries: [
        promql(
          `sum by (model) (rate(llmmon_vllm_preemptions_total{${FILTERS.vllm}}[$__rate_interval]))`,
          '{{model}}',
        ),
      ],
    }),
    tablePanel({
      title: 'Capacity: peak and now',
      description:
        'Generated tokens per second each model sustained at its peak over 7 days (5-minute average), now, and the headroom left against that peak: a model near 0% headroom runs at the most it has ever done.',
      unit: UNIT.tokensPerSecond,
      merge: true,
      queries: [
        promql(
          `max by (model) (max_over_time(instance_model:llmmon_vllm_generation_tokens:rate5m{${FILTERS.model}}[7d]))`,
          '',
          { instant: true, table: true },
        ),
        promql(`sum by (model) (instance_model:llmmon_vllm_generation_tokens:rate5m{${FILTERS.model}})`, '', {
          instant: true,
          table: true,
        }),
        promql(
          `1 - sum by (model) (instance_model:llmmon_vllm_generation_tokens:rate5m{${FILTERS.model}}) / (max by (model) (max_over_time(instance_model:llmmon_vllm_generation_tokens:rate5m{${FILTERS.model}}[7d])) > 0)`,
          '',
          { instant: true, table: true },
        ),
      ],
      rename: { 'Value #A': 'peak (7 days)', 'Value #B': 'now', 'Value #C': 'headroom' },
      columns: { headroom: { unit: UNIT.ratio } },
      sortBy: 'model',
    }),
    timeSeries({
      title: 'Time in queue (share of latency)',
      description:
        'Share of end-to-end latency requests spend waiting to be scheduled: rising, the model is saturating before its latency alerts say so.',
      unit: UNIT.ratio,
      min: 0,
      max: 1,
      queries: [
        promql(
          `sum by (model) (rate(llmmon_vllm_request_queue_time_seconds_sum{${FILTERS.vllm}}[$__rate_interval])) / sum by (model) (rate(llmmon_vllm_e2e_request_latency_seconds_sum{${FILTERS.vllm}}[$__rate_interval]))`,
          '{{model}}',
        ),
      ],
    }),
    row('Latency'),
    timeSeries({
      title: 'Time to first token',
      description: 'Median and 95th percentile time until the first token, per model.',
      unit: UNIT.seconds,
      queries: [
        vllmQuantile('llmmon_vllm_time_to_first_token_seconds', 0.5),
        promql(
          `max by (model) (instance_model:llmmon_vllm_time_to_first_token_seconds:p95_rate5m{model=~"$model"})`,
          '{{model}} p95',
        ),
      ],
    }),
    timeSeries({
      title: 'Inter-token latency',
      description: 'Median and 95th percentile time between generated tokens, per model.',
      unit: UNIT.seconds,
      queries: [
        vllmQuantile('llmmon_vllm_inter_token_latency_seconds', 0.5),
        vllmQuantile('llmmon_vllm_inter_token_latency_seconds', 0.95),
      ],
    }),
    timeSeries({
      title: 'End-to-end latency',
      description: 'Median and 95th and 99th percentile request latency inside vLLM, per model.',
      unit: UNIT.seconds,
      queries: [
        vllmQuantile('llmmon_vllm_e2e_request_latency_seconds', 0.5),
        promql(
          `max by (model) (instance_model:llmmon_vllm_e2e_request_latency_seconds:p95_rate5m{model=~"$model"})`,
          '{{model}} p95',
        ),
        vllmQuantile('llmmon_vllm_e2e_request_latency_seconds', 0.99),
      ],
    }),
    timeSeries({
      title: 'Queue time (p95)',
      description: '95th percentile time requests wait before vLLM schedules them.',
      unit: UNIT.seconds,
      queries: [vllmQuantile('llmmon_vllm_request_queue_time_seconds', 0.95)],
    }),
    timeSeries({
      title: 'Where the time goes',
      description:
        "Mean seconds a request spends per phase, per model: waiting in the queue, in prefill (its prompt processed, up to the first token) and in decode (the rest of its tokens), from vLLM's phase histograms.",
      unit: UNIT.seconds,
      stack: true,
      queries: (
        [
          ['queue', 'llmmon_vllm_request_queue_time_seconds'],
          ['prefill', 'llmmon_vllm_request_prefill_time_seconds'],
          ['decode', 'llmmon_vllm_request_decode_time_seconds'],
        ] as const
      ).map(([phase, family]) =>
        promql(
          `sum by (model) (rate(${family}_sum{${FILTERS.vllm}}[$__rate_interval])) / sum by (model) (rate(${family}_count{${FILTERS.vllm}}[$__rate_interval]))`,
          `{{model}} ${phase}`,
        ),
      ),
    }),
    timeSeries({
      title: 'Prefix cache hit ratio',
      description: 'Share of prompt tokens served from the prefix cache.',
      unit: UNIT.ratio,
      min: 0,
      max: 1,
      queries: [
        promql(
          `sum by (model) (rate(llmmon_vllm_prefix_cache_hits_total{${FILTERS.vllm}}[$__rate_interval])) / sum by (model) (rate(llmmon_vllm_prefix_cache_queries_total{${FILTERS.vllm}}[$__rate_interval]))`,
          '{{model}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Prompt tokens by source',
      description:
        "Where each prompt token's KV came from: computed here (local_compute), the prefix cache (local_cache_hit), another instance (external_kv_transfer). vLLM's 2026 releases report it; older ones show their prefix cache hit ratio above.",
      unit: UNIT.tokensPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (model, source) (rate(llmmon_vllm_prompt_tokens_by_source_total{${FILTERS.vllm}}[$__rate_interval]))`,
          '{{model}} {{source}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Speculative decoding acceptance',
      description:
        'Share of drafted tokens the model accepted, per model with speculative decoding configured: falling, the draft costs more than it saves.',
      unit: UNIT.ratio,
      min: 0,
      max: 1,
      queries: [
        promql(
          `sum by (model) (rate(llmmon_vllm_spec_decode_accepted_tokens_total{${FILTERS.vllm}}[$__rate_interval])) / sum by (model) (rate(llmmon_vllm_spec_decode_draft_tokens_total{${FILTERS.vllm}}[$__rate_interval]))`,
          '{{model}}',
        ),
      ],
    }),
    tablePanel({
      title: 'Engine sleep state',
      description:
        'The state each engine is in (vLLM 0.12 and later): awake, weights_offloaded (sleep level 1) or discard_all (level 2). A sleeping engine serves nothing until woken.',
      unit: UNIT.state,
      w: 12,
      queries: [
        promql(`llmmon_vllm_engine_sleep_state{${FILTERS.vllm}} == 1`, '', { instant: true, table: true }),
      ],
      hide: ['Value'],
      sortBy: 'container',
    }),
    timeSeries({
      title: 'Finished requests',
      description: 'Requests finished per second per model, by reason (stop, length, abort).',
      unit: UNIT.requestsPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (model, finished_reason) (rate(llmmon_vllm_requests_finished_total{${FILTERS.vllm}}[$__rate_interval]))`,
          '{{model}} {{finished_reason}}',
        ),
      ],
    }),
  ],
};
