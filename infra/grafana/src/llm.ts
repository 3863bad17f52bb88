/** LLM folder: the LiteLLM proxy, the vLLM instances behind it, and the model catalog. */
import {
  THRESHOLDS,
  UIDS,
  UNIT,
  VARIABLES,
  barGauge,
  drillDownFromRow,
  linkTo,
  promql,
  row,
  statPanel,
  tablePanel,
  timeSeries,
  tokenRate,
  upDownMappings,
  type DashboardSpec,
} from './blocks';

const GROUP = 'model_group=~"$model"';

/** A failure rate that is 0, not missing, for a model that has not failed yet. */
const failuresOrZero = (window: string) =>
  `(sum by (model_group) (rate(llmmon_litellm_request_failures_total{${GROUP}}[${window}])) or sum by (model_group) (rate(llmmon_litellm_requests_total{${GROUP}}[${window}])) * 0)`;

const latencyQuantile = (q: number) =>
  promql(
    `histogram_quantile(${q}, sum by (model_group, le) (rate(llmmon_litellm_request_latency_seconds_bucket{${GROUP}}[$window])))`,
    `{{model_group}} p${Math.round(q * 100)}`,
  );

export const litellmStatus: DashboardSpec = {
  uid: UIDS.litellmStatus,
  title: 'LiteLLM status',
  description:
    'Can clients reach every model through the proxy: availability per deployment, requests, tokens, latency, errors.',
  folder: 'llm',
  file: 'litellm-status.json',
  variables: [VARIABLES.modelGroup(), VARIABLES.window()],
  links: [
    linkTo(UIDS.vllmStatus, 'vLLM status'),
    linkTo(UIDS.modelCatalog, 'Model catalog'),
    linkTo(UIDS.langfuseAnalytics, 'Langfuse analytics'),
  ],
  panels: [
    statPanel({
      title: 'Proxy',
      description: 'Whether the LiteLLM proxy answers its liveness check.',
      unit: UNIT.state,
      mappings: upDownMappings(),
      thresholds: THRESHOLDS.upDown(),
      background: true,
      queries: [promql('min(llmmon_litellm_up)', 'proxy', { instant: true })],
    }),
    statPanel({
      title: 'Ready',
      description: 'Whether the proxy reports itself ready (database and cache connected).',
      unit: UNIT.state,
      mappings: upDownMappings('READY', 'NOT READY'),
      thresholds: THRESHOLDS.upDown(),
      background: true,
      queries: [promql('min(llmmon_litellm_ready)', 'ready', { instant: true })],
    }),
    statPanel({
      title: 'Deployments healthy',
      description: 'Deployments of the selected models whose last health check passed.',
      unit: UNIT.count,
      queries: [promql(`sum(llmmon_litellm_deployment_healthy{${GROUP}})`, 'healthy', { instant: true })],
    }),
    statPanel({
      title: 'Deployments failing',
      description: 'Deployments of the selected models whose last health check failed.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      queries: [
        promql(`count(llmmon_litellm_deployment_healthy{${GROUP}} == 0) or vector(0)`, 'failing', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Requests',
      description: 'Requests per second through the proxy to the selected models, over 5 minutes.',
      unit: UNIT.requestsPerSecond,
      sparkline: true,
      queries: [
        promql(`sum(model_group:llmmon_litellm_requests:rate5m{${GROUP}})`, 'requests', { instant: true }),
      ],
    }),
    statPanel({
      title: 'Spend in range',
      description: 'Cost of the selected models over the time range, at the prices configured in LiteLLM.',
      unit: UNIT.usd,
      queries: [
        promql(`sum(increase(llmmon_litellm_spend_usd_total{${GROUP}}[$__range]))`, 'spend', {
          instant: true,
        }),
      ],
    }),
    tablePanel({
      title: 'Availability',
      description:
        'Every deployment of every model with its endpoint and health; click a row to narrow the dashboard to its model.',
      unit: UNIT.state,
      mappings: upDownMappings('HEALTHY', 'FAILING'),
      thresholds: THRESHOLDS.upDown(),
      queries: [promql(`llmmon_litellm_deployment_healthy{${GROUP}}`, '', { instant: true, table: true })],
      hide: ['model_id'],
      rename: { Value: 'health', model_group: 'model', error_class: 'last error' },
      sortBy: 'model',
      dataLinks: [drillDownFromRow(UIDS.litellmStatus, 'Only this model', 'model', 'model')],
    }),
    row('Traffic'),
    timeSeries({
      title: 'Requests',
      description: 'Requests per second per model, over the chosen aggregation window.',
      unit: UNIT.requestsPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (model_group) (rate(llmmon_litellm_requests_total{${GROUP}}[$window]))`,
          '{{model_group}}',
        ),
      ],
    }),
    tokenRate({
      title: 'Token rate',
      description: 'Input and output tokens per second per model now, their share, and the total.',
      input: `sum by (model_group) (rate(llmmon_litellm_input_tokens_total{${GROUP}}[$window]))`,
      output: `sum by (model_group) (rate(llmmon_litellm_output_tokens_total{${GROUP}}[$window]))`,
      modelLabel: 'model_group',
    }),
    timeSeries({
      title: 'Token rate over time',
      description: 'Input and output tokens per second per model.',
      unit: UNIT.tokensPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (model_group) (rate(llmmon_litellm_input_tokens_total{${GROUP}}[$window]))`,
          '{{model_group}} input',
        ),
        promql(
          `sum by (model_group) (rate(llmmon_litellm_output_tokens_total{${GROUP}}[$window]))`,
          '{{model_group}} output',
        ),
      ],
    }),
    timeSeries({
      title: 'Latency',
      description: 'Request latency through the proxy per model: median and 95th percentile.',
      unit: UNIT.seconds,
      queries: [latencyQuantile(0.5), latencyQuantile(0.95)],
    }),
    timeSeries({
      title: 'Error ratio',
      description: 'Failed requests as a share of all per model; warning at 1%, the alert at 5%.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.errorRatio(),
      showThresholds: true,
      min: 0,
      queries: [
        promql(
          `${failuresOrZero('$window')} / sum by (model_group) (rate(llmmon_litellm_requests_total{${GROUP}}[$window]))`,
          '{{model_group}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Responses by status code',
      description: 'Requests per second by HTTP status code, all selected models.',
      unit: UNIT.requestsPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (status_code) (rate(llmmon_litellm_requests_total{${GROUP}}[$window]))`,
          '{{status_code}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Upstream latency (p95)',
      description: "Time the model deployment took, without the proxy's own overhead.",
      unit: UNIT.seconds,
      queries: [
        promql(
          `histogram_quantile(0.95, sum by (model_group, le) (rate(llmmon_litellm_upstream_latency_seconds_bucket{${GROUP}}[$window])))`,
          '{{model_group}}',
        ),
      ],
    }),
  ],
};

const VLLM = 'model=~"$model", container=~"$container"';

const vllmQuantile = (metric: string, q: number) =>
  promql(
    `histogram_quantile(${q}, sum by (model, le) (rate(${metric}_bucket{${VLLM}}[$__rate_interval])))`,
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
        promql(`llmmon_vllm_up{container=~"$container"}`, '', { instant: true, table: true }),
        promql(`llmmon_vllm_model_info{${VLLM}}`, '', { instant: true, table: true }),
      ],
      hide: ['Value #B', 'mock'],
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
        promql(`max by (model) (llmmon_vllm_kv_cache_usage_ratio{${VLLM}})`, '{{model}}', { instant: true }),
      ],
    }),
    row('Load'),
    timeSeries({
      title: 'Requests running and waiting',
      description: 'Requests being generated and requests queued, per model.',
      unit: UNIT.count,
      queries: [
        promql(`sum by (model) (llmmon_vllm_requests_running{${VLLM}})`, '{{model}} running'),
        promql(`sum by (model) (llmmon_vllm_requests_waiting{${VLLM}})`, '{{model}} waiting'),
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
      queries: [promql(`max by (model) (llmmon_vllm_kv_cache_usage_ratio{${VLLM}})`, '{{model}}')],
    }),
    tokenRate({
      title: 'Throughput',
      description: 'Prompt and generated tokens per second per model now, their share, and the total.',
      input: `sum by (model) (rate(llmmon_vllm_prompt_tokens_total{${VLLM}}[$__rate_interval]))`,
      output: `sum by (model) (rate(llmmon_vllm_generation_tokens_total{${VLLM}}[$__rate_interval]))`,
      modelLabel: 'model',
    }),
    timeSeries({
      title: 'Throughput over time',
      description: 'Prompt and generated tokens per second per model.',
      unit: UNIT.tokensPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (model) (rate(llmmon_vllm_prompt_tokens_total{${VLLM}}[$__rate_interval]))`,
          '{{model}} prompt',
        ),
        promql(
          `sum by (model) (rate(llmmon_vllm_generation_tokens_total{${VLLM}}[$__rate_interval]))`,
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
          `sum by (model) (rate(llmmon_vllm_preemptions_total{${VLLM}}[$__rate_interval]))`,
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
          `sum by (model) (rate(llmmon_vllm_prefix_cache_hits_total{${VLLM}}[$__rate_interval])) / sum by (model) (rate(llmmon_vllm_prefix_cache_queries_total{${VLLM}}[$__rate_interval]))`,
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
          `sum by (model, finished_reason) (rate(llmmon_vllm_requests_finished_total{${VLLM}}[$__rate_interval]))`,
          '{{model}} {{finished_reason}}',
        ),
      ],
    }),
  ],
};

export const modelCatalog: DashboardSpec = {
  uid: UIDS.modelCatalog,
  title: 'Model catalog',
  description:
    'Every model the server offers: type, endpoint, size, quantization, Hugging Face id, and whether it is up.',
  folder: 'llm',
  file: 'model-catalog.json',
  from: 'now-1h',
  refresh: '1m',
  variables: [VARIABLES.modelGroup()],
  links: [linkTo(UIDS.litellmStatus, 'LiteLLM status'), linkTo(UIDS.vllmStatus, 'vLLM status')],
  panels: [
    statPanel({
      title: 'Models',
      description: 'Model groups LiteLLM offers.',
      unit: UNIT.count,
      w: 6,
      queries: [
        promql(`count(count by (model_group) (llmmon_litellm_model_info{${GROUP}}))`, 'models', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Models healthy',
      description: 'Model groups with at least one healthy deployment.',
      unit: UNIT.count,
      w: 6,
      queries: [
        promql(
          `count(max by (model_group) (llmmon_litellm_deployment_healthy{${GROUP}}) == 1) or vector(0)`,
          'healthy',
          {
            instant: true,
          },
        ),
      ],
    }),
    statPanel({
      title: 'Parameters served',
      description: 'Parameters of all selected models together (from their Hugging Face metadata).',
      unit: UNIT.count,
      w: 6,
      queries: [promql(`sum(llmmon_litellm_model_parameters{${GROUP}})`, 'parameters', { instant: true })],
    }),
    statPanel({
      title: 'vLLM instances',
      description: 'vLLM instances the exporter knows, and how many answer.',
      unit: UNIT.count,
      w: 6,
      queries: [promql('sum(llmmon_vllm_up)', 'answering', { instant: true })],
    }),
    tablePanel({
      title: 'Catalog',
      description:
        'One row per deployment: what it is, where it runs, its Hugging Face id, size, precision and health. Click a row for its traffic.',
      unit: UNIT.count,
      h: 12,
      merge: true,
      queries: [
        promql(`llmmon_litellm_model_info{${GROUP}}`, '', { instant: true, table: true }),
        promql(`llmmon_litellm_model_metadata_info{${GROUP}}`, '', { instant: true, table: true }),
        promql(`llmmon_litellm_model_parameters{${GROUP}}`, '', { instant: true, table: true }),
        promql(`llmmon_litellm_model_context_tokens{${GROUP}}`, '', { instant: true, table: true }),
        promql(`max by (model_group, model_id) (llmmon_litellm_deployment_healthy{${GROUP}})`, '', {
          instant: true,
          table: true,
        }),
      ],
      hide: ['Value #A', 'Value #B', 'model_id'],
      rename: {
        model_group: 'model',
        model: 'served as',
        hf_model: 'Hugging Face id',
        'Value #C': 'parameters',
        'Value #D': 'context (tokens)',
        'Value #E': 'health',
      },
      sortBy: 'model',
      dataLinks: [drillDownFromRow(UIDS.litellmStatus, 'Traffic of this model', 'model', 'model')],
    }),
    tablePanel({
      title: 'vLLM instances',
      description: 'The vLLM container serving each model, its version and GPUs.',
      unit: UNIT.count,
      queries: [promql('llmmon_vllm_model_info', '', { instant: true, table: true })],
      hide: ['Value', 'mock'],
      rename: { vllm_version: 'vLLM', max_model_len: 'context' },
      sortBy: 'container',
      dataLinks: [drillDownFromRow(UIDS.vllmStatus, 'vLLM status', 'container', 'container')],
    }),
  ],
};

export const llmDashboards = [litellmStatus, vllmStatus, modelCatalog];
