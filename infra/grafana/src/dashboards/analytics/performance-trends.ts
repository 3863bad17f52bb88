import {
  type DashboardSpec,
  linkTo,
  promql,
  row,
  THRESHOLDS,
  timeSeries,
  UIDS,
  UNIT,
  VARIABLES,
} from '../../blocks';

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
