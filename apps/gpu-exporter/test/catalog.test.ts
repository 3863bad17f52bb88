import { join } from 'node:path';
import { BackgroundSnapshot, silentLogger } from '@llmmon/metrics-core';
import { metricCatalog } from '@llmmon/metrics-core/testing';
import { gpuCollector } from '../src/collectors/gpus';
import { processCollector } from '../src/collectors/processes';
import type { GpuSnapshot } from '../src/sources/types';

/** docs/metrics.md lists exactly the families the GPU exporter's collectors declare. */
it('the metric catalogue is current', () => {
  const snapshot = new BackgroundSnapshot<GpuSnapshot>({
    name: 'catalog',
    read: () => Promise.reject(new Error('not read')),
    intervalMs: 60_000,
    timeoutMs: 1000,
    logger: silentLogger(),
  });
  const [actual, expected] = metricCatalog(join(__dirname, '../../../docs/metrics.md'), 'gpu-exporter', [
    gpuCollector(snapshot, () => false),
    processCollector(snapshot, '/proc', undefined),
  ]);
  expect(actual).toEqual(expected);
});
