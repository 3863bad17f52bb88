import { type Collector, counter, gauge } from '@llmmon/metrics-core';
import type { SystemDeps } from './types';

const intr = counter('node_intr_total', 'Total number of interrupts serviced.');
const ctxt = counter('node_context_switches_total', 'Total number of context switches.');
const forks = counter('node_forks_total', 'Total number of forks.');
const bootTime = gauge('node_boot_time_seconds', 'Node boot time, in unixtime.');
const running = gauge('node_procs_running', 'Number of processes in runnable state.');
const blocked = gauge('node_procs_blocked', 'Number of processes blocked waiting for I/O to complete.');

/** Kernel-wide counters from /proc/stat: interrupts, context switches, forks, boot time, procs. */
export function statCollector({ host }: SystemDeps): Collector {
  return {
    name: 'stat',
    metrics: [intr, ctxt, forks, bootTime, running, blocked],
    collect(out) {
      const fields = new Map<string, number>();
      for (const line of host.read(host.proc('stat')).split('\n')) {
        const [key, first] = line.split(/\s+/, 2);
        if (key && first !== undefined) fields.set(key, Number(first));
      }
      const get = (key: string) => {
        const v = fields.get(key);
        if (v === undefined || Number.isNaN(v)) throw new Error(`/proc/stat has no ${key} line`);
        return v;
      };
      out.add(intr, get('intr'));
      out.add(ctxt, get('ctxt'));
      out.add(forks, get('processes'));
      out.add(bootTime, get('btime'));
      out.add(running, get('procs_running'));
      out.add(blocked, get('procs_blocked'));
    },
  };
}
