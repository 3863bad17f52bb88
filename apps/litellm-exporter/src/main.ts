import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  BackgroundSnapshot,
  createLogger,
  errorMessage,
  loadConfigOrExit,
  redactConfig,
  runExporter,
} from '@llmmon/metrics-core';
import { apiRoutes } from './api';
import { litellmCollector, type ProxyState } from './collectors/litellm';
import { configSchema, validate } from './config';
import { hubIdOf, HubMetadata } from './huggingface';
import { SpendLogReader } from './spend-logs';
import type { TrafficSamples } from './traffic';
import { readProxy } from './read';

const VERSION = process.env['LLMMON_VERSION'] ?? '0.1.0';

function main(): void {
  const config = loadConfigOrExit(configSchema, process.env, validate);
  const logger = createLogger('litellm-exporter', config.LOG_LEVEL);
  logger.info({ config: redactConfig(configSchema, config) }, 'starting');
  const apiKey = config.LITELLM_API_KEY!;
  const snapshot = new BackgroundSnapshot<ProxyState>({
    name: 'litellm',
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
    logger,
  });
  const hub = config.HF_METADATA
    ? new HubMetadata({
        url: config.HF_URL,
        token: config.HF_TOKEN,
        cacheDir: config.HF_CACHE_DIR,
        ttlMs: config.HF_CACHE_TTL_SECONDS * 1000,
        timeoutMs: config.HF_TIMEOUT_SECONDS * 1000,
        logger,
      })
    : undefined;
  // After each catalog read, the Hub ids not yet known (or past their TTL) are looked up.
  const lookUpModels = () => {
    const ids = (snapshot.current.value?.deployments ?? []).map(hubIdOf).filter((id) => id !== undefined);
    void hub?.refresh(ids);
  };
  void snapshot.start().then(lookUpModels);
  if (hub) setInterval(lookUpModels, config.LITELLM_HEALTH_REFRESH_SECONDS * 1000).unref();
  const reader = new SpendLogReader({
    url: config.LITELLM_URL,
    apiKey,
    timeoutMs: config.LITELLM_TIMEOUT_SECONDS * 1000,
    delayMs: config.LITELLM_SPEND_LOGS_DELAY_SECONDS * 1000,
    lookbackMs: config.LITELLM_SPEND_LOGS_LOOKBACK_SECONDS * 1000,
    maxPages: config.LITELLM_SPEND_LOGS_MAX_PAGES,
    stateFile: stateFile(config.LITELLM_STATE_DIR, logger),
    logger,
  });
  const spendLogs = {
    reader,
    // Started by the collector only if traffic comes from spend logs.
    snapshot: new BackgroundSnapshot<TrafficSamples[]>({
      name: 'litellm_spend_logs',
      read: (signal) => reader.read(signal),
      intervalMs: config.LITELLM_SPEND_LOGS_POLL_SECONDS * 1000,
      timeoutMs: config.LITELLM_SPEND_LOGS_POLL_SECONDS * 1000 * 0.9,
      logger,
    }),
  };
  let onTraffic: Parameters<typeof litellmCollector>[0]['onTraffic'];

  void runExporter({
    name: 'litellm-exporter',
    version: VERSION,
    namespace: 'llmmon_litellm',
    collectors: [
      litellmCollector({
        snapshot,
        metricsUrl: `${config.LITELLM_URL}/metrics`,
        apiKey,
        timeoutMs: config.LITELLM_TIMEOUT_SECONDS * 1000,
        maxMetricsBytes: config.LITELLM_MAX_METRICS_BYTES,
        logger,
        trafficSource: config.LITELLM_TRAFFIC_SOURCE,
        spendLogs,
        hub,
        onTraffic: (t, at) => onTraffic?.(t, at),
      }),
    ],
    config,
    logger,
    readiness: async () =>
      snapshot.current.readAt > 0
        ? { ready: true }
        : { ready: false, detail: `no answer yet from ${config.LITELLM_URL}` },
    routes: (router) => {
      onTraffic = apiRoutes(router, snapshot, hub).onTraffic;
    },
  });
}

/** The spend-log state file in `dir`, which is created if its parent exists; else memory only. */
function stateFile(dir: string, logger: ReturnType<typeof createLogger>): string | undefined {
  try {
    // Not recursive: Node's recursive mkdir never returns for some paths (under /proc).
    if (!existsSync(dir)) mkdirSync(dir);
    return join(dir, 'spend-logs.json');
  } catch (err) {
    logger.warn(
      { dir, err: errorMessage(err) },
      'state directory unusable; spend-log cursor kept in memory only',
    );
    return undefined;
  }
}

main();
