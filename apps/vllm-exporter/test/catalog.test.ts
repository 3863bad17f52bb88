import { join } from 'node:path';
import { silentLogger } from '@llmmon/metrics-core';
import { metricCatalog } from '@llmmon/metrics-core/testing';
import { vllmCollector } from '../src/collectors/vllm';

/** docs/metrics.md lists exactly the families the vLLM exporter declares (its own, not vLLM's). */
it('the metric catalogue is current', () => {
  const [actual, expected] = metricCatalog(join(__dirname, '../../../docs/metrics.md'), 'vllm-exporter', [
    vllmCollector({
      instances: () => [],
      logger: silentLogger(),
      timeoutMs: 1000,
      maxMetricsBytes: 1024,
      loadTimeoutMs: 1000,
    }),
  ]);
  expect(actual).toEqual(expected);
});
