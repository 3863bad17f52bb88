import {
  barGauge,
  type DashboardSpec,
  FILTERS,
  linkTo,
  promql,
  statPanel,
  timeSeries,
  UIDS,
  UNIT,
  VARIABLES,
} from '../../blocks';

/**
 * What a token costs on our own hardware, in energy first: each GPU's energy attributed to the
 * containers on it by memory share, through them to their models (infra/prometheus/rules/energy.yml,
 * docs/energy.md).
 */
export const costEfficiency: DashboardSpec = {
  uid: UIDS.costEfficiency,
  title: 'Cost & efficiency',
  description:
    "What a token costs on our own hardware: dollars and joules per token per model and per host, beside the catalog prices of comparable models; each model's power, cost and GPUs' worth; tokens per GPU-hour; what idle GPUs draw and cost.",
  folder: 'llm',
  file: 'cost-efficiency.json',
  from: 'now-6h',
  refresh: '1m',
  variables: [VARIABLES.vllmModel()],
  links: [
    linkTo(UIDS.gpuUsage, 'GPU usage'),
    linkTo(UIDS.vllmStatus, 'vLLM status'),
    linkTo(UIDS.modelCatalog, 'Model catalog'),
  ],
  panels: [
    statPanel({
      title: 'Joules per token (host)',
      description:
        "Every GPU's energy, idle ones included, over every model's output tokens, over 5 minutes. Lower is better.",
      unit: UNIT.joulesPerToken,
      w: 6,
      queries: [
        promql('instance:llmmon_energy_joules_per_token:ratio_rate5m', '{{instance}}', { instant: true }),
      ],
    }),
    statPanel({
      title: 'GPU power',
      description: 'All GPUs together, averaged over 5 minutes from their energy counters.',
      unit: UNIT.watts,
      w: 6,
      queries: [promql('sum(instance_gpu:llmmon_gpu_power_watts:rate5m)', 'GPUs', { instant: true })],
    }),
    statPanel({
      title: 'Idle GPU power',
      description: 'What GPUs that no container holds memory on draw: no model pays for it.',
      unit: UNIT.watts,
      w: 6,
      queries: [promql('sum(instance_gpu:llmmon_gpu_idle_power_watts:rate5m)', 'idle', { instant: true })],
    }),
    statPanel({
      title: 'GPUs in use',
      description: "GPUs' worth that the selected models hold (shared GPUs count by memory share).",
      unit: UNIT.count,
      w: 6,
      queries: [promql(`sum(model:llmmon_gpu_share:sum{${FILTERS.model}})`, 'GPUs', { instant: true })],
    }),
    statPanel({
      title: 'GPU cost per hour',
      description:
        'All GPUs: purchase spread over their service life, hosting, and energy at the configured kWh price and PUE (infra/prometheus/costs.yml).',
      unit: UNIT.usd,
      w: 6,
      queries: [promql('sum(instance_gpu:llmmon_gpu_cost_usd_per_hour:rate5m)', 'GPUs', { instant: true })],
    }),
    statPanel({
      title: 'Idle GPU cost per hour',
      description: 'What GPUs no container holds memory on cost an hour: paid for, used by nobody.',
      unit: UNIT.usd,
      w: 6,
      queries: [
        promql('sum(instance_gpu:llmmon_gpu_idle_cost_usd_per_hour:rate5m)', 'idle', { instant: true }),
      ],
    }),
    statPanel({
      title: 'Projected month',
      description: "The selected models' cost an hour now, times 730 hours.",
      unit: UNIT.usd,
      w: 6,
      queries: [
        promql(`sum(model:llmmon_cost_usd_per_hour:rate5m{${FILTERS.model}}) * 730`, 'month', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Cost per 1M tokens (host)',
      description: "Every GPU's cost an hour, idle ones included, over every model's output tokens.",
      unit: UNIT.usd,
      w: 6,
      queries: [
        promql(
          'sum(instance_gpu:llmmon_gpu_cost_usd_per_hour:rate5m) / 3600 / (sum(model:llmmon_vllm_weighted_tokens:rate5m) > 0) * 1e6',
          'host',
          { instant: true },
        ),
      ],
    }),
    timeSeries({
      title: 'Cost per 1M output tokens, by model',
      description:
        "On our hardware (each model's share of its GPUs' cost an hour over its tokens), and dashed what the same tokens would cost at the LiteLLM catalog prices of a comparable model group (costs.yml's cloud_equivalents).",
      unit: UNIT.usd,
      dashedSeries: '.* at .* prices$',
      queries: [
        promql(`model:llmmon_cost_usd_per_million_tokens:ratio_rate5m{${FILTERS.model}}`, '{{model}}'),
        promql(
          `model:llmmon_cloud_cost_usd_per_million_tokens:ratio_rate5m{${FILTERS.model}}`,
          '{{model}} at {{model_group}} prices',
        ),
      ],
    }),
    barGauge({
      title: 'Cost per hour, by model',
      description: "Each model's share of its GPUs' cost an hour (hardware, hosting, energy).",
      unit: UNIT.usd,
      queries: [
        promql(`model:llmmon_cost_usd_per_hour:rate5m{${FILTERS.model}}`, '{{model}}', { instant: true }),
      ],
    }),
    timeSeries({
      title: 'Joules per output token, by model',
      description:
        "Each model's share of its GPUs' energy over its output tokens (input tokens weigh llmmon:energy:input_token_weight, 0 by default). Embedding models produce no output tokens and have none.",
      unit: UNIT.joulesPerToken,
      queries: [promql(`model:llmmon_energy_joules_per_token:ratio_rate5m{${FILTERS.model}}`, '{{model}}')],
    }),
    timeSeries({
      title: 'Power by model',
      description:
        "Each model's share of its GPUs' power (by GPU memory where models share a GPU), and idle GPUs (dashed).",
      unit: UNIT.watts,
      stack: true,
      referenceSeries: 'idle GPUs',
      queries: [
        promql(`model:llmmon_gpu_power_watts:rate5m{${FILTERS.model}}`, '{{model}}'),
        promql('sum(instance_gpu:llmmon_gpu_idle_power_watts:rate5m)', 'idle GPUs'),
      ],
    }),
    barGauge({
      title: 'Tokens per GPU-hour, by model',
      description: "Output tokens a GPU's worth of each model produces in an hour at the current rate.",
      unit: UNIT.tokens,
      queries: [
        promql(`model:llmmon_vllm_tokens_per_gpu_hour:ratio_rate5m{${FILTERS.model}}`, '{{model}}', {
          instant: true,
        }),
      ],
    }),
    barGauge({
      title: "GPUs' worth by model",
      description:
        'How much GPU each model holds: 2 for two whole GPUs, 0.3 for a third of one shared by memory.',
      unit: UNIT.count,
      queries: [promql(`model:llmmon_gpu_share:sum{${FILTERS.model}}`, '{{model}}', { instant: true })],
    }),
  ],
};
