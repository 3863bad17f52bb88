import type Router from '@koa/router';
import type { BackgroundSnapshot } from '@llmmon/metrics-core';
import type { ProxyState } from './collectors/litellm';
import { hubIdOf, type HubMetadata } from './huggingface';
import type { TrafficSamples } from './traffic';

/** Request and failure totals per model group at one scrape. */
type Totals = { atMs: number; requests: Map<string, number>; failures: Map<string, number> };

function totals(t: readonly TrafficSamples[], atMs: number): Totals {
  const sum = (name: string) => {
    const m = new Map<string, number>();
    for (const s of t.find((f) => f.def.name === name)?.samples ?? []) {
      const g = s.labels['model_group']!;
      m.set(g, (m.get(g) ?? 0) + s.value);
    }
    return m;
  };
  return {
    atMs,
    requests: sum('llmmon_litellm_requests_total'),
    failures: sum('llmmon_litellm_request_failures_total'),
  };
}

/**
 * `GET /api/v1/models`: every deployment with its status and endpoint, and the request and
 * error rates between the last two scrapes (null until two scrapes saw traffic counters).
 */
export function apiRoutes(router: Router, snapshot: BackgroundSnapshot<ProxyState>, hub?: HubMetadata) {
  let previous: Totals | undefined;
  let latest: Totals | undefined;
  router.get('/api/v1/models', (ctx) => {
    const s = snapshot.current.value;
    const seconds = previous && latest ? (latest.atMs - previous.atMs) / 1000 : 0;
    const rate = (m: 'requests' | 'failures', g: string) =>
      seconds > 0 ? Math.max(0, ((latest![m].get(g) ?? 0) - (previous![m].get(g) ?? 0)) / seconds) : null;
    ctx.body = {
      up: snapshot.current.ok,
      models: (s?.deployments ?? []).map((d) => {
        const h = s?.health?.get(d.id);
        const requests = rate('requests', d.group);
        const failures = rate('failures', d.group);
        const hubId = hubIdOf(d);
        const m = hubId === undefined ? undefined : hub?.get(hubId)?.metadata;
        return {
          model_id: d.id,
          model_name: d.group,
          model: d.model,
          model_type: d.type,
          provider: d.provider,
          status: h ? (h.healthy ? 'healthy' : 'unhealthy') : 'unknown',
          error_class: h && !h.healthy ? h.errorClass : null,
          endpoint: d.endpoint,
          context_tokens: d.contextTokens ?? null,
          request_rate_per_second: requests,
          error_rate: requests && failures !== null ? failures / requests : requests === 0 ? 0 : null,
          metadata: m
            ? {
                hf_model: m.id,
                parameters: m.parameters ?? null,
                quantization: m.quantization,
                dtype: m.dtype || null,
                license: m.license || null,
                pipeline_tag: m.pipelineTag || null,
              }
            : null,
        };
      }),
    };
  });
  return {
    onTraffic: (t: readonly TrafficSamples[], atMs: number) => {
      previous = latest;
      latest = totals(t, atMs);
    },
  };
}
