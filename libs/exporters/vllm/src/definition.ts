import { defineExporter } from '@llmmon/metrics-core';
import { dockerDirectory } from '@llmmon/docker';
import { apiRoutes } from './api';
import { vllmCollector } from './collectors/vllm';
import { validate, vllmConfig } from './config';
import { instancesFromContainers, instancesFromUrls, type Instance } from './discovery';
import type { Reading } from './read';

/**
 * Every vLLM instance: discovered through Docker (a source) and given by URL, each read on
 * scrape with its own timeout, re-exposed and normalized across vLLM versions.
 */
export const vllmExporter = defineExporter({
  name: 'vllm',
  description:
    'Every vLLM container discovered through Docker, its metrics re-exposed and normalized across vLLM versions.',
  port: 9902,
  config: vllmConfig,
  defaults: { timeoutSeconds: 8 },
  validate,
  build: (config, { upstreams }) => {
    // While Docker is unreachable only the static URLs are read.
    const directory = config.DOCKER_ENABLED ? dockerDirectory(config, upstreams) : undefined;
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
    return {
      sources: directory ? [directory] : [],
      collectors: [
        vllmCollector({
          instances,
          upstreams,
          timeoutMs: config.VLLM_TIMEOUT_SECONDS * 1000,
          maxMetricsBytes: config.VLLM_MAX_METRICS_BYTES,
          loadTimeoutMs: config.VLLM_LOAD_TIMEOUT_SECONDS * 1000,
          onReadings: (readings) => (latest = new Map(readings.map((r) => [r.instance.container, r]))),
        }),
      ],
      routes: (router) => apiRoutes(router, { instances, latest: () => latest }),
    };
  },
});
