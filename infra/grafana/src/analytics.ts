/** Analytics folder: what the models are used for (Langfuse), and how the server trends over weeks. */
import {
  THRESHOLDS,
  UIDS,
  UNIT,
  VARIABLES,
  barGauge,
  linkTo,
  promql,
  row,
  statPanel,
  timeSeries,
  upDownMappings,
  type DashboardSpec,
} from './blocks';

const MODEL = 'model=~"$model"';

export const langfuseAnalytics: DashboardSpec = {
  uid: UIDS.langfuseAnalytics,
  title: 'Langfuse analytics',
  description:
    'What the applications do with the models: traces, tokens and cost by model, latency, scores, active users.',
  folder: 'analytics',
  file: 'langfuse-analytics.json',
  from: 'now-24h',
  refresh: '1m',
  variables: [VARIABLES.langfuseModel()],
  links: [linkTo(UIDS.litellmStatus, 'LiteLLM status'), linkTo(UIDS.performanceTrends, 'Performance trends')],
  panels: [
    statPanel({
      title: 'Langfuse',
      description: "Whether the exporter's last poll of Langfuse succeeded (healthy, and the keys accepted).",
      unit: UNIT.state,
      mappings: upDownMappings(),
      thresholds: THRESHOLDS.upDown(),
      background: true,
      queries: [promql('min(llmmon_langfuse_up)', 'langfuse', { instant: true })],
    }),
    statPanel({
      title: 'Traces today',
      description: 'Traces since 00:00 UTC.',
      unit: UNIT.count,
      queries: [promql('sum(llmmon_langfuse_traces{window="today"})', 'today', { instant: true })],
    }),
    statPanel({
      title: 'Cost today',
      description: 'Cost Langfuse computed since 00:00 UTC.',
      unit: UNIT.usd,
      queries: [promql('sum(llmmon_langfuse_cost_usd{window="today"})', 'today', { instant: true })],
    }),
    statPanel({
      title: 'Cost, 7 days',
      description: 'Cost over the last 7 days.',
      unit: UNIT.usd,
      queries: [promql('sum(llmmon_langfuse_cost_usd{window="7d"})', '7 days', { instant: true })],
    }),
    statPanel({
      title: 'Active users',
      description: 'Distinct users with a trace in the last hour.',
      unit: UNIT.count,
      sparkline: true,
      queries: [promql('sum(llmmon_langfuse_active_users)', 'users', { instant: true })],
    }),
    statPanel({
      title: 'Active sessions',
      description: 'Distinct sessions with a trace in the last hour.',
      unit: UNIT.count,
      sparkline: true,
      queries: [promql('sum(llmmon_langfuse_active_sessions)', 'sessions', { instant: true })],
    }),
    row('By model'),
    barGauge({
      title: 'Tokens today by model',
      description: 'Input plus output tokens since 00:00 UTC, per model (the top N; the rest as "other").',
      unit: UNIT.tokens,
      queries: [
        promql(
          `sum by (model) (llmmon_langfuse_model_input_tokens{window="today", ${MODEL}} + llmmon_langfuse_model_output_tokens{window="today", ${MODEL}})`,
          '{{model}}',
          { instant: true },
        ),
      ],
    }),
    barGauge({
      title: 'Cost, 7 days, by model',
      description: 'Cost over the last 7 days per model.',
      unit: UNIT.usd,
      queries: [
        promql(`sum by (model) (llmmon_langfuse_model_cost_usd{window="7d", ${MODEL}})`, '{{model}}', {
          instant: true,
        }),
      ],
    }),
    timeSeries({
      title: 'Traces per model',
      description: 'Traces using each model since 00:00 UTC, as the day goes on.',
      unit: UNIT.count,
      queries: [
        promql(`sum by (model) (llmmon_langfuse_model_traces{window="today", ${MODEL}})`, '{{model}}'),
      ],
    }),
    timeSeries({
      title: 'Output tokens per model',
      description: 'Output tokens of each model since 00:00 UTC.',
      unit: UNIT.tokens,
      queries: [
        promql(`sum by (model) (llmmon_langfuse_model_output_tokens{window="today", ${MODEL}})`, '{{model}}'),
      ],
    }),
    row('Latency and quality'),
    timeSeries({
      title: 'Trace latency',
      description:
        'Median and 95th percentile latency of traces as Langfuse records them (the whole application call).',
      unit: UNIT.seconds,
      queries: [
        promql(
          'histogram_quantile(0.5, sum by (le) (rate(llmmon_langfuse_trace_latency_seconds_bucket[$__rate_interval])))',
          'p50',
        ),
        promql(
          'histogram_quantile(0.95, sum by (le) (rate(llmmon_langfuse_trace_latency_seconds_bucket[$__rate_interval])))',
          'p95',
        ),
      ],
    }),
    timeSeries({
      title: 'Traces per second',
      description: 'Traces the exporter reads per second.',
      unit: UNIT.perSecond,
      queries: [promql('sum(rate(llmmon_langfuse_traces_read_total[$__rate_interval]))', 'traces')],
    }),
    timeSeries({
      title: 'Average score',
      description: 'Average value of each score (numeric and boolean) over the interval.',
      unit: UNIT.count,
      queries: [
        promql(
          'sum by (name) (rate(llmmon_langfuse_score_value_sum[$__rate_interval])) / sum by (name) (rate(llmmon_langfuse_score_value_count[$__rate_interval]))',
          '{{name}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Scores per second',
      description: 'Scores recorded per second, by name.',
      unit: UNIT.perSecond,
      queries: [promql('sum by (name) (rate(llmmon_langfuse_scores_total[$__rate_interval]))', '{{name}}')],
    }),
  ],
};

export const performanceTrends: DashboardSpec = {
  uid: UIDS.performanceTrends,
  title: 'Performance trends',
  description:
    'Weeks of history: is load growing, is latency creeping up, when do GPUs, KV cache or disk run out.',
  folder: 'analytics',
  file: 'performance-trends.json',
  from: 'now-7d',
  refresh: '5m',
  variables: [VARIABLES.modelGroup()],
  links: [linkTo(UIDS.litellmStatus, 'LiteLLM status'), linkTo(UIDS.gpuUsage, 'GPU usage')],
  panels: [
    row('Load'),
    timeSeries({
      title: 'Requests per hour',
      description: 'Requests per hour per model.',
      unit: UNIT.count,
      stack: true,
      queries: [
        promql(
          'sum by (model_group) (rate(llmmon_litellm_requests_total{model_group=~"$model"}[$__rate_interval])) * 3600',
          '{{model_group}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Output tokens per hour',
      description: 'Output tokens generated per hour per model.',
      unit: UNIT.tokens,
      stack: true,
      queries: [
        promql(
          'sum by (model_group) (rate(llmmon_litellm_output_tokens_total{model_group=~"$model"}[$__rate_interval])) * 3600',
          '{{model_group}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Latency (p95)',
      description: '95th percentile request latency per model, from the recording rule.',
      unit: UNIT.seconds,
      queries: [
        promql(
          'max by (model_group) (model_group:llmmon_litellm_request_latency_seconds:p95_rate5m{model_group=~"$model"})',
          '{{model_group}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Error ratio',
      description: 'Failed requests as a share of all per model, from the recording rule.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.errorRatio(),
      showThresholds: true,
      min: 0,
      queries: [
        promql(
          'max by (model_group) (model_group:llmmon_litellm_request_errors:ratio_rate5m{model_group=~"$model"})',
          '{{model_group}}',
        ),
      ],
    }),
    row('Capacity'),
    timeSeries({
      title: 'GPU utilization',
      description: 'Average and busiest GPU over each interval.',
      unit: UNIT.ratio,
      min: 0,
      max: 1,
      queries: [
        promql('avg(avg_over_time(llmmon_gpu_utilization_ratio[$__interval]))', 'average'),
        promql('max(max_over_time(llmmon_gpu_utilization_ratio[$__interval]))', 'busiest GPU'),
      ],
    }),
    timeSeries({
      title: 'GPU memory used',
      description: 'Average and fullest GPU memory share over each interval.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.memoryRatio(),
      showThresholds: true,
      min: 0,
      max: 1,
      queries: [
        promql('avg(avg_over_time(instance_gpu:llmmon_gpu_memory_used:ratio[$__interval]))', 'average'),
        promql('max(max_over_time(instance_gpu:llmmon_gpu_memory_used:ratio[$__interval]))', 'fullest GPU'),
      ],
    }),
    timeSeries({
      title: 'KV cache peak',
      description:
        'Highest KV cache usage of any vLLM instance in each interval; near 100% means more GPUs or a smaller context.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.memoryRatio(),
      showThresholds: true,
      min: 0,
      max: 1,
      queries: [
        promql('max by (model) (max_over_time(llmmon_vllm_kv_cache_usage_ratio[$__interval]))', '{{model}}'),
      ],
    }),
    timeSeries({
      title: 'Queue peak',
      description: 'Most requests waiting in any vLLM instance in each interval.',
      unit: UNIT.count,
      queries: [
        promql('max by (model) (max_over_time(llmmon_vllm_requests_waiting[$__interval]))', '{{model}}'),
      ],
    }),
    timeSeries({
      title: 'CPU and memory',
      description: 'Host CPU busy and memory used, averaged over each interval.',
      unit: UNIT.ratio,
      min: 0,
      max: 1,
      queries: [
        promql('avg(avg_over_time(instance:node_cpu_busy:ratio_rate5m[$__interval]))', 'CPU busy'),
        promql('avg(avg_over_time(instance:node_memory_used:ratio[$__interval]))', 'memory used'),
      ],
    }),
    timeSeries({
      title: 'Root disk free, projected',
      description: "Free space on / now, and where the last day's trend puts it in a week (dashed).",
      unit: UNIT.bytes,
      referenceSeries: 'in 7 days',
      queries: [
        promql('min(node_filesystem_avail_bytes{mountpoint="/"})', 'free'),
        promql(
          'min(predict_linear(node_filesystem_avail_bytes{mountpoint="/"}[1d], 7 * 86400))',
          'in 7 days',
        ),
      ],
    }),
  ],
};

export const analyticsDashboards = [langfuseAnalytics, performanceTrends];
