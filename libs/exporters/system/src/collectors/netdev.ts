import { type Collector, type MetricDef, counter } from '@llmmon/metrics-core';
import type { SystemDeps } from './types';

/** /proc/net/dev columns after the interface name, in order. */
const FIELDS = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
] as const;

const def = (field: string) =>
  counter(`node_network_${field}_total`, `Network device statistic ${field}.`, ['device']);
const DEFS: MetricDef<'device'>[] = FIELDS.map(def);
const noHandler = def('receive_nohandler');

/** Per interface traffic and error counters from /proc/net/dev (plus rx_nohandler from sysfs). */
export function netdevCollector({ host, config }: SystemDeps): Collector {
  return {
    name: 'netdev',
    metrics: [...DEFS, noHandler],
    collect(out) {
      for (const line of host.read(host.proc('net/dev')).split('\n')) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const device = line.slice(0, colon).trim();
        if (config.NETDEV_DEVICE_EXCLUDE.test(device)) continue;
        const values = line
          .slice(colon + 1)
          .trim()
          .split(/\s+/)
          .map(Number);
        DEFS.forEach((d, i) => out.add(d, { device }, values[i] ?? 0));
        const nh = host.readOptional(host.sys('class/net', device, 'statistics/rx_nohandler'));
        if (nh !== undefined) out.add(noHandler, { device }, Number(nh));
      }
    },
  };
}
