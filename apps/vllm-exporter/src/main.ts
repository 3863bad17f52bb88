import { createLogger, loadConfigOrExit, redactConfig, runExporter } from '@llmmon/metrics-core';
import { ContainerDirectory, dockerAddress, dockerClients } from '@llmmon/docker';
import { apiRoutes } from './api';
import { vllmCollector } from './collectors/vllm';
import { configSchema, validate } from './config';
import { instancesFromContainers, instancesFromUrls, type Instance } from './discovery';
import type { Reading } from './read';

const VERSION = process.env['LLMMON_VERSION'] ?? '0.1.0';

function main(): void {
  const config = loadConfigOrExit(configSchema, process.env, validate);
  const logger = createLogger('vllm-exporter', config.LOG_LEVEL);
  logger.info({ config: redactConfig(configSchema, config) }, 'starting');

  let directory: ContainerDirectory | undefined;
  if (config.DOCKER_ENABLED) {
    const { docker, events } = dockerClients(config.DOCKER_HOST, config.DOCKER_TIMEOUT_SECONDS * 1000);
    directory = new ContainerDirectory({ docker, events, logger });
    // Never rejects: while Docker is unreachable only the static URLs are read.
    directory.startInBackground();
  }
  const statics = instancesFromUrls(config.VLLM_URLS);
  const instances = (): Instance[] => [
    ...(directory
      ? instancesFromContainers(directory.list(), {
          imagePattern: config.VLLM_IMAGE_PATTERN,
          port: config.VLLM_PORT,
          address: config.VLLM_ADDRESS,
          publishedHost: config.VLLM_PUBLISHED_HOST,
        })
      : []),
    ...statics,
  ];
  let latest = new Map<string, Reading>();

  void runExporter({
    name: 'vllm-exporter',
    version: VERSION,
    namespace: 'llmmon_vllm',
    collectors: [
      vllmCollector({
        instances,
        logger,
        timeoutMs: config.VLLM_TIMEOUT_SECONDS * 1000,
        maxMetricsBytes: config.VLLM_MAX_METRICS_BYTES,
        loadTimeoutMs: config.VLLM_LOAD_TIMEOUT_SECONDS * 1000,
        onReadings: (readings) => (latest = new Map(readings.map((r) => [r.instance.container, r]))),
      }),
    ],
    config,
    logger,
    readiness: async () =>
      !directory || directory.connected
        ? { ready: true }
        : { ready: false, detail: `Docker at ${dockerAddress(config.DOCKER_HOST)} is not reachable` },
    routes: (router) => apiRoutes(router, { instances, latest: () => latest }),
  });
}

main();
