import { counter, histogram, type MetricDef, type ParsedFamily, type Sample } from '@llmmon/metrics-core';
import type { Deployment } from './proxy';

/**
 * Per-model traffic from the proxy's own /metrics, under our names, one series per model
 * group: LiteLLM labels its families per key, user, end user, team, IP and user agent, which
 * would make series without bound; those labels are summed away. Sources newest first:
 * LiteLLM renamed its token counters in Aug 2025 (PR 13271: litellm_total_tokens →
 * litellm_total_tokens_metric, same for input/output), and the requests counter moved from
 * litellm_requests_metric (by underlying model) to litellm_proxy_total_requests_metric (by
 * requested model group, with the status code).
 */
export interface TrafficFamily {
  readonly def: MetricDef;
  /** Family names as parsed (prometheus_client adds _total to counters), newest first. */
  readonly sources: readonly string[];
  /** LiteLLM labels kept, renamed as given; everything else is summed. */
  readonly keep?: Readonly<Record<string, string>>;
}

const G = ['model_group'] as const;
export const TRAFFIC: readonly TrafficFamily[] = [
  {
    def: counter('llmmon_litellm_requests_total', 'Requests to the proxy, by model group and HTTP status.', [
      ...G,
      'status_code',
    ]),
    sources: ['litellm_proxy_total_requests_metric_total', 'litellm_requests_metric_total'],
    keep: { status_code: 'status_code' },
  },
  {
    def: counter(
      'llmmon_litellm_request_failures_total',
      'Failed requests, by model group and exception class.',
      [...G, 'exception_class'],
    ),
    sources: ['litellm_proxy_failed_requests_metric_total'],
    keep: { exception_class: 'exception_class' },
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

export function traffic(
  families: ReadonlyMap<string, ParsedFamily>,
  deployments: readonly Deployment[],
): TrafficSamples[] {
  const out: TrafficSamples[] = [];
  for (const t of TRAFFIC) {
    const source = t.sources.find((s) => (families.get(s)?.samples.length ?? 0) > 0);
    if (!source) continue;
    const sums = new Map<string, { name: string; labels: Record<string, string>; value: number }>();
    for (const s of families.get(source)!.samples) {
      const labels: Record<string, string> = { model_group: groupOf(s.labels, deployments) };
      for (const [from, to] of Object.entries(t.keep ?? {})) labels[to] = s.labels[from] ?? '';
      if (s.labels['le'] !== undefined) labels['le'] = s.labels['le'];
      const name = t.def.name + s.name.slice(source.length);
      const key = `${name}\u0000${Object.values(labels).join('\u0000')}`;
      const sum = sums.get(key);
      if (sum) sum.value += s.value;
      else sums.set(key, { name, labels, value: s.value });
    }
    out.push({
      def: t.def,
      source,
      samples: [...sums.values()].map((s) =>
        s.name === t.def.name ? { labels: s.labels, value: s.value } : s,
      ),
    });
  }
  return out;
}
