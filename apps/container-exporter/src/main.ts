import { createLogger, loadConfigOrExit, redactConfig, runExporter } from '@llmmon/metrics-core';
import { ContainerDirectory, dockerAddress, dockerClients } from '@llmmon/docker';
import type { DockerStats } from './stats';
import { apiRoutes } from './api';
import { containerCollector } from './collectors/containers';
import { dockerCollector } from './collectors/docker';
import { resourceCollector } from './collectors/resources';
import { configSchema, validate } from './config';
import { StatsReader } from './stats-reader';

const VERSION = process.env['LLMMON_VERSION'] ?? '0.1.0';

function main(): void {
  const config = loadConfigOrExit(configSchema, process.env, validate);
  const logger = createLogger('container-exporter', config.LOG_LEVEL);
  logger.info({ config: redactConfig(configSchema, config) }, 'starting');

  const { docker, events } = dockerClients(config.DOCKER_HOST, config.DOCKER_TIMEOUT_SECONDS * 1000);
  const directory = new ContainerDirectory({
    docker,
    events,
    logger,
    backoffMs: { min: 500, max: config.DOCKER_RECONNECT_MAX_SECONDS * 1000 },
  });
  // Never rejects: while Docker is unreachable the exporter serves llmmon_docker_up 0 and retries.
  directory.startInBackground();

  const reader = new StatsReader({
    // One-shot: Docker answers at once instead of sampling twice a second apart.
    fetch: (id, signal) =>
      docker.getContainer(id).stats({ stream: false, 'one-shot': true, abortSignal: signal } as {
        stream: false;
      }) as unknown as Promise<DockerStats>,
    concurrency: config.STATS_CONCURRENCY,
    timeoutMs: config.STATS_TIMEOUT_SECONDS * 1000,
    logger,
  });

  void runExporter({
    name: 'container-exporter',
    version: VERSION,
    namespace: 'llmmon_container',
    collectors: [
      dockerCollector(directory),
      containerCollector(directory, { labelAllowlist: config.CONTAINER_LABEL_ALLOWLIST }),
      resourceCollector(directory, reader),
    ],
    config,
    logger,
    readiness: async () =>
      directory.connected
        ? { ready: true }
        : { ready: false, detail: `Docker at ${dockerAddress(config.DOCKER_HOST)} is not reachable` },
    routes: (router) => apiRoutes(router, directory, () => directory.connected),
  });
}

main();
