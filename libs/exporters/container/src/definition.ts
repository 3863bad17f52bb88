import { defineExporter } from '@llmmon/metrics-core';
import { dockerDirectory } from '@llmmon/docker';
import { apiRoutes } from './api';
import { containerCollector } from './collectors/containers';
import { dockerCollector } from './collectors/docker';
import { resourceCollector } from './collectors/resources';
import { containerConfig, validate } from './config';
import type { DockerStats } from './stats';
import { StatsReader } from './stats-reader';

/**
 * Every Docker container: the list kept current by Docker's events (a source), the resource
 * counters read on scrape with one-shot stats.
 */
export const containerExporter = defineExporter({
  name: 'container',
  description: "Every Docker container's state, resources and GPUs, with cAdvisor's names.",
  port: 8080,
  config: containerConfig,
  validate,
  build: (config, { upstreams }) => {
    // While Docker is unreachable the exporter serves llmmon_upstream_up{upstream="docker"} 0 and retries.
    const directory = dockerDirectory(config, upstreams);
    const reader = new StatsReader({
      // One-shot: Docker answers at once instead of sampling twice a second apart.
      fetch: (id, signal) =>
        directory.client.getContainer(id).stats({ stream: false, 'one-shot': true, abortSignal: signal } as {
          stream: false;
        }) as unknown as Promise<DockerStats>,
      concurrency: config.STATS_CONCURRENCY,
      timeoutMs: config.STATS_TIMEOUT_SECONDS * 1000,
      upstream: upstreams.upstream('docker_stats'),
    });
    return {
      sources: [directory],
      collectors: [
        dockerCollector(directory),
        containerCollector(directory, { labelAllowlist: config.CONTAINER_LABEL_ALLOWLIST }),
        resourceCollector(directory, reader),
      ],
      routes: (router) => apiRoutes(router, directory, () => directory.connected),
    };
  },
});
