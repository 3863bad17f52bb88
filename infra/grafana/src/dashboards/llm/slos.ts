import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSloConfig } from '../../../../prometheus/src/slo-rules';
import {
  type DashboardSpec,
  FILTERS,
  firingAlerts,
  linkTo,
  promql,
  statPanel,
  tablePanel,
  thresholds,
  timeSeries,
  UIDS,
  UNIT,
  VARIABLES,
} from '../../blocks';

/** The SLO file the rules are generated from: the burn-rate panel marks its alerts' factors. */
const SLOS = parseSloConfig(readFileSync(join(__dirname, '../../../../prometheus/slos.yml'), 'utf8'));
const burnRates = [...new Set(Object.values(SLOS.alerts).map((a) => a.burn_rate))].sort((a, b) => a - b);

const M = FILTERS.model;
const table = { instant: true, table: true };

/**
 * Per model, each objective of infra/prometheus/slos.yml (rules/slo.yml, docs/slos.md): where
 * it stands over the window, how much error budget is left, how fast it burns and when it runs
 * out at that pace.
 */
export const slos: DashboardSpec = {
  uid: UIDS.slos,
  title: 'SLOs',
  description: `Each model's service-level objectives (availability, time to first token, end-to-end latency) over ${SLOS.window}: the SLI, the error budget left, the burn rate and when the budget runs out at that pace.`,
  folder: 'llm',
  file: 'slos.json',
  from: 'now-24h',
  refresh: '1m',
  variables: [VARIABLES.vllmModel()],
  links: [
    linkTo(UIDS.vllmStatus, 'vLLM status'),
    linkTo(UIDS.litellmStatus, 'LiteLLM status'),
    linkTo(UIDS.costEfficiency, 'Cost & efficiency'),
  ],
  panels: [
    statPanel({
      title: 'Least budget left',
      description: `The selected models' lowest error budget left over ${SLOS.window}, any SLO: below 0, an objective is missed.`,
      unit: UNIT.ratio,
      thresholds: thresholds(['red', null], ['orange', 0], ['green', 0.25]),
      w: 6,
      queries: [
        promql(`min(model_slo:llmmon_slo_error_budget_remaining:ratio{${M}})`, 'left', { instant: true }),
      ],
    }),
    statPanel({
      title: 'Fastest burn (1h)',
      description:
        'The highest burn rate over the last hour, any model and SLO: 1 spends the budget exactly over the window.',
      unit: UNIT.count,
      decimals: 1,
      thresholds: thresholds(['green', null], ['orange', 1], ['red', burnRates.at(-1) ?? 14.4]),
      w: 6,
      queries: [
        promql(`max(model_slo:llmmon_slo_burn_rate:ratio_rate1h{${M}})`, 'burn rate', { instant: true }),
      ],
    }),
    statPanel({
      title: 'Objectives met',
      description: `The selected models' SLOs with error budget left over ${SLOS.window} (each model has up to three); the table below shows which are not.`,
      unit: UNIT.count,
      w: 6,
      queries: [
        promql(`count(model_slo:llmmon_slo_error_budget_remaining:ratio{${M}} > 0) or vector(0)`, 'met', {
          instant: true,
        }),
      ],
    }),
    firingAlerts({
      title: 'SLO alerts',
      description: 'Burn-rate pages and tickets firing or pending (ModelSLO…), from Alertmanager.',
      w: 6,
      h: 4,
      alertName: 'ModelSLO',
    }),
    tablePanel({
      title: 'Objectives',
      description: `One row per model and SLO: the objective, the SLI over ${SLOS.window} and over the last hour, the error budget left, the burn rate over the last hour, and when the budget runs out at that rate (∞: not burning).`,
      unit: UNIT.ratio,
      h: 10,
      merge: true,
      queries: [
        promql(`model_slo:llmmon_slo_objective:ratio{${M}}`, '', table),
        promql(`1 - model_slo:llmmon_slo_errors:ratio_window{${M}}`, '', table),
        promql(`1 - model_slo:llmmon_slo_errors:ratio_rate1h{${M}}`, '', table),
        promql(`model_slo:llmmon_slo_error_budget_remaining:ratio{${M}}`, '', table),
        promql(`model_slo:llmmon_slo_burn_rate:ratio_rate1h{${M}}`, '', table),
        // What is left of the budget over what the last hour's pace spends of it per second;
        // never (+Inf) where nothing burns.
        promql(
          `clamp_min(model_slo:llmmon_slo_error_budget_remaining:ratio{${M}}, 0)\n` +
            `* scalar(max(llmmon:slo:window_seconds))\n/ (model_slo:llmmon_slo_burn_rate:ratio_rate1h{${M}} > 0)\n` +
            `or (model_slo:llmmon_slo_burn_rate:ratio_rate1h{${M}} == 0) + Inf`,
          '',
          table,
        ),
      ],
      rename: {
        'Value #A': 'objective',
        'Value #B': `SLI (${SLOS.window})`,
        'Value #C': 'SLI (1h)',
        'Value #D': 'budget left',
        'Value #E': 'burn rate (1h)',
        'Value #F': 'budget gone in',
      },
      columns: {
        'burn rate (1h)': { unit: UNIT.count },
        'budget gone in': { unit: UNIT.duration },
      },
      sortBy: 'model',
    }),
    timeSeries({
      title: 'Error budget left',
      description: `Each model SLO's error budget left over ${SLOS.window} (1: untouched, 0: spent).`,
      unit: UNIT.ratio,
      showThresholds: true,
      thresholds: thresholds(['red', null], ['transparent', 0]),
      queries: [promql(`model_slo:llmmon_slo_error_budget_remaining:ratio{${M}}`, '{{model}} {{slo}}')],
    }),
    timeSeries({
      title: 'Burn rate (1h)',
      description: `How fast each model SLO spends its budget over the last hour (1: exactly over ${SLOS.window}); the dashed lines are the alerts' factors (${burnRates.join(', ')}).`,
      unit: UNIT.count,
      showThresholds: true,
      thresholds: thresholds(['transparent', null], ...burnRates.map((r): [string, number] => ['red', r])),
      queries: [promql(`model_slo:llmmon_slo_burn_rate:ratio_rate1h{${M}}`, '{{model}} {{slo}}')],
    }),
    timeSeries({
      title: 'SLI, last 5 minutes',
      description: 'The share of good requests per model SLO over 5 minutes.',
      unit: UNIT.ratio,
      queries: [promql(`1 - model_slo:llmmon_slo_errors:ratio_rate5m{${M}}`, '{{model}} {{slo}}')],
    }),
    timeSeries({
      title: 'Requests counted',
      description:
        "Requests per second each SLI counts: LiteLLM's for availability where it fronts the model, else vLLM's finished ones; vLLM's histograms for latency.",
      unit: UNIT.requestsPerSecond,
      queries: [promql(`model_slo:llmmon_slo_requests:rate5m{${M}}`, '{{model}} {{slo}}')],
    }),
  ],
};
