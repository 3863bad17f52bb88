import {
  type DashboardSpec,
  drillDownFromRow,
  FILTERS,
  linkTo,
  promql,
  row,
  statPanel,
  tablePanel,
  THRESHOLDS,
  timeSeries,
  tokenRate,
  UIDS,
  UNIT,
  upDownMappings,
  VARIABLES,
} from '../../blocks';

const latencyQuantile = (q: number) =>
  promql(
    `histogram_quantile(${q}, sum by (model_group, le) (rate(llmmon_litellm_request_latency_seconds_bucket{${FILTERS.modelGroup}}[$window])))`,
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
      queries: [promql('min(llmmon_upstream_up{upstream="litellm"})', 'proxy', { instant: true })],
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
      queries: [
        promql(`sum(llmmon_litellm_deployment_healthy{${FILTERS.modelGroup}})`, 'healthy', { instant: true }),
      ],
    }),
    statPanel({
      title: 'Deployments failing',
      description: 'Deployments of the selected models whose last health check failed.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      queries: [
        promql(
          `count(llmmon_litellm_deployment_healthy{${FILTERS.modelGroup}} == 0) or vector(0)`,
          'failing',
          {
            instant: true,
          },
        ),
      ],
    }),
    statPanel({
      title: 'Requests',
      description: 'Requests per second through the proxy to the selected models, over 5 minutes.',
      unit: UNIT.requestsPerSecond,
      sparkline: true,
      queries: [
        promql(`sum(model_group:llmmon_litellm_requests:rate5m{${FILTERS.modelGroup}})`, 'requests', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Spend in range',
      description: 'Cost of the selected models over the time range, at the prices configured in LiteLLM.',
      unit: UNIT.usd,
      queries: [
        promql(`sum(increase(llmmon_litellm_spend_usd_total{${FILTERS.modelGroup}}[$__range]))`, 'spend', {
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
      queries: [
        promql(`llmmon_litellm_deployment_healthy{${FILTERS.modelGroup}}`, '', {
          instant: true,
          table: true,
        }),
      ],
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
          `sum by (model_group) (rate(llmmon_litellm_requests_total{${FILTERS.modelGroup}}[$window]))`,
          '{{model_group}}',
        ),
      ],
    }),
    tokenRate({
      title: 'Token rate',
      description: 'Input and output tokens per second per model now, their share, and the total.',
      input: `sum by (model_group) (rate(llmmon_litellm_input_tokens_total{${FILTERS.modelGroup}}[$window]))`,
      output: `sum by (model_group) (rate(llmmon_litellm_output_tokens_total{${FILTERS.modelGroup}}[$window]))`,
      modelLabel: 'model_group',
    }),
    timeSeries({
      title: 'Token rate over time',
      description: 'Input and output tokens per second per model.',
      unit: UNIT.tokensPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (model_group) (rate(llmmon_litellm_input_tokens_total{${FILTERS.modelGroup}}[$window]))`,
          '{{model_group}} input',
        ),
        promql(
          `sum by (model_group) (rate(llmmon_litellm_output_tokens_total{${FILTERS.modelGroup}}[$window]))`,
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
          // Failures count from 0 for every model of the catalog: a model that has not failed shows 0.
          `sum by (model_group) (rate(llmmon_litellm_request_failures_total{${FILTERS.modelGroup}}[$window])) / sum by (model_group) (rate(llmmon_litellm_requests_total{${FILTERS.modelGroup}}[$window]))`,
          '{{model_group}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Responses by status class',
      description: 'Requests per second by HTTP status class (2xx, 4xx, 5xx), all selected models.',
      unit: UNIT.requestsPerSecond,
      stack: true,
      queries: [
        promql(
          `sum by (status_class) (rate(llmmon_litellm_requests_total{${FILTERS.modelGroup}}[$window]))`,
          '{{status_class}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Upstream latency (p95)',
      description: "Time the model deployment took, without the proxy's own overhead.",
      unit: UNIT.seconds,
      queries: [
        promql(
          `histogram_quantile(0.95, sum by (model_group, le) (rate(llmmon_litellm_upstream_latency_seconds_bucket{${FILTERS.modelGroup}}[$window])))`,
          '{{model_group}}',
        ),
      ],
    }),
  ],
};
