import { type Collector, type MetricDef, gauge } from '@llmmon/metrics-core';
import type { SystemDeps } from './types';

const defs = new Map<string, MetricDef>();

/** node_memory_<Field>[_bytes] for every /proc/meminfo line, as node_exporter names them. */
function defFor(field: string, hasUnit: boolean): MetricDef {
  // "Active(anon)" becomes "Active_anon"; fields in kB get the _bytes suffix.
  const name = `${field.replace(/\((.*)\)/, '_$1')}${hasUnit ? '_bytes' : ''}`;
  let def = defs.get(name);
  if (!def) defs.set(name, (def = gauge(`node_memory_${name}`, `Memory information field ${name}.`)));
  return def;
}

export function meminfoCollector({ host }: SystemDeps): Collector {
  return {
    name: 'meminfo',
    metrics: [],
    collect(out) {
      for (const line of host.read(host.proc('meminfo')).split('\n')) {
        const m = /^([^:]+):\s+(\d+)(?:\s+(kB))?/.exec(line);
        if (!m) continue;
        const value = Number(m[2]) * (m[3] ? 1024 : 1);
        out.add(defFor(m[1]!, m[3] !== undefined) as MetricDef<never>, value);
      }
    },
  };
}
