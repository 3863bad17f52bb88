import {
  counter,
  fetchExposition,
  gauge,
  HttpStatusError,
  type BackgroundSnapshot,
  type Collector,
  type MetricSink,
  type Logger,
  type UpstreamHealth,
} from '@llmmon/metrics-core';
import { hubIdOf, type HubMetadata } from '../huggingface';
import type { Deployment, DeploymentHealth, Readiness } from '../proxy';
import type { SpendLogSource } from '../spend-logs';
import { TRAFFIC, traffic, withZeros, type TrafficSamples } from '../traffic';

/** What the background read of the admin API found. */
export interface ProxyState {
  readonly deployments: readonly Deployment[];
  /** By deployment id; undefined when /health could not be read. */
  readonly health: ReadonlyMap<string, DeploymentHealth> | undefined;
  readonly readiness: Readiness | undefined;
}

const ready = gauge(
  'llmmon_litellm_ready',
  "1 when the proxy's /health/readiness reports it connected, else 0.",
);
const info = gauge(
  'llmmon_litellm_info',
  "Always 1: the proxy's version and its database and cache status.",
  ['version', 'db', 'cache'],
);
const D = ['model_group', 'model_id'] as const;
const modelInfo = gauge(
  'llmmon_litellm_model_info',
  'Always 1: a deployment of a model group, with its model, type (chat, embedding, rerank, completion, other), provider and endpoint (no credentials).',
  [...D, 'model', 'model_type', 'provider', 'endpoint'],
);
const contextTokens = gauge(
  'llmmon_litellm_model_context_tokens',
  'Context size of the deployment, in tokens.',
  D,
);
const inputCost = gauge(
  'llmmon_litellm_model_input_cost_usd_per_token',
  'Price LiteLLM charges per input token, in USD.',
  D,
);
const outputCost = gauge(
  'llmmon_litellm_model_output_cost_usd_per_token',
  'Price LiteLLM charges per output token, in USD.',
  D,
);
const healthy = gauge(
  'llmmon_litellm_deployment_healthy',
  "1 when LiteLLM's /health reached the deployment, 0 when not (error_class: the exception class, never its text).",
  [...D, 'endpoint', 'error_class'],
);
const metadata = gauge(
  'llmmon_litellm_model_metadata_info',
  "Always 1: what the Hugging Face Hub says about the deployment's model (quantization: none, awq, gptq, fp8, int8, int4, gguf, bitsandbytes, other; dtype: the one holding most parameters).",
  [...D, 'hf_model', 'pipeline_tag', 'license', 'quantization', 'dtype'],
);
const parameters = gauge(
  'llmmon_litellm_model_parameters',
  "Parameter count of the deployment's model, from the Hugging Face Hub.",
  D,
);
const trafficSource = gauge(
  'llmmon_litellm_traffic_source_info',
  "Always 1: where the traffic families come from (metrics: the proxy's /metrics; spend_logs: its spend logs).",
  ['source'],
);
const skippedRows = counter(
  'llmmon_litellm_spend_log_rows_skipped_total',
  'Spend-log rows that could not be counted (no readable start time).',
);

export type TrafficSource = 'auto' | 'metrics' | 'spend_logs';

/** The upstream the proxy's /metrics is, read on every scrape (the admin API is `litellm`). */
export const METRICS_UPSTREAM = 'litellm_metrics';

export interface LitellmCollectorOptions {
  /** The admin API (catalog, health), read in the background: upstream `litellm`. */
  readonly snapshot: BackgroundSnapshot<ProxyState>;
  readonly metricsUrl: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly maxMetricsBytes: number;
  readonly upstreams: UpstreamHealth;
  readonly logger: Logger;
  /** metrics, spend_logs, or auto: metrics unless /metrics answers 404 (default metrics). */
  readonly trafficSource?: TrafficSource;
  readonly spendLogs?: SpendLogSource;
  /** Hugging Face metadata, when enabled (looked up in the background, read here). */
  readonly hub?: HubMetadata;
  /** Receives each scrape's traffic (the JSON API computes rates from it). */
  readonly onTraffic?: (t: readonly TrafficSamples[], atMs: number) => void;
}

/**
 * The catalog and health from the background snapshot, and the traffic from the proxy's
 * /metrics read on scrape (cut at the timeout, streamed, capped).
 */
export function litellmCollector(o: LitellmCollectorOptions): Collector {
  let source: TrafficSource = o.trafficSource ?? 'metrics';
  if (source === 'spend_logs') o.spendLogs?.use();
  const emit = (out: MetricSink, t: readonly TrafficSamples[], groups: readonly string[]) => {
    for (const f of withZeros(t, groups)) for (const sample of f.samples) out.addSample(f.def, sample);
  };
  const spendLogTraffic = (out: MetricSink, spendLogs: SpendLogSource, groups: readonly string[]) => {
    const snapshot = spendLogs.use();
    const t = snapshot.current.value ?? spendLogs.reader.samples();
    emit(out, t, groups);
    out.add(trafficSource, { source: 'spend_logs' }, 1);
    out.add(skippedRows, spendLogs.reader.skippedRows);
    o.onTraffic?.(t, Date.now());
  };
  return {
    name: 'litellm',
    metrics: [
      ready,
      info,
      modelInfo,
      contextTokens,
      inputCost,
      outputCost,
      healthy,
      metadata,
      parameters,
      trafficSource,
      skippedRows,
      ...TRAFFIC.map((t) => t.def),
    ],
    async collect(out, signal) {
      const s = o.snapshot.current.value;
      if (s?.readiness) {
        out.add(ready, s.readiness.ready ? 1 : 0);
        out.add(info, { version: s.readiness.version, db: s.readiness.db, cache: s.readiness.cache }, 1);
      }
      for (const d of s?.deployments ?? []) {
        const l = { model_group: d.group, model_id: d.id };
        out.add(
          modelInfo,
          { ...l, model: d.model, model_type: d.type, provider: d.provider, endpoint: d.endpoint },
          1,
        );
        if (d.contextTokens !== undefined) out.add(contextTokens, l, d.contextTokens);
        if (d.inputCostPerToken !== undefined) out.add(inputCost, l, d.inputCostPerToken);
        if (d.outputCostPerToken !== undefined) out.add(outputCost, l, d.outputCostPerToken);
        const h = s?.health?.get(d.id);
        if (h) out.add(healthy, { ...l, endpoint: d.endpoint, error_class: h.errorClass }, h.healthy ? 1 : 0);
        const hubId = hubIdOf(d);
        const m = hubId === undefined ? undefined : o.hub?.get(hubId)?.metadata;
        if (m) {
          out.add(
            metadata,
            {
              ...l,
              hf_model: m.id,
              pipeline_tag: m.pipelineTag,
              license: m.license,
              quantization: m.quantization,
              dtype: m.dtype,
            },
            1,
          );
          if (m.parameters !== undefined) out.add(parameters, l, m.parameters);
        }
      }
      const groups = (s?.deployments ?? []).map((d) => d.group);
      if (source === 'spend_logs' && o.spendLogs) return spendLogTraffic(out, o.spendLogs, groups);
      const upstream = o.upstreams.upstream(METRICS_UPSTREAM);
      const started = Date.now();
      try {
        const families = await fetchExposition(o.metricsUrl, {
          timeoutMs: o.timeoutMs,
          maxBytes: o.maxMetricsBytes,
          signal,
          headers: { authorization: `Bearer ${o.apiKey}` },
        });
        const t = traffic(families, s?.deployments ?? []);
        if (source === 'auto' && t.length > 0) source = 'metrics';
        emit(out, t, groups);
        if (source === 'metrics') out.add(trafficSource, { source }, 1);
        o.onTraffic?.(t, Date.now());
        upstream.succeeded({ durationMs: Date.now() - started });
      } catch (err) {
        if (source === 'auto' && o.spendLogs && err instanceof HttpStatusError && err.status === 404) {
          // The proxy has no prometheus callback: count from its spend logs from now on. Its
          // /metrics is no upstream of ours then, so it is not reported down.
          source = 'spend_logs';
          o.upstreams.forget(METRICS_UPSTREAM);
          o.logger.info('LiteLLM serves no /metrics (prometheus callback off): traffic from its spend logs');
          return spendLogTraffic(out, o.spendLogs, groups); // polled in the background from now on
        }
        upstream.failed(err, { durationMs: Date.now() - started });
      }
    },
  };
}
