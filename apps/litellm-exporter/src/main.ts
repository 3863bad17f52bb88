import {
  BackgroundSnapshot,
  createLogger,
  loadConfigOrExit,
  redactConfig,
  runExporter,
} from '@llmmon/metrics-core';
import { apiRoutes } from './api';
import { litellmCollector, type ProxyState } from './collectors/litellm';
import { configSchema, validate } from './config';
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
  void snapshot.start();
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
      onTraffic = apiRoutes(router, snapshot).onTraffic;
    },
  });
}

main();
