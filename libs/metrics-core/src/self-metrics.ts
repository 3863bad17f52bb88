import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ERROR_KINDS, type ErrorKind } from './errors';
import { counter, gauge } from './metric';

const errorsDef = counter(
  'llmmon_exporter_collector_errors_total',
  'Failed collector runs, by collector and kind of failure (every kind from 0).',
  ['collector', 'kind'],
);
const collectionsDef = counter(
  'llmmon_exporter_collections_total',
  'Collections actually run; concurrent or cached scrapes share one.',
);
const buildInfoDef = gauge(
  'llmmon_exporter_build_info',
  'Always 1; labels name the exporter, its version and the Node.js runtime.',
  ['exporter', 'version', 'nodejs_version'],
);
/** The self families, as metric tables (for catalogues); kept in prom-client's long-lived registry. */
export const SELF_METRICS = [errorsDef, collectionsDef, buildInfoDef] as const;

let processRegistry: Registry | undefined;

/**
 * The process's own families (CPU, memory, event loop, GC), collected once per process: the
 * agent's exporters share them instead of each keeping a copy.
 */
function processMetrics(): Registry {
  if (processRegistry) return processRegistry;
  processRegistry = new Registry();
  collectDefaultMetrics({ register: processRegistry });
  // The event-loop-lag family recomputes percentiles and a standard deviation on every
  // scrape (~0.6 ms, a tenth of a system scrape); the scrape duration already shows a
  // blocked loop, so we drop it to keep the CPU budget.
  for (const { name } of processRegistry.getMetricsAsArray()) {
    if (name.startsWith('nodejs_eventloop_lag')) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

/**
 * The exporter's own health, under one prefix on every exporter (llmmon_exporter_*): build
 * info, collections run, collector failures by kind (every kind from 0); plus the process's.
 */
export class SelfMetrics {
  readonly registry = new Registry();
  readonly errors: Counter<'collector' | 'kind'>;
  readonly collections: Counter;

  constructor(exporter: string, version: string) {
    const registers = [this.registry];
    this.errors = new Counter({ ...errorsDef, labelNames: [...errorsDef.labelNames], registers });
    this.collections = new Counter({ name: collectionsDef.name, help: collectionsDef.help, registers });
    new Gauge({ ...buildInfoDef, labelNames: [...buildInfoDef.labelNames], registers }).set(
      { exporter, version, nodejs_version: process.versions.node },
      1,
    );
  }

  /** The registries a scrape renders: this exporter's and the process's. */
  get registries(): readonly Registry[] {
    return [this.registry, processMetrics()];
  }

  /** Pre-creates the zero series for a collector so `rate()` sees the first error. */
  declareCollector(collector: string): void {
    for (const kind of ERROR_KINDS) this.errors.inc({ collector, kind }, 0);
  }

  countError(collector: string, kind: ErrorKind): void {
    this.errors.inc({ collector, kind: ERROR_KINDS.includes(kind) ? kind : 'error' });
  }
}
