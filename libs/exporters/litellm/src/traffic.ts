import {
  counter,
  histogram,
  normalizeFamilies,
  type MetricDef,
  type Normalization,
  type ParsedFamily,
  type Sample,
} from '@llmmon/metrics-core';
import type { Deployment } from './proxy';

/**
 * Per-model traffic from the proxy's own /metrics, under our names, one series per model
 * group: LiteLLM labels its families per key, user, end user, team, IP and user agent, which
 * would make series without bound; those labels are summed away. Sources newest first:
 * LiteLLM renamed its token counters in Aug 2025 (PR 13271: litellm_total_tokens →
 * litellm_total_tokens_metric, same for input/output), and the requests counter moved from
 * litellm_requests_metric (by underlying model) to litellm_proxy_total_requests_metric (by
 * requested model group, with the status code). Family names are as parsed
 * (prometheus_client adds _total to counters). Statuses become classes (2xx, 4xx, 5xx), and
 * failures are counted per model group only, so that every series exists from 0 for each model
 * of the catalog: a class or exception that has not happened yet could not be.
 */
/** Status classes every model group counts from 0 (anything else is "unknown"). */
export const STATUS_CLASSES = ['2xx', '4xx', '5xx'] as const;

/** 200 → 2xx; what is no 2xx, 4xx or 5xx code is "unknown" (old proxies send no status). */
export function statusClass(code: string | undefined): string {
  const m = /^([245])\d\d$/.exec(code ?? '');
  return m ? `${m[1]}xx` : 'unknown';
}

const G = ['model_group'] as const;
export const TRAFFIC: readonly Normalization[] = [
  {
    def: counter(
      'llmmon_litellm_requests_total',
      'Requests to the proxy, by model group and HTTP status class (2xx, 4xx, 5xx; unknown when the proxy sends none).',
      [...G, 'status_class'],
    ),
    sources: ['litellm_proxy_total_requests_metric_total', 'litellm_requests_metric_total'],
    derive: (labels) => ({ status_class: statusClass(labels['status_code']) }),
  },
  {
    def: counter(
      'llmmon_litellm_request_failures_total',
      "Failed requests, by model group (why: llmmon_litellm_deployment_healthy's error_class and the proxy's log).",
      G,
    ),
    sources: ['litellm_proxy_failed_requests_metric_total'],
  },
  {
    def: counter('llmmon_litellm_input_tokens_total', 'Input (prompt) tokens, by model group.', G),
    sources: ['litellm_input_tokens_metric_total', 'litellm_input_tokens_total'],
  },
  {
    def: counter('llmmon_litellm_output_tokens_total', 'Output (completion) tokens, by model group.', G),
    sources: ['litellm_output_tokens_metric_total', 'litellm_output_tokens_total'],
  },
  {
    def: counter('llmmon_litellm_spend_usd_total', 'Spend as LiteLLM prices it, in USD, by model group.', G),
    sources: ['litellm_spend_metric_total'],
  },
  {
    def: histogram(
      'llmmon_litellm_request_latency_seconds',
      'End-to-end request latency through the proxy, in seconds, by model group.',
      G,
    ),
    sources: ['litellm_request_total_latency_metric'],
  },
  {
    def: histogram(
      'llmmon_litellm_upstream_latency_seconds',
      'Latency of the call to the model deployment, in seconds, by model group.',
      G,
    ),
    sources: ['litellm_llm_api_latency_metric'],
  },
];

export interface TrafficSamples {
  readonly def: MetricDef;
  readonly source: string;
  readonly samples: Sample[];
}

/**
 * The model group of a sample: `requested_model` where LiteLLM writes it, else the catalog's
 * group of its `model_id`, else of its underlying `model`; "unknown" when none matches.
 */
function groupOf(labels: Readonly<Record<string, string>>, deployments: readonly Deployment[]): string {
  if (labels['requested_model']) return labels['requested_model'];
  const byId = labels['model_id'] && deployments.find((d) => d.id === labels['model_id']);
  if (byId) return byId.group;
  const model = labels['model'];
  const byModel = model && deployments.find((d) => d.model === model || d.model.endsWith(`/${model}`));
  return byModel ? byModel.group : 'unknown';
}

/** The traffic families of the proxy's /metrics, one series per model group (and status class). */
export function traffic(
  families: ReadonlyMap<string, ParsedFamily>,
  deployments: readonly Deployment[],
): TrafficSamples[] {
  return normalizeFamilies(families, TRAFFIC, (labels) => ({ model_group: groupOf(labels, deployments) }));
}

const [REQUESTS, FAILURES, INPUT, OUTPUT, SPEND] = TRAFFIC.map((t) => t.def) as [
  MetricDef,
  MetricDef,
  MetricDef,
  MetricDef,
  MetricDef,
];

/**
 * Every counter of every model group in the catalog from 0 (requests per status class too), so
 * that rate() sees each group's first request, first failure and first tokens.
 */
export function withZeros(t: readonly TrafficSamples[], groups: Iterable<string>): TrafficSamples[] {
  const out = new Map(t.map((f) => [f.def.name, { ...f, samples: [...f.samples] }]));
  const family = (def: MetricDef) => {
    let f = out.get(def.name);
    if (!f) out.set(def.name, (f = { def, source: 'catalog', samples: [] }));
    return f;
  };
  const has = (f: TrafficSamples, labels: Record<string, string>) =>
    f.samples.some(
      (s) => s.name === undefined && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
    );
  for (const model_group of new Set(groups)) {
    for (const status_class of STATUS_CLASSES) {
      const f = family(REQUESTS);
      if (!has(f, { model_group, status_class }))
        f.samples.push({ labels: { model_group, status_class }, value: 0 });
    }
    for (const def of [FAILURES, INPUT, OUTPUT, SPEND]) {
      const f = family(def);
      if (!has(f, { model_group })) f.samples.push({ labels: { model_group }, value: 0 });
    }
  }
  return [...out.values()];
}
