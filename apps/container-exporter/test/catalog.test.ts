import { join } from 'node:path';
import Docker from 'dockerode';
import { loadConfig, silentLogger } from '@llmmon/metrics-core';
import { metricCatalog } from '@llmmon/metrics-core/testing';
import { ContainerDirectory } from '@llmmon/docker';
import { containerCollector } from '../src/collectors/containers';
import { dockerCollector } from '../src/collectors/docker';
import { resourceCollector } from '../src/collectors/resources';
import { configSchema } from '../src/config';
import { StatsReader } from '../src/stats-reader';

/** docs/metrics.md lists exactly the families the container exporter's collectors declare. */
it('the metric catalogue is current', () => {
  const docker = new Docker({ socketPath: '/nonexistent.sock' });
  const directory = new ContainerDirectory({ docker, events: docker, logger: silentLogger() });
  const reader = new StatsReader({
    fetch: () => Promise.reject(new Error('unused')),
    concurrency: 1,
    timeoutMs: 1000,
    logger: silentLogger(),
  });
  const [actual, expected] = metricCatalog(
    join(__dirname, '../../../docs/metrics.md'),
    'container-exporter',
    [
      dockerCollector(directory),
      containerCollector(directory, {
        labelAllowlist: loadConfig(configSchema, {}).CONTAINER_LABEL_ALLOWLIST,
      }),
      resourceCollector(directory, reader),
    ],
  );
  expect(actual).toEqual(expected);
});
