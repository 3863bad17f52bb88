import { join } from 'node:path';
import { BackgroundSnapshot, silentLogger } from '@llmmon/metrics-core';
import { metricCatalog, readmeConfigTable } from '@llmmon/metrics-core/testing';
import { langfuseCollector } from '../src/collectors/langfuse';
import { configSchema } from '../src/config';
import type { LangfuseState } from '../src/read';

const ROOT = join(__dirname, '../../..');

/** The README's configuration table is generated from the schema the exporter validates with. */
it('README documents exactly the variables the Langfuse exporter reads', () => {
  const [actual, expected] = readmeConfigTable(join(ROOT, 'README.md'), 'langfuse-exporter', configSchema);
  expect(actual).toEqual(expected);
});

/** docs/metrics.md lists exactly the families the Langfuse exporter declares. */
it('the metric catalogue is current', () => {
  const snapshot = new BackgroundSnapshot<LangfuseState>({
    name: 'catalog',
    read: () => Promise.reject(new Error('not read')),
    intervalMs: 60_000,
    timeoutMs: 1000,
    logger: silentLogger(),
  });
  const [actual, expected] = metricCatalog(join(ROOT, 'docs/metrics.md'), 'langfuse-exporter', [
    langfuseCollector(snapshot),
  ]);
  expect(actual).toEqual(expected);
});
