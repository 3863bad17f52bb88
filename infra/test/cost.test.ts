/**
 * The cost rules are generated from the one config file: the committed rules are what it
 * renders, a bad config names its field, and a price changed in it changes the figures that
 * Prometheus (promtool, on the generated rules with energy.yml's) computes per million tokens.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  hardwareUsdPerHour,
  parseCostConfig,
  renderCostRules,
  type CostConfig,
} from '../prometheus/src/cost-rules';
import { PROM, promtoolTest } from './promtool';
const CONFIG = readFileSync(join(PROM, 'costs.yml'), 'utf8');

it('the committed rules/cost.yml is what costs.yml renders (else: npx nx run infra:rules)', () => {
  expect(readFileSync(join(PROM, 'rules/cost.yml'), 'utf8')).toBe(renderCostRules(parseCostConfig(CONFIG)));
});

it('refuses a config with a missing default or a bad number, naming the field', () => {
  expect(() => parseCostConfig('gpus: {}\nenergy: { usd_per_kwh: 0.1, pue: 1.2 }')).toThrow(/gpus\.default/);
  expect(() => parseCostConfig(CONFIG.replace('usd_per_kwh: 0.15', 'usd_per_kwh: cheap'))).toThrow(
    /energy\.usd_per_kwh: expected a non-negative number, got "cheap"/,
  );
  expect(() => parseCostConfig(CONFIG.replace('pue: 1.3', 'pue: 0.8'))).toThrow(/energy\.pue/);
});

describe('a price changed in costs.yml changes the cost per million tokens', () => {
  /** One H200 at 700 W held by one container serving model m at 100 output tokens a second. */
  function promtoolCostPerMillion(config: CostConfig, expectedMilliUsd: number): string {
    const gpu = 'instance="h:9445", job="gpu", gpu="0", uuid="GPU-0"';
    return promtoolTest({ 'cost.yml': renderCostRules(config) }, [
      {
        interval: '1m',
        input_series: [
          { series: `llmmon_gpu_info{${gpu}, name="NVIDIA H200"}`, values: '1x20' },
          { series: `llmmon_gpu_energy_joules_total{${gpu}}`, values: '0+42000x20' },
          {
            series: `llmmon_gpu_container_memory_used_bytes{${gpu}, mig_instance="", container="c", compose_service="c"}`,
            values: '1e11x20',
          },
          {
            series: 'llmmon_vllm_model_info{instance="h:9902", job="vllm", container="c", model="m"}',
            values: '1x20',
          },
          {
            series:
              'llmmon_vllm_generation_tokens_total{instance="h:9902", job="vllm", container="c", model="m"}',
            values: '0+6000x20',
          },
        ],
        promql_expr_test: [
          {
            expr: 'round(model:llmmon_cost_usd_per_million_tokens:ratio_rate5m * 1000)',
            eval_time: '10m',
            exp_samples: [{ labels: '{model="m"}', value: expectedMilliUsd }],
          },
        ],
      },
    ]);
  }

  /** By hand: hardware an hour + 0.7 kW x PUE x price, over 360 000 tokens an hour, per million. */
  const milliUsdPerMillion = (c: CostConfig) =>
    Math.round(
      ((hardwareUsdPerHour(c.gpus['NVIDIA H200']!) + 0.7 * c.energy.pue * c.energy.usd_per_kwh) / 360_000) *
        1e6 *
        1000,
    );

  it('at the configured prices', () => {
    const config = parseCostConfig(CONFIG);
    expect(milliUsdPerMillion(config)).toBe(3725); // (1.2043 + 0.1365) $/h over 0.36 M tokens/h
    expect(promtoolCostPerMillion(config, 3725)).toContain('SUCCESS');
  });

  it('with the kWh price doubled', () => {
    const config = parseCostConfig(CONFIG.replace('usd_per_kwh: 0.15', 'usd_per_kwh: 0.30'));
    expect(milliUsdPerMillion(config)).toBe(4104);
    expect(promtoolCostPerMillion(config, 4104)).toContain('SUCCESS');
  });

  it('with the H200 bought for twice as much', () => {
    const config = parseCostConfig(CONFIG.replace('purchase_usd: 35000', 'purchase_usd: 70000'));
    expect(promtoolCostPerMillion(config, milliUsdPerMillion(config))).toContain('SUCCESS');
    expect(milliUsdPerMillion(config)).toBeGreaterThan(6000);
  });
});
