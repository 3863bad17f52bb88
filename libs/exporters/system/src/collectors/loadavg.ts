import { type Collector, gauge } from '@llmmon/metrics-core';
import type { SystemDeps } from './types';

const load1 = gauge('node_load1', '1m load average.');
const load5 = gauge('node_load5', '5m load average.');
const load15 = gauge('node_load15', '15m load average.');

export function loadavgCollector({ host }: SystemDeps): Collector {
  return {
    name: 'loadavg',
    metrics: [load1, load5, load15],
    collect(out) {
      const [l1, l5, l15] = host.read(host.proc('loadavg')).split(/\s+/).map(Number);
      if (l1 === undefined || l5 === undefined || l15 === undefined || [l1, l5, l15].some(Number.isNaN)) {
        throw new Error('unexpected /proc/loadavg format');
      }
      out.add(load1, l1);
      out.add(load5, l5);
      out.add(load15, l15);
    },
  };
}
