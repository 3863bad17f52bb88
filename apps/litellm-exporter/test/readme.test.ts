import { join } from 'node:path';
import { BackgroundSnapshot, silentLogger } from '@llmmon/metrics-core';
import { metricCatalog, readmeConfigTable } from '@llmmon/metrics-core/testing';
import { litellmCollector, type ProxyState } from '../src/collectors/litellm';
import { configSchema } from '../src/config';

const ROOT = join(__dirname, '../../..');

/** The README's configuration table is generated from the schema the exporter validates with. */
it('README documents exactly the variables the LiteLLM exporter reads', () => {
  const [actual, expected] = readmeConfigTable(join(ROOT, 'README.md'), 'litellm-exporter', configSchema);
  expect(actual).toEqual(expected);
});

/** docs/metrics.md lists exactly the families the LiteLLM exporter declares. */
it('the metric catalogue is current', () => {
  const snapshot = new BackgroundSnapshot<ProxyState>({
    name: 'catalog',
    read: () => Promise.reject(new Error('not read')),
    intervalMs: 60_000,
    timeoutMs: 1000,
    logger: silentLogger(),
  });
  const collector = litellmCollector({
    snapshot,
    metricsUrl: 'http://127.0.0.1:1/metrics',
    apiKey: 'unused',
    timeoutMs: 1000,
    maxMetricsBytes: 1024,
    logger: silentLogger(),
  });
  const [actual, expected] = metricCatalog(join(ROOT, 'docs/metrics.md'), 'litellm-exporter', [collector]);
  expect(actual).toEqual(expected);
});
