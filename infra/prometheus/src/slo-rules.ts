/**
 * The SLO file (infra/prometheus/slos.yml) → recording rules and multi-window multi-burn-rate
 * alerts (rules/slo.yml). Per model and SLO (`slo` label: availability, time_to_first_token,
 * e2e_latency): the error ratio over each alert window, the objective, the burn rate (error
 * ratio over the error budget), and over the whole window the error ratio and the budget left.
 */
import { parse, stringify } from 'yaml';

export const SLO_KINDS = ['availability', 'time_to_first_token', 'e2e_latency'] as const;
export type SloKind = (typeof SLO_KINDS)[number];

/** The windows error ratios are recorded over, the alerts' pairs chosen among them. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
type Window = (typeof SLI_WINDOWS)[number];

/**
 * Latency thresholds must be bucket bounds, or the share under them cannot be read from the
 * histogram: those every vLLM release line since 0.6 has (0.6 has the fewest buckets).
 */
export const LATENCY_BOUNDS: Record<Exclude<SloKind, 'availability'>, readonly number[]> = {
  time_to_first_token: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
  e2e_latency: [0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60],
};
const HISTOGRAM: Record<Exclude<SloKind, 'availability'>, string> = {
  time_to_first_token: 'llmmon_vllm_time_to_first_token_seconds',
  e2e_latency: 'llmmon_vllm_e2e_request_latency_seconds',
};

export interface Objective {
  readonly objective: number;
  /** Latency SLOs only. */
  readonly threshold_seconds?: number;
}

export interface SloAlert {
  readonly severity: 'critical' | 'warning';
  readonly burn_rate: number;
  readonly long_window: Window;
  readonly short_window: Window;
}

export interface SloConfig {
  readonly window: string;
  readonly defaults: Readonly<Record<SloKind, Objective | false>>;
  /** Per model: the objectives that differ from the defaults (`false`: none). */
  readonly models: Readonly<Record<string, Partial<Record<SloKind, Objective | false>>>>;
  readonly alerts: Readonly<Record<string, SloAlert>>;
}

const DURATION = /^(\d+)([mhd])$/;
const SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400 };
export const durationSeconds = (d: string) => {
  const m = DURATION.exec(d);
  return m ? Number(m[1]) * SECONDS[m[2]!]! : NaN;
};

/** Parses and checks the SLO file; an error names the field. */
export function parseSloConfig(text: string): SloConfig {
  const c = parse(text) as Record<string, unknown> | null;
  const fail = (field: string, what: string): never => {
    throw new Error(`slos.yml: ${field}: ${what}`);
  };
  const isMap = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isMap(c)) fail('(top)', 'expected a map with window, defaults, models and alerts');
  const window = c!['window'];
  if (typeof window !== 'string' || !(durationSeconds(window) >= 86_400))
    fail('window', `expected a duration of a day or more such as 30d, got ${JSON.stringify(window)}`);

  const objective = (field: string, kind: SloKind, v: unknown): Objective | false => {
    if (v === false) return false;
    if (!isMap(v)) return fail(field, 'expected { objective, threshold_seconds } or false');
    const o = v['objective'];
    if (typeof o !== 'number' || !(o > 0 && o < 1))
      fail(`${field}.objective`, `expected a share between 0 and 1 such as 0.995, got ${JSON.stringify(o)}`);
    if (kind === 'availability') {
      if (v['threshold_seconds'] !== undefined) fail(`${field}.threshold_seconds`, 'availability has none');
      return { objective: o as number };
    }
    const t = v['threshold_seconds'];
    const bounds = LATENCY_BOUNDS[kind];
    if (typeof t !== 'number' || !bounds.includes(t))
      fail(
        `${field}.threshold_seconds`,
        `expected a bucket bound every vLLM release has (${bounds.join(', ')}), got ${JSON.stringify(t)}`,
      );
    return { objective: o as number, threshold_seconds: t as number };
  };
  const objectives = (field: string, v: unknown, all: boolean) => {
    if (!isMap(v)) return fail(field, 'expected a map of SLOs');
    for (const k of Object.keys(v))
      if (!(SLO_KINDS as readonly string[]).includes(k))
        fail(`${field}.${k}`, `unknown SLO; one of ${SLO_KINDS.join(', ')}`);
    const out: Partial<Record<SloKind, Objective | false>> = {};
    for (const kind of SLO_KINDS) {
      if (v[kind] === undefined) {
        if (all) fail(`${field}.${kind}`, 'missing (the default of every model)');
        continue;
      }
      out[kind] = objective(`${field}.${kind}`, kind, v[kind]);
    }
    return out;
  };
  const defaults = objectives('defaults', c!['defaults'], true) as Record<SloKind, Objective | false>;
  const models: Record<string, Partial<Record<SloKind, Objective | false>>> = {};
  const modelsIn = c!['models'] ?? {};
  if (!isMap(modelsIn)) fail('models', 'expected a map of model names');
  for (const [name, v] of Object.entries(modelsIn as Record<string, unknown>))
    models[name] = objectives(`models.${name}`, v, false);

  const alerts: Record<string, SloAlert> = {};
  if (!isMap(c!['alerts'])) fail('alerts', 'expected a map of alert names');
  for (const [name, a] of Object.entries(c!['alerts'] as Record<string, unknown>)) {
    const f = `alerts.${name}`;
    if (!/^[A-Z][A-Za-z0-9]+$/.test(name)) fail(f, 'expected an alert name in CamelCase');
    if (!isMap(a)) return fail(f, 'expected { severity, burn_rate, long_window, short_window }');
    if (a['severity'] !== 'critical' && a['severity'] !== 'warning')
      fail(`${f}.severity`, 'expected critical (pages) or warning (a ticket)');
    if (typeof a['burn_rate'] !== 'number' || !(a['burn_rate'] > 0))
      fail(`${f}.burn_rate`, 'expected a positive number');
    for (const w of ['long_window', 'short_window'])
      if (!(SLI_WINDOWS as readonly unknown[]).includes(a[w]))
        fail(`${f}.${w}`, `expected one of ${SLI_WINDOWS.join(', ')}, got ${JSON.stringify(a[w])}`);
    if (durationSeconds(a['short_window'] as string) >= durationSeconds(a['long_window'] as string))
      fail(`${f}.short_window`, 'expected shorter than long_window');
    alerts[name] = a as unknown as SloAlert;
  }
  return { window: window as string, defaults, models, alerts };
}

/** A model's objective for one SLO: its own, else the default; false when turned off. */
export function objectiveOf(config: SloConfig, model: string, kind: SloKind): Objective | false {
  return config.models[model]?.[kind] ?? config.defaults[kind];
}

const q = (s: string) => JSON.stringify(s);
/** A PromQL regex matching exactly these names (RE2: metacharacters escaped). */
const anyOf = (names: readonly string[]) =>
  q(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
/** Both ways a bound may be written in `le` (Prometheus 2 keeps the exporter's text). */
const leOf = (bound: number) =>
  q(Number.isInteger(bound) ? `${bound}|${bound}\\.0` : String(bound).replace('.', '\\.'));

/**
 * The selectors of one SLO: each model with its own objective, then every other model with
 * the default; models that turned it off are in no selector.
 */
function selectors(config: SloConfig, kind: SloKind): { selector: string; objective: Objective }[] {
  const named = Object.keys(config.models).filter((m) => config.models[m]![kind] !== undefined);
  const out = named.flatMap((m) => {
    const o = objectiveOf(config, m, kind);
    return o ? [{ selector: `model=${q(m)}`, objective: o }] : [];
  });
  const d = config.defaults[kind];
  if (d) out.push({ selector: named.length ? `model!~${anyOf(named)}` : '', objective: d });
  return out;
}

/** Errors and requests per second of one SLO over `w`, per model. */
function sli(config: SloConfig, kind: SloKind, w: string): { errors: string; requests: string } {
  if (kind === 'availability') {
    const off = Object.keys(config.models).filter((m) => objectiveOf(config, m, kind) === false);
    const sel = off.length ? `model!~${anyOf(off)}` : '';
    // LiteLLM's view where it fronts the model (`or`: per model, the left side wins).
    const viaProxy = (family: string) =>
      `sum by (model) (\n  rate(${family}[${w}])\n` +
      `  * on (instance, job, model_group) group_left (model) model_group:llmmon_litellm_served_model:info${braces(sel)}\n)`;
    const vllm = (reason: string) =>
      `sum by (model) (rate(llmmon_vllm_requests_finished_total${braces(sel, reason)}[${w}]))`;
    return {
      errors: `${viaProxy('llmmon_litellm_request_failures_total')}\nor\n${vllm('finished_reason="abort"')}`,
      requests: `${viaProxy('llmmon_litellm_requests_total')}\nor\n${vllm('')}`,
    };
  }
  const family = HISTOGRAM[kind];
  const parts = selectors(config, kind).map(({ selector, objective }) => {
    const s = selector ? `${selector}, ` : '';
    const count = `sum by (model) (rate(${family}_count${braces(selector)}[${w}]))`;
    const under = `sum by (model) (rate(${family}_bucket{${s}le=~${leOf(objective.threshold_seconds!)}}[${w}]))`;
    return { errors: `(${count} - ${under})`, requests: count };
  });
  return {
    errors: parts.map((p) => p.errors).join('\nor\n'),
    requests: parts.map((p) => p.requests).join('\nor\n'),
  };
}

const round = (n: number) => Number(n.toPrecision(12));
/** A selector's braces around the matchers given, none when there are none. */
const braces = (...matchers: string[]) => {
  const m = matchers.filter(Boolean);
  return m.length ? `{${m.join(', ')}}` : '';
};

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const RATIO = (w: string) => `model_slo:llmmon_slo_errors:ratio_rate${w}`;
const BURN = (w: string) => `model_slo:llmmon_slo_burn_rate:ratio_rate${w}`;
const OBJECTIVE = 'model_slo:llmmon_slo_objective:ratio';
/** Over the SLO file's window (30d): a fixed name, so the dashboard need not know the window. */
const RATIO_WINDOW = 'model_slo:llmmon_slo_errors:ratio_window';

export function renderSloRules(config: SloConfig): string {
  const kinds = SLO_KINDS.filter((k) => selectors(config, k).length > 0);
  const sliRules: Rule[] = [
    // A LiteLLM model group → the vLLM model it fronts (its model minus the provider prefix:
    // hosted_vllm/meta-llama/… → meta-llama/…); one per group, so a join never fails.
    {
      record: 'model_group:llmmon_litellm_served_model:info',
      expr:
        'topk by (instance, job, model_group) (1,\n' +
        '  max by (instance, job, model_group, model) (\n' +
        '    label_replace(llmmon_litellm_model_info, "model", "$1", "model", "[^/]+/(.+)")\n  )\n)',
    },
  ];
  for (const kind of kinds) {
    const labels = { slo: kind };
    const five = sli(config, kind, '5m');
    sliRules.push(
      { record: 'model_slo:llmmon_slo_errors:rate5m', expr: five.errors, labels },
      { record: 'model_slo:llmmon_slo_requests:rate5m', expr: five.requests, labels },
      {
        record: RATIO('5m'),
        expr: `model_slo:llmmon_slo_errors:rate5m{slo=${q(kind)}}\n/ model_slo:llmmon_slo_requests:rate5m{slo=${q(kind)}}`,
        labels,
      },
    );
    for (const w of SLI_WINDOWS.slice(1)) {
      const s = sli(config, kind, w);
      sliRules.push({ record: RATIO(w), expr: `(\n${s.errors}\n)\n/\n(\n${s.requests}\n)`, labels });
    }
  }
  // Every model with an SLI gets its objective (the longest window keeps a model known longest).
  for (const kind of kinds)
    sliRules.push({
      record: OBJECTIVE,
      expr: selectors(config, kind)
        .map(
          ({ selector, objective }) =>
            `count by (model) (${RATIO('3d')}${braces(`slo=${q(kind)}`, selector)}) * 0 + ${objective.objective}`,
        )
        .join('\nor\n'),
      labels: { slo: kind },
    });
  for (const w of SLI_WINDOWS)
    sliRules.push({
      record: BURN(w),
      expr: `${RATIO(w)}\n/ on (model, slo) group_left ()\n(1 - ${OBJECTIVE})`,
    });

  const windowSeconds = durationSeconds(config.window);
  const budgetRules: Rule[] = [
    { record: 'llmmon:slo:window_seconds', expr: `vector(${windowSeconds})` },
    // The whole window from the 5-minute rates: weighted by requests, and cheap to read back.
    {
      record: RATIO_WINDOW,
      expr:
        `sum_over_time(model_slo:llmmon_slo_errors:rate5m[${config.window}])\n` +
        `/ sum_over_time(model_slo:llmmon_slo_requests:rate5m[${config.window}])`,
    },
    // 1 untouched, 0 spent, below 0 overspent.
    {
      record: 'model_slo:llmmon_slo_error_budget_remaining:ratio',
      expr: `1 - ${RATIO_WINDOW}\n/ on (model, slo) group_left ()\n(1 - ${OBJECTIVE})`,
    },
  ];

  const alertRules: Rule[] = [];
  for (const [name, a] of Object.entries(config.alerts)) {
    const threshold = `llmmon:slo_burn_rate_threshold:${snake(name)}`;
    alertRules.push({ record: threshold, expr: `vector(${round(a.burn_rate)})` });
    const over = (w: string) => `${BURN(w)} > on () group_left () ${threshold}`;
    const page = a.severity === 'critical';
    alertRules.push({
      alert: name,
      expr:
        `(${over(a.long_window)})\nand on (model, slo)\n(${over(a.short_window)})` +
        (page
          ? '\nand on (model, slo)\n(model_slo:llmmon_slo_requests:rate5m > on () group_left () llmmon:threshold:model_min_requests_per_second)'
          : ''),
      for: page ? '2m' : '15m',
      labels: { severity: a.severity },
      annotations: {
        summary: `{{ $labels.model }} burns its {{ $labels.slo }} error budget {{ $value | printf "%.1f" }}x too fast{{ with $externalLabels.host }} on {{ . }}{{ end }}`,
        description:
          `{{ $labels.model }}'s {{ $labels.slo }} errors over the last ${a.long_window} and ${a.short_window} ` +
          `spend its ${config.window} error budget at ${round(a.burn_rate)}x the sustainable pace or more ` +
          `(${budgetShare(a, windowSeconds)} of it within ${a.long_window}).`,
        runbook_url: `docs/runbooks.md#${name.toLowerCase()}`,
      },
    });
  }
  return (
    '# Generated from infra/prometheus/slos.yml by infra/prometheus/src/slo-rules.ts\n' +
    '# (npx nx run infra:rules): edit the SLO file, not this file.\n' +
    stringify(
      {
        groups: [
          { name: 'llmmon-slo', rules: sliRules },
          { name: 'llmmon-slo-budget', rules: budgetRules },
          // Each alert's burn-rate factor, recorded just before it (alerts compare with no literal).
          { name: 'llmmon-slo-alerts', rules: alertRules },
        ],
      },
      { lineWidth: 0, aliasDuplicateObjects: false },
    )
  );
}

/** ModelSLOFastBurn → model_slo_fast_burn. */
const snake = (camel: string) =>
  camel
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
/** The share of the window's budget an alert's long window spends at its burn rate. */
const budgetShare = (a: SloAlert, windowSeconds: number) =>
  `${round(((a.burn_rate * durationSeconds(a.long_window)) / windowSeconds) * 100)}%`;
