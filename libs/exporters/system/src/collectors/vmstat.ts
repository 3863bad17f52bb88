import { type Collector, type MetricDef, untyped } from '@llmmon/metrics-core';
import type { SystemDeps } from './types';

const defs = new Map<string, MetricDef>();

/**
 * Selected /proc/vmstat fields (page faults, paging, swapping, OOM kills). Untyped, as
 * node_exporter exposes them: the kernel names lack the _total a counter would need.
 */
export function vmstatCollector({ host, config }: SystemDeps): Collector {
  return {
    name: 'vmstat',
    metrics: [],
    collect(out) {
      for (const line of host.read(host.proc('vmstat')).split('\n')) {
        const [field, value] = line.split(' ');
        if (!field || value === undefined || !config.VMSTAT_FIELDS.test(field)) continue;
        let def = defs.get(field);
        if (!def) {
          defs.set(
            field,
            (def = untyped(`node_vmstat_${field}`, `/proc/vmstat information field ${field}.`)),
          );
        }
        out.add(def as MetricDef<never>, Number(value));
      }
    },
  };
}
