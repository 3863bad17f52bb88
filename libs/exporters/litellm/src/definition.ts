import {
  BackgroundSnapshot,
  defineExporter,
  JsonStateFile,
  type Logger,
  type UpstreamHealth,
} from '@llmmon/metrics-core';
import { apiRoutes } from './api';
import { litellmCollector, type ProxyState } from './collectors/litellm';
import { litellmConfig, validate, type LitellmExporterConfig } from './config';
import { hubIdOf, HubMetadata } from './huggingface';
import { readProxy } from './read';
import { SpendLogReader, SpendLogSource, type SpendLogState } from './spend-logs';

/** The exporter's parts, with the handles tests use (refresh the catalog by hand, read the Hub). */
export function litellmParts(
  config: LitellmExporterConfig,
  { logger, upstreams }: { logger: Logger; upstreams: UpstreamHealth },
) {
  const apiKey = config.LITELLM_API_KEY!;
  const hub = config.HF_METADATA
    ? new HubMetadata({
        url: config.HF_URL,
        token: config.HF_TOKEN,
        cacheDir: config.HF_CACHE_DIR,
        ttlMs: config.HF_CACHE_TTL_SECONDS * 1000,
        timeoutMs: config.HF_TIMEOUT_SECONDS * 1000,
        upstream: upstreams.upstream('huggingface'),
        logger,
      })
    : undefined;
  const snapshot: BackgroundSnapshot<ProxyState> = new BackgroundSnapshot<ProxyState>({
    upstream: upstreams.upstream('litellm'),
    read: (signal) =>
      readProxy(
        {
          url: config.LITELLM_URL,
          apiKey,
          timeoutMs: config.LITELLM_TIMEOUT_SECONDS * 1000,
          healthTimeoutMs: config.LITELLM_HEALTH_TIMEOUT_SECONDS * 1000,
        },
        signal,
      ),
    intervalMs: config.LITELLM_HEALTH_REFRESH_SECONDS * 1000,
    timeoutMs: config.LITELLM_HEALTH_TIMEOUT_SECONDS * 1000 + 1000,
    // After each catalog read, the Hub ids not yet known (or past their TTL) are looked up.
    onRead: (state) => void hub?.refresh(state.deployments.map(hubIdOf).filter((id) => id !== undefined)),
  });
  const spendLogs = new SpendLogSource(
    new SpendLogReader({
      url: config.LITELLM_URL,
      apiKey,
      timeoutMs: config.LITELLM_TIMEOUT_SECONDS * 1000,
      delayMs: config.LITELLM_SPEND_LOGS_DELAY_SECONDS * 1000,
      lookbackMs: config.LITELLM_SPEND_LOGS_LOOKBACK_SECONDS * 1000,
      maxPages: config.LITELLM_SPEND_LOGS_MAX_PAGES,
      stateFile: new JsonStateFile<SpendLogState>(config.LITELLM_STATE_DIR, 'spend-logs.json', {
        logger,
        withoutIt: 'spend-log counting starts from now',
      }),
      logger,
    }),
    { upstreams, pollMs: config.LITELLM_SPEND_LOGS_POLL_SECONDS * 1000 },
  );
  let onTraffic: Parameters<typeof litellmCollector>[0]['onTraffic'];
  const collector = litellmCollector({
    snapshot,
    metricsUrl: `${config.LITELLM_URL}/metrics`,
    apiKey,
    timeoutMs: config.LITELLM_TIMEOUT_SECONDS * 1000,
    maxMetricsBytes: config.LITELLM_MAX_METRICS_BYTES,
    upstreams,
    logger,
    trafficSource: config.LITELLM_TRAFFIC_SOURCE,
    spendLogs,
    hub,
    onTraffic: (t, at) => onTraffic?.(t, at),
  });
  return {
    snapshot,
    spendLogs,
    hub,
    collector,
    routes: (router: Parameters<typeof apiRoutes>[0]) => {
      onTraffic = apiRoutes(router, snapshot, hub).onTraffic;
    },
  };
}

/**
 * LiteLLM: its catalog and deployment health read in the background (upstream `litellm`),
 * per-model traffic from its /metrics on scrape (`litellm_metrics`) or from its spend logs
 * (`litellm_spend_logs`), model metadata from the Hugging Face Hub (`huggingface`).
 */
export const litellmExporter = defineExporter({
  name: 'litellm',
  description:
    "LiteLLM's model catalog, deployment health and per-model traffic (old and new metric names, no per-key labels).",
  port: 9901,
  config: litellmConfig,
  defaults: { timeoutSeconds: 8 },
  validate,
  build: (config, ctx) => {
    const p = litellmParts(config, ctx);
    return { sources: [p.snapshot, p.spendLogs], collectors: [p.collector], routes: p.routes };
  },
});
