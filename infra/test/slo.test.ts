/**
 * The SLO rules are generated from the one SLO file: the committed rules are what it renders,
 * a bad file names its field, and an objective or threshold changed in it changes what fires
 * (promtool, on the rendered rules beside every other rule file).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  LATENCY_BOUNDS,
  parseSloConfig,
  renderSloRules,
  type Objective,
  type SloConfig,
} from '../prometheus/src/slo-rules';
import { FIXTURES_DIR } from '@llmmon/fixtures';
import { parseExposition } from '@llmmon/metrics-core';
import { PROM, promtoolTest } from './promtool';

const CONFIG = readFileSync(join(PROM, 'slos.yml'), 'utf8');

it('the committed rules/slo.yml is what slos.yml renders (else: npx nx run infra:rules)', () => {
  expect(readFileSync(join(PROM, 'rules/slo.yml'), 'utf8')).toBe(renderSloRules(parseSloConfig(CONFIG)));
});

it('refuses a bad SLO file, naming the field', () => {
  const bad = (from: string, to: string) => () => parseSloConfig(CONFIG.replace(from, to));
  expect(bad('threshold_seconds: 2.5', 'threshold_seconds: 3')).toThrow(
    /defaults\.time_to_first_token\.threshold_seconds: expected a bucket bound every vLLM release has \(0\.001, .*, 10\), got 3/,
  );
  expect(bad('{ objective: 0.995 }', '{ objective: 99.5 }')).toThrow(
    /defaults\.availability\.objective: expected a share/,
  );
  expect(bad('window: 30d', 'window: 1h')).toThrow(/^slos\.yml: window: /);
  expect(bad('short_window: 5m', 'short_window: 1h')).toThrow(
    /alerts\.ModelSLOFastBurn\.short_window: expected shorter/,
  );
  expect(bad('long_window: 3d', 'long_window: 7d')).toThrow(
    /alerts\.ModelSLOBudgetDrain\.long_window: expected one of/,
  );
  expect(bad('    e2e_latency: { objective: 0.99, threshold_seconds: 5 }', '    latency: {}')).toThrow(
    /models\.intfloat\/e5-mistral-7b-instruct\.latency: unknown SLO/,
  );
  expect(bad('severity: warning', 'severity: info')).toThrow(/alerts\.ModelSLOSlowBurn\.severity/);
});

it('offers only the bucket bounds every release line has (the fixtures of each)', () => {
  const lines = readdirSync(FIXTURES_DIR).filter((f) => /^vllm-metrics-v[\d.]+\.txt$/.test(f));
  expect(lines.length).toBeGreaterThanOrEqual(4);
  for (const file of lines) {
    const families = parseExposition(readFileSync(join(FIXTURES_DIR, file), 'utf8'));
    for (const [kind, family] of [
      ['time_to_first_token', 'vllm:time_to_first_token_seconds'],
      ['e2e_latency', 'vllm:e2e_request_latency_seconds'],
    ] as const) {
      const bounds = new Set(
        families
          .get(family)!
          .samples.filter((s) => s.name.endsWith('_bucket'))
          .map((s) => Number(s.labels['le'])),
      );
      expect({ file, kind, missing: LATENCY_BOUNDS[kind].filter((b) => !bounds.has(b)) }).toEqual({
        file,
        kind,
        missing: [],
      });
    }
  }
});

describe('what the SLO file says is what fires', () => {
  const model = (name: string) => `instance="h:9902", job="vllm", container="vllm", model="${name}"`;
  /** 4% of `name`'s requests fail (vLLM aborts them), 20% come after 1 s, none after 2.5 s. */
  const traffic = (name: string) => [
    {
      series: `llmmon_vllm_requests_finished_total{${model(name)}, finished_reason="stop"}`,
      values: '0+96x30',
    },
    {
      series: `llmmon_vllm_requests_finished_total{${model(name)}, finished_reason="abort"}`,
      values: '0+4x30',
    },
    { series: `llmmon_vllm_time_to_first_token_seconds_count{${model(name)}}`, values: '0+100x30' },
    { series: `llmmon_vllm_time_to_first_token_seconds_bucket{${model(name)}, le="1"}`, values: '0+80x30' },
    {
      series: `llmmon_vllm_time_to_first_token_seconds_bucket{${model(name)}, le="2.5"}`,
      values: '0+100x30',
    },
  ];
  /** Which (model, SLO) pairs page for a fast burn at 20 minutes, under `config`. */
  const fastBurnOf = (config: SloConfig, expected: { model: string; slo: string }[]) =>
    promtoolTest({ 'slo.yml': renderSloRules(config) }, [
      {
        interval: '1m',
        input_series: [...traffic('a'), ...traffic('meta-llama/Llama-3.1-8B-Instruct')],
        alert_rule_test: [
          {
            eval_time: '20m',
            alertname: 'ModelSLOFastBurn',
            exp_alerts: expected.map((labels) => ({
              exp_labels: { severity: 'critical', ...labels },
              exp_annotations: {
                summary: `${labels.model} burns its ${labels.slo} error budget ${labels.slo === 'availability' ? (0.04 / (1 - (config.defaults.availability as Objective).objective)).toFixed(1) : '20.0'}x too fast`,
                description: `${labels.model}'s ${labels.slo} errors over the last 1h and 5m spend its 30d error budget at 14.4x the sustainable pace or more (2% of it within 1h).`,
                runbook_url: 'docs/runbooks.md#modelslofastburn',
              },
            })),
          },
        ],
      },
    ]);

  it('as committed: 4% failing burns 99.5% availability 8x (no page); the 8B model misses its own 1 s threshold 20x', () => {
    const slo = 'time_to_first_token';
    expect(
      fastBurnOf(parseSloConfig(CONFIG), [{ model: 'meta-llama/Llama-3.1-8B-Instruct', slo }]),
    ).toContain('SUCCESS');
  });

  it('with availability raised to 99.9%, the same 4% burns it 40x: both models page', () => {
    const config = parseSloConfig(
      CONFIG.replace('availability: { objective: 0.995 }', 'availability: { objective: 0.999 }'),
    );
    expect(
      fastBurnOf(config, [
        { model: 'a', slo: 'availability' },
        { model: 'meta-llama/Llama-3.1-8B-Instruct', slo: 'availability' },
        { model: 'meta-llama/Llama-3.1-8B-Instruct', slo: 'time_to_first_token' },
      ]),
    ).toContain('SUCCESS');
  });

  it("with the 8B model's threshold back at the default 2.5 s, nothing pages", () => {
    const config = parseSloConfig(
      CONFIG.replace(
        'time_to_first_token: { objective: 0.99, threshold_seconds: 1 }',
        'time_to_first_token: { objective: 0.99, threshold_seconds: 2.5 }',
      ),
    );
    expect(fastBurnOf(config, [])).toContain('SUCCESS');
  });
});
