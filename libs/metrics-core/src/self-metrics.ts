import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { ERROR_KINDS, type ErrorKind } from './errors';

/**
 * The exporter's own health, kept in a long-lived prom-client registry: process metrics,
 * build info, collections and errors. These are the same families on every llmmon exporter.
 */
export class SelfMetrics {
  readonly registry = new Registry();
  readonly errors: Counter<'collector' | 'kind'>;
  readonly collections: Counter;

  constructor(exporter: string, version: string) {
    collectDefaultMetrics({ register: this.registry });
    // The event-loop-lag family recomputes percentiles and a standard deviation on every
    // scrape (~0.6 ms, a tenth of a system scrape); the scrape duration already shows a
    // blocked loop, so we drop it to keep the CPU budget.
    for (const { name } of this.registry.getMetricsAsArray()) {
      if (name.startsWith('nodejs_eventloop_lag')) this.registry.removeSingleMetric(name);
    }
    this.errors = new Counter({
      name: 'llmmon_exporter_errors_total',
      help: 'Failed collections and upstream calls, by collector and kind of failure.',
      labelNames: ['collector', 'kind'],
      registers: [this.registry],
    });
    this.collections = new Counter({
      name: 'llmmon_exporter_collections_total',
      help: 'Collections actually run; concurrent or cached scrapes share one.',
      registers: [this.registry],
    });
    new Gauge({
      name: 'llmmon_exporter_build_info',
      help: 'Always 1; labels name the exporter, its version and the Node.js runtime.',
      labelNames: ['exporter', 'version', 'nodejs_version'],
      registers: [this.registry],
    }).set({ exporter, version, nodejs_version: process.versions.node }, 1);
  }

  /** Pre-creates the zero series for a collector so `rate()` sees the first error. */
  declareCollector(collector: string): void {
    for (const kind of ['timeout', 'error'] satisfies ErrorKind[]) this.errors.inc({ collector, kind }, 0);
  }

  countError(collector: string, kind: ErrorKind): void {
    this.errors.inc({ collector, kind: ERROR_KINDS.includes(kind) ? kind : 'error' });
  }
}
