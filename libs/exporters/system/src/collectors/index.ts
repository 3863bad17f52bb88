import type { Collector } from '@llmmon/metrics-core';
import { cpuCollector } from './cpu';
import { diskstatsCollector } from './diskstats';
import { filesystemCollector } from './filesystem';
import { hwmonCollector } from './hwmon';
import { loadavgCollector } from './loadavg';
import { meminfoCollector } from './meminfo';
import { netdevCollector } from './netdev';
import { processesCollector } from './processes';
import { statCollector } from './stat';
import { timeCollector } from './time';
import { unameCollector } from './uname';
import { vmstatCollector } from './vmstat';
import type { SystemDeps } from './types';

/** Every collector, by the name node_exporter uses for it (its `--collector.<name>` flag). */
const FACTORIES = {
  cpu: cpuCollector,
  diskstats: diskstatsCollector,
  filesystem: filesystemCollector,
  hwmon: hwmonCollector,
  loadavg: loadavgCollector,
  meminfo: meminfoCollector,
  netdev: netdevCollector,
  processes: processesCollector,
  stat: statCollector,
  time: timeCollector,
  uname: unameCollector,
  vmstat: vmstatCollector,
} satisfies Record<string, (deps: SystemDeps) => Collector>;

export type CollectorName = keyof typeof FACTORIES;
export const COLLECTOR_NAMES = Object.keys(FACTORIES) as CollectorName[];

export function createCollectors(names: readonly CollectorName[], deps: SystemDeps): Collector[] {
  return names.map((name) => FACTORIES[name](deps));
}
