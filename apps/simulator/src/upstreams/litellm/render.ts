import { createHash } from 'node:crypto';
import { API_KEYS } from '../../world/layout';
import type { Histogram } from '../../world/histogram';
import type { ProxyKeyState, ProxyModelState, World } from '../../world/world';
import { header, histogramSamples, sample } from '../prometheus-client';
import { LITELLM_FAMILIES, type LitellmFamily } from './families';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** LiteLLM's deployment id: a hash of its params. */
export const modelId = (alias: string) => sha(`deployment:${alias}`);
/** A deployment's api_base; with `key`, carrying it as users sometimes configure (to test redaction). */
export const apiBase = (container: string, key?: string) =>
  `http://${container}:8000/v1${key ? `?api_key=${encodeURIComponent(key)}` : ''}`;

/** All label values a series could need, for one model group and key; each family picks its own. */
function labelsFor(
  w: World,
  p: ProxyModelState,
  keyIndex: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  const k = API_KEYS[keyIndex]!;
  const spec = w.models.find((m) => m.spec.alias === p.alias)!.spec;
  return {
    api_base: apiBase(spec.container),
    api_key_alias: k.alias,
    api_provider: 'hosted_vllm',
    client_ip: k.clientIp,
    end_user: 'None',
    hashed_api_key: sha(`sk-${k.alias}`),
    litellm_model_name: p.model,
    model: p.model,
    model_group: p.alias,
    model_id: modelId(p.alias),
    requested_model: p.alias,
    route: spec.kind === 'embedding' ? '/embeddings' : '/chat/completions',
    team: k.team,
    team_alias: k.teamAlias,
    user: k.user,
    user_agent: k.userAgent,
    user_email: 'None',
    ...extra,
  };
}

const pick = (f: LitellmFamily, all: Record<string, string>) =>
  Object.fromEntries(f.labels.map((l) => [l, all[l] ?? '']));

type Row =
  { labels: Record<string, string>; value: number } | { labels: Record<string, string>; h: Histogram };

function rows(f: LitellmFamily, w: World): Row[] | undefined {
  const out: Row[] = [];
  const perKey = (fn: (p: ProxyModelState, k: ProxyKeyState, i: number) => Row | Row[] | undefined) => {
    for (const p of w.proxy) {
      p.keys.forEach((k, i) => {
        if (k.requests === 0) return; // LiteLLM creates a series on first use
        const r = fn(p, k, i);
        if (r) out.push(...(Array.isArray(r) ? r : [r]));
      });
    }
    return out;
  };
  const failure = { exception_class: 'APIConnectionError', exception_status: '500' };
  switch (f.name) {
    case 'litellm_proxy_total_requests_metric_total':
      return perKey((p, k, i) => [
        { labels: pick(f, labelsFor(w, p, i, { status_code: '200' })), value: k.requests - k.failures },
        ...(k.failures
          ? [{ labels: pick(f, labelsFor(w, p, i, { status_code: '500' })), value: k.failures }]
          : []),
      ]);
    case 'litellm_proxy_failed_requests_metric_total':
      return perKey((p, k, i) =>
        k.failures ? { labels: pick(f, labelsFor(w, p, i, failure)), value: k.failures } : undefined,
      );
    case 'litellm_deployment_failure_responses_total':
      return perKey((p, k, i) =>
        k.failures ? { labels: pick(f, labelsFor(w, p, i, failure)), value: k.failures } : undefined,
      );
    case 'litellm_deployment_success_responses_total':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), value: k.requests - k.failures }));
    case 'litellm_deployment_total_requests_total':
    case 'litellm_requests_metric_total':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), value: k.requests }));
    case 'litellm_spend_metric_total':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), value: k.spendUsd }));
    case 'litellm_total_tokens_metric_total':
      return perKey((p, k, i) => ({
        labels: pick(f, labelsFor(w, p, i)),
        value: k.promptTokens + k.completionTokens,
      }));
    case 'litellm_input_tokens_metric_total':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), value: k.promptTokens }));
    case 'litellm_output_tokens_metric_total':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), value: k.completionTokens }));
    case 'litellm_request_total_latency_metric':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), h: k.totalLatency }));
    case 'litellm_llm_api_latency_metric':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), h: k.apiLatency }));
    case 'litellm_llm_api_time_to_first_token_metric':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), h: k.timeToFirstToken }));
    case 'litellm_overhead_latency_metric':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), h: k.overhead }));
    case 'litellm_deployment_latency_per_output_token':
      return perKey((p, k, i) => ({ labels: pick(f, labelsFor(w, p, i)), h: k.perOutputToken }));
    case 'litellm_deployment_state':
      // 0 healthy, 1 partial outage, 2 complete outage.
      return w.proxy.map((p) => {
        const m = w.models.find((x) => x.spec.alias === p.alias)!;
        return {
          labels: pick(f, labelsFor(w, p, 0)),
          value: m.status === 'ready' || m.status === 'draining' ? 0 : 2,
        };
      });
    case 'litellm_remaining_team_budget_metric':
    case 'litellm_team_max_budget_metric': {
      const teams = new Map<string, { alias: string; budget: number; spent: number }>();
      for (const [i, k] of API_KEYS.entries()) {
        const t = teams.get(k.team) ?? { alias: k.teamAlias, budget: 0, spent: 0 };
        t.budget += k.maxBudgetUsd;
        t.spent += w.proxy.reduce((s, p) => s + p.keys[i]!.spendUsd, 0);
        teams.set(k.team, t);
      }
      return [...teams].map(([team, t]) => ({
        labels: { team, team_alias: t.alias },
        value: f.name === 'litellm_team_max_budget_metric' ? t.budget : t.budget - t.spent,
      }));
    }
    case 'litellm_remaining_api_key_budget_metric':
    case 'litellm_api_key_max_budget_metric':
      return API_KEYS.map((k, i) => ({
        labels: { api_key_alias: k.alias, hashed_api_key: sha(`sk-${k.alias}`) },
        value:
          f.name === 'litellm_api_key_max_budget_metric'
            ? k.maxBudgetUsd
            : k.maxBudgetUsd - w.proxy.reduce((s, p) => s + p.keys[i]!.spendUsd, 0),
      }));
    case 'python_gc_objects_collected_total':
      return ['0', '1', '2'].map((g, i) => ({
        labels: { generation: g },
        value: Math.floor((w.ticks * 40) / (i * 8 + 1)),
      }));
    case 'process_resident_memory_bytes':
      return [{ labels: {}, value: Math.round(w.container('litellm')!.memoryBytes) }];
    case 'process_start_time_seconds':
      return [{ labels: {}, value: w.container('litellm')!.startedMs / 1000 }];
    default:
      return undefined;
  }
}

/** LiteLLM's /metrics: prometheus_client output with LiteLLM's families and label sets. */
export function renderLitellmMetrics(w: World): string {
  const created = w.container('litellm')!.startedMs / 1000 + 20;
  const out: string[] = [];
  for (const f of LITELLM_FAMILIES) {
    if (f.constLabels) {
      out.push(header(f.name, f.type, f.help), sample(f.name, f.constLabels, 1));
      continue;
    }
    const rs = rows(f, w);
    if (!rs) continue;
    out.push(header(f.name, f.type, f.help));
    for (const r of rs) {
      if ('value' in r) out.push(sample(f.name, r.labels, r.value));
      else
        out.push(
          ...histogramSamples(f.name, r.labels, f.buckets ?? [], r.h.cumulative(), r.h.count, r.h.sum),
        );
    }
    // Counters and histograms of LiteLLM's own (not the Python runtime's) carry _created series.
    if ((f.type === 'counter' || f.type === 'histogram') && f.name.startsWith('litellm_') && rs.length) {
      const createdName = (f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name) + '_created';
      out.push(header(createdName, 'gauge', f.help));
      for (const r of rs) out.push(sample(createdName, r.labels, created));
    }
  }
  return `${out.join('\n')}\n`;
}
