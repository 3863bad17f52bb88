import {
  barGauge,
  type DashboardSpec,
  FILTERS,
  linkTo,
  promql,
  row,
  statPanel,
  THRESHOLDS,
  timeSeries,
  UIDS,
  UNIT,
  upDownMappings,
  VARIABLES,
} from '../../blocks';

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
      queries: [promql('min(llmmon_upstream_up{upstream="langfuse"})', 'langfuse', { instant: true })],
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
          `sum by (model) (llmmon_langfuse_model_input_tokens{window="today", ${FILTERS.model}} + llmmon_langfuse_model_output_tokens{window="today", ${FILTERS.model}})`,
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
        promql(
          `sum by (model) (llmmon_langfuse_model_cost_usd{window="7d", ${FILTERS.model}})`,
          '{{model}}',
          {
            instant: true,
          },
        ),
      ],
    }),
    timeSeries({
      title: 'Traces per model',
      description: 'Traces using each model since 00:00 UTC, as the day goes on.',
      unit: UNIT.count,
      queries: [
        promql(
          `sum by (model) (llmmon_langfuse_model_traces{window="today", ${FILTERS.model}})`,
          '{{model}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Output tokens per model',
      description: 'Output tokens of each model since 00:00 UTC.',
      unit: UNIT.tokens,
      queries: [
        promql(
          `sum by (model) (llmmon_langfuse_model_output_tokens{window="today", ${FILTERS.model}})`,
          '{{model}}',
        ),
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
