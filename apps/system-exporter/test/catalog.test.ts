import { join } from 'node:path';
import { metricCatalog } from '@llmmon/metrics-core/testing';
import { COLLECTOR_NAMES, createCollectors } from '../src/collectors';
import { fixtureDeps } from './helpers';

/** docs/metrics.md lists exactly the families the system exporter's collectors declare. */
it('the metric catalogue is current', () => {
  const [actual, expected] = metricCatalog(
    join(__dirname, '../../../docs/metrics.md'),
    'system-exporter',
    createCollectors(COLLECTOR_NAMES, fixtureDeps()),
  );
  expect(actual).toEqual(expected);
});
