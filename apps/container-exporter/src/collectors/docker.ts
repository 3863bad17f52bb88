import { counter, gauge, type Collector } from '@llmmon/metrics-core';
import type { ContainerDirectory } from '@llmmon/docker';

const up = gauge(
  'llmmon_docker_up',
  '1 while the container list is current (listed in full and following the event stream), else 0.',
);
const events = counter('llmmon_docker_events_total', 'Docker container events handled.');
const resyncs = counter(
  'llmmon_docker_resyncs_total',
  'Full container list reloads (at start and after every gap in the event stream).',
);
const failures = counter(
  'llmmon_docker_failures_total',
  'Docker connection failures: unreachable engine, lost event stream, failed inspect.',
);
const lastSync = gauge(
  'llmmon_docker_last_resync_timestamp_seconds',
  'When the container list was last reloaded in full.',
);

/** The Docker connection's own health: what tells "no containers" from "no Docker". */
export function dockerCollector(directory: ContainerDirectory): Collector {
  return {
    name: 'docker',
    metrics: [up, events, resyncs, failures, lastSync],
    collect(out) {
      out.add(up, directory.connected ? 1 : 0);
      out.add(events, directory.stats.events);
      out.add(resyncs, directory.stats.syncs);
      out.add(failures, directory.stats.failures);
      if (directory.stats.lastSyncMs) out.add(lastSync, directory.stats.lastSyncMs / 1000);
    },
  };
}
