import type { MetricDef, MetricSink } from './metric';

/**
 * One concern, one file, one collector. Its name is its `collector` label, its enable switch
 * and its log field.
 */
export interface Collector {
  readonly name: string;
  /** The families this collector can emit, for documentation and duplicate checks. */
  readonly metrics: readonly MetricDef[];
  /**
   * Read the source and write samples into `out`. Throwing (or exceeding the timeout) drops
   * everything this run wrote; other collectors are unaffected.
   */
  collect(out: MetricSink, signal: AbortSignal): Promise<void> | void;
  /** Overrides the exporter-wide per-collector timeout. */
  readonly timeoutMs?: number;
}
