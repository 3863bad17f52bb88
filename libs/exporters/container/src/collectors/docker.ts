import { counter, type Collector } from '@llmmon/metrics-core';
import type { ContainerDirectory } from '@llmmon/docker';

const events = counter('llmmon_docker_events_total', 'Docker container events handled.');
const resyncs = counter(
  'llmmon_docker_resyncs_total',
  'Full container list reloads (at start and after every gap in the event stream).',
);

/**
 * How the container list is kept: events followed, full reloads. Whether Docker answers is
 * the `docker` upstream's (llmmon_upstream_up), as on every exporter that reads it.
 */
export function dockerCollector(directory: ContainerDirectory): Collector {
  return {
    name: 'docker',
    metrics: [events, resyncs],
    collect(out) {
      out.add(events, directory.stats.events);
      out.add(resyncs, directory.stats.syncs);
    },
  };
}
