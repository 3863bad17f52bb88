/**
 * The cost config (infra/prometheus/costs.yml) → recording rules (rules/cost.yml): what each GPU
 * costs an hour (its purchase spread over its service life, hosting, and its energy at the
 * configured price and PUE), spread over the models by the same shares as energy
 * (rules/energy.yml), per million tokens; and what the same tokens would cost at the LiteLLM
 * catalog prices of a comparable model group.
 */
import { parse, stringify } from 'yaml';

export interface GpuCost {
  readonly purchase_usd: number;
  readonly service_years: number;
  readonly hosting_usd_per_month: number;
}

export interface CostConfig {
  readonly gpus: Readonly<Record<string, GpuCost>> & { readonly default: GpuCost };
  readonly energy: { readonly usd_per_kwh: number; readonly pue: number };
  readonly cloud_equivalents: Readonly<Record<string, string>>;
}

const HOURS_PER_YEAR = 24 * 365;
const HOURS_PER_MONTH = HOURS_PER_YEAR / 12;

/** Parses and checks the config; an error names the field. */
export function parseCostConfig(text: string): CostConfig {
  const c = parse(text) as Partial<CostConfig> | null;
  const fail = (field: string, what: string): never => {
    throw new Error(`costs.yml: ${field}: ${what}`);
  };
  const positive = (field: string, v: unknown, zeroOk = false) =>
    typeof v === 'number' && Number.isFinite(v) && (zeroOk ? v >= 0 : v > 0)
      ? v
      : fail(field, `expected a ${zeroOk ? 'non-negative' : 'positive'} number, got ${JSON.stringify(v)}`);
  if (!c?.gpus || typeof c.gpus !== 'object') fail('gpus', 'expected a map of GPU names');
  if (!c!.gpus!.default) fail('gpus.default', 'missing (applies to GPUs not listed)');
  for (const [name, g] of Object.entries(c!.gpus!)) {
    positive(`gpus.${name}.purchase_usd`, g?.purchase_usd, true);
    positive(`gpus.${name}.service_years`, g?.service_years);
    positive(`gpus.${name}.hosting_usd_per_month`, g?.hosting_usd_per_month, true);
  }
  positive('energy.usd_per_kwh', c!.energy?.usd_per_kwh, true);
  if (positive('energy.pue', c!.energy?.pue) < 1) fail('energy.pue', 'expected 1 or more');
  for (const [model, group] of Object.entries(c!.cloud_equivalents ?? {}))
    if (typeof group !== 'string' || !group)
      fail(`cloud_equivalents.${model}`, 'expected a LiteLLM model group');
  return { cloud_equivalents: {}, ...c } as CostConfig;
}

/** What a GPU costs an hour before energy. */
export const hardwareUsdPerHour = (g: GpuCost) =>
  g.purchase_usd / (g.service_years * HOURS_PER_YEAR) + g.hosting_usd_per_month / HOURS_PER_MONTH;

const q = (s: string) => JSON.stringify(s);
const round = (n: number) => Number(n.toPrecision(12));
/** `share * on (...) group_left X`, through the container to its model, as in energy.yml. */
const byModel = (perContainer: string) =>
  `sum by (model) (\n  ${perContainer}\n  * on (container) group_left (model) max by (container, model) (llmmon_vllm_model_info)\n)`;

export function renderCostRules(config: CostConfig): string {
  const named = Object.entries(config.gpus).filter(([name]) => name !== 'default');
  const rules: { record: string; expr: string; labels?: Record<string, string> }[] = [
    { record: 'llmmon:cost:energy_usd_per_kwh', expr: `vector(${config.energy.usd_per_kwh})` },
    { record: 'llmmon:cost:pue', expr: `vector(${config.energy.pue})` },
    // Each GPU's hardware cost an hour, by its model name (the default for names not listed).
    {
      record: 'instance_gpu:llmmon_gpu_hardware_cost_usd_per_hour:config',
      expr: [
        ...named.map(
          ([name, g]) =>
            `max by (instance, job, gpu, uuid) (llmmon_gpu_info{name=${q(name)}}) * ${round(hardwareUsdPerHour(g))}`,
        ),
        `max by (instance, job, gpu, uuid) (llmmon_gpu_info) * ${round(hardwareUsdPerHour(config.gpus.default))}`,
      ].join('\nor '),
    },
    // Plus its energy: average power (kW) x PUE x the price of a kWh.
    {
      record: 'instance_gpu:llmmon_gpu_cost_usd_per_hour:rate5m',
      expr:
        'instance_gpu:llmmon_gpu_hardware_cost_usd_per_hour:config\n' +
        '+ on (instance, job, gpu, uuid) instance_gpu:llmmon_gpu_power_watts:rate5m / 1000\n' +
        '  * scalar(llmmon:cost:pue) * scalar(llmmon:cost:energy_usd_per_kwh)',
    },
    {
      record: 'container:llmmon_cost_usd_per_hour:rate5m',
      expr:
        'sum by (container) (\n  instance_gpu_container:llmmon_gpu_share:ratio\n' +
        '  * on (instance, job, gpu, uuid) group_left instance_gpu:llmmon_gpu_cost_usd_per_hour:rate5m\n)',
    },
    // GPUs no container holds: paid for, used by nobody (0 for those that are held).
    {
      record: 'instance_gpu:llmmon_gpu_idle_cost_usd_per_hour:rate5m',
      expr:
        '(instance_gpu:llmmon_gpu_cost_usd_per_hour:rate5m\n' +
        '  unless on (instance, job, gpu, uuid) llmmon_gpu_container_memory_used_bytes)\n' +
        'or instance_gpu:llmmon_gpu_cost_usd_per_hour:rate5m * 0',
    },
    {
      record: 'model:llmmon_cost_usd_per_hour:rate5m',
      expr: byModel('container:llmmon_cost_usd_per_hour:rate5m'),
    },
    {
      record: 'model:llmmon_cost_usd_per_million_tokens:ratio_rate5m',
      expr: 'model:llmmon_cost_usd_per_hour:rate5m / 3600\n/ (model:llmmon_vllm_weighted_tokens:rate5m > 0) * 1e6',
    },
    // The same tokens at a comparable model group's catalog prices, per million weighted tokens.
    ...Object.entries(config.cloud_equivalents).map(([model, group]) => ({
      record: 'model:llmmon_cloud_cost_usd_per_million_tokens:ratio_rate5m',
      expr:
        // Empty, not NaN, where the group has no price in the catalog.
        `(\n` +
        `  sum(rate(llmmon_vllm_prompt_tokens_total{model=${q(model)}}[5m]))\n` +
        `  * max(llmmon_litellm_model_input_cost_usd_per_token{model_group=${q(group)}})\n` +
        `  + sum(rate(llmmon_vllm_generation_tokens_total{model=${q(model)}}[5m]))\n` +
        `  * max(llmmon_litellm_model_output_cost_usd_per_token{model_group=${q(group)}})\n` +
        `) / sum(model:llmmon_vllm_weighted_tokens:rate5m{model=${q(model)}} > 0) * 1e6`,
      labels: { model, model_group: group },
    })),
  ];
  return (
    '# Generated from infra/prometheus/costs.yml by infra/prometheus/src/cost-rules.ts\n' +
    '# (npx nx run infra:rules): edit the config, not this file.\n' +
    stringify({ groups: [{ name: 'llmmon-cost', rules }] }, { lineWidth: 0 })
  );
}
