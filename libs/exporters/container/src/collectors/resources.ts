import { counter, gauge, type Collector, type MetricDef } from '@llmmon/metrics-core';
import type { StatsReader } from '../stats-reader';
import type { ResourceUsage } from '../stats';
import { CONTAINER_LABELS as L, containerLabels, type ContainerLabel, type ContainerList } from './labels';

const N = [...L, 'interface'] as const;
type Counted = keyof Omit<ResourceUsage, 'cgroup' | 'networks'>;

/** cAdvisor's families, in its names and units, filled from Docker's stats. */
const TABLE: readonly { def: MetricDef<ContainerLabel>; read: Counted }[] = [
  {
    def: counter('container_cpu_usage_seconds_total', 'Cumulative cpu time consumed in seconds.', L),
    read: 'cpuSeconds',
  },
  {
    def: counter('container_cpu_user_seconds_total', 'Cumulative user cpu time consumed in seconds.', L),
    read: 'cpuUserSeconds',
  },
  {
    def: counter('container_cpu_system_seconds_total', 'Cumulative system cpu time consumed in seconds.', L),
    read: 'cpuSystemSeconds',
  },
  {
    def: counter('container_cpu_cfs_periods_total', 'Number of elapsed enforcement period intervals.', L),
    read: 'cfsPeriods',
  },
  {
    def: counter('container_cpu_cfs_throttled_periods_total', 'Number of throttled period intervals.', L),
    read: 'cfsThrottledPeriods',
  },
  {
    def: counter(
      'container_cpu_cfs_throttled_seconds_total',
      'Total time duration the container has been throttled.',
      L,
    ),
    read: 'cfsThrottledSeconds',
  },
  {
    def: gauge(
      'container_memory_usage_bytes',
      'Current memory usage in bytes, including all memory regardless of when it was accessed.',
      L,
    ),
    read: 'memoryUsageBytes',
  },
  {
    def: gauge(
      'container_memory_working_set_bytes',
      'Current working set in bytes (usage minus inactive file pages: what docker stats shows).',
      L,
    ),
    read: 'memoryWorkingSetBytes',
  },
  { def: gauge('container_memory_rss', 'Size of RSS in bytes.', L), read: 'memoryRssBytes' },
  {
    def: gauge('container_memory_cache', 'Number of bytes of page cache memory.', L),
    read: 'memoryCacheBytes',
  },
  {
    def: counter('container_fs_reads_bytes_total', 'Cumulative count of bytes read, summed over devices.', L),
    read: 'blockReadBytes',
  },
  {
    def: counter(
      'container_fs_writes_bytes_total',
      'Cumulative count of bytes written, summed over devices.',
      L,
    ),
    read: 'blockWriteBytes',
  },
];

const NET = [
  ['container_network_receive_bytes_total', 'Cumulative count of bytes received', 'rxBytes'],
  ['container_network_receive_packets_total', 'Cumulative count of packets received', 'rxPackets'],
  [
    'container_network_receive_errors_total',
    'Cumulative count of errors encountered while receiving',
    'rxErrors',
  ],
  [
    'container_network_receive_packets_dropped_total',
    'Cumulative count of packets dropped while receiving',
    'rxDropped',
  ],
  ['container_network_transmit_bytes_total', 'Cumulative count of bytes transmitted', 'txBytes'],
  ['container_network_transmit_packets_total', 'Cumulative count of packets transmitted', 'txPackets'],
  [
    'container_network_transmit_errors_total',
    'Cumulative count of errors encountered while transmitting',
    'txErrors',
  ],
  [
    'container_network_transmit_packets_dropped_total',
    'Cumulative count of packets dropped while transmitting',
    'txDropped',
  ],
] as const;
const NET_TABLE = NET.map(([name, help, read]) => ({ def: counter(name, `${help}.`, N), read }));

const statsMissing = gauge(
  'llmmon_container_stats_missing',
  'Running containers whose stats did not answer in this scrape: their resource series are absent.',
);

/**
 * Resource counters of every running container, read on scrape with Docker's one-shot stats
 * (no second sample: Prometheus' rate() takes the differences). Containers whose call fails
 * or times out are left out; the others are unaffected.
 */
export function resourceCollector(containers: ContainerList, reader: StatsReader): Collector {
  return {
    name: 'resources',
    metrics: [...TABLE.map((t) => t.def), ...NET_TABLE.map((t) => t.def), statsMissing],
    async collect(out, signal) {
      const running = containers.list().filter((c) => c.state === 'running');
      const usage = await reader.read(running, signal);
      for (const c of running) {
        const u = usage.get(c.id);
        if (!u) continue;
        const l = containerLabels(c);
        for (const t of TABLE) {
          const v = u[t.read];
          if (v !== undefined) out.add(t.def, l, v);
        }
        for (const n of u.networks)
          for (const t of NET_TABLE) out.add(t.def, { ...l, interface: n.iface }, n[t.read]);
      }
      out.add(statsMissing, running.filter((c) => !usage.has(c.id)).length);
    },
  };
}
