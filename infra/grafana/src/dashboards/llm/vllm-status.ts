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
