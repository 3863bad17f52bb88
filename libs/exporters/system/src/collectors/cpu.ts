import { type Collector, counter } from '@llmmon/metrics-core';
import { USER_HZ } from '../host';
import type { SystemDeps } from './types';

const seconds = counter('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', ['cpu', 'mode']);
const guest = counter(
  'node_cpu_guest_seconds_total',
  'Seconds the CPUs spent in guests (VMs) for each mode.',
  ['cpu', 'mode'],
);
const coreThrottles = counter(
  'node_cpu_core_throttles_total',
  'Number of times this CPU core has been throttled.',
  ['core', 'package'],
);
const packageThrottles = counter(
  'node_cpu_package_throttles_total',
  'Number of times this CPU package has been throttled.',
  ['package'],
);

/** /proc/stat columns after the cpu name, in order. */
const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

/** Per-core CPU time by mode, guest time, and thermal throttling where sysfs reports it. */
export function cpuCollector({ host }: SystemDeps): Collector {
  return {
    name: 'cpu',
    metrics: [seconds, guest, coreThrottles, packageThrottles],
    collect(out) {
      for (const line of host.read(host.proc('stat')).split('\n')) {
        if (!/^cpu\d+ /.test(line)) continue;
        const [name = '', ...values] = line.split(/\s+/);
        const cpu = name.slice(3);
        const v = values.map((x) => Number(x) / USER_HZ);
        MODES.forEach((mode, i) => out.add(seconds, { cpu, mode }, v[i] ?? 0));
        out.add(guest, { cpu, mode: 'user' }, v[8] ?? 0);
        out.add(guest, { cpu, mode: 'nice' }, v[9] ?? 0);
      }

      const seenCores = new Set<string>();
      const seenPackages = new Set<string>();
      const cpus = host.list(host.sys('devices/system/cpu')).filter((d) => /^cpu\d+$/.test(d));
      for (const cpu of cpus) {
        const dir = host.sys('devices/system/cpu', cpu);
        const pkg = host.readOptional(`${dir}/topology/physical_package_id`);
        const core = host.readOptional(`${dir}/topology/core_id`);
        if (pkg === undefined || core === undefined) continue;
        const coreCount = host.readOptional(`${dir}/thermal_throttle/core_throttle_count`);
        if (coreCount !== undefined && !seenCores.has(`${pkg}/${core}`)) {
          seenCores.add(`${pkg}/${core}`);
          out.add(coreThrottles, { core, package: pkg }, Number(coreCount));
        }
        const pkgCount = host.readOptional(`${dir}/thermal_throttle/package_throttle_count`);
        if (pkgCount !== undefined && !seenPackages.has(pkg)) {
          seenPackages.add(pkg);
          out.add(packageThrottles, { package: pkg }, Number(pkgCount));
        }
      }
    },
  };
}
