import type { Logger } from 'pino';
import type { Collector } from './collector';
import { TimeoutError, classifyError, errorMessage } from './errors';
import { type Family, MetricSink, gauge } from './metric';
import type { SelfMetrics } from './self-metrics';
import type { UpstreamHealth } from './upstream-health';

export interface RunnerOptions {
  readonly collectors: readonly Collector[];
  readonly timeoutMs: number;
  /** A finished collection is reused for scrapes arriving within this many ms (0: never). */
  readonly cacheTtlMs: number;
  readonly logger: Logger;
  readonly self: SelfMetrics;
  /** Reported after the collectors ran, so reads made on the scrape show at once. */
  readonly upstreams?: UpstreamHealth;
}

const collectorDuration = gauge(
  'llmmon_exporter_collector_duration_seconds',
  'How long a collector took in the last collection, in seconds.',
  ['collector'],
);
const collectorSuccess = gauge(
  'llmmon_exporter_collector_success',
  'Whether a collector succeeded in the last collection (1) or failed or timed out (0).',
  ['collector'],
);
/** The runner's own families (declared here for catalogues and duplicate checks). */
export const RUNNER_METRICS = [collectorDuration, collectorSuccess] as const;

export interface Snapshot {
  readonly families: readonly Family[];
  /** Wall-clock time (ms) when the collection finished. */
  readonly completedAt: number;
}

/**
 * Owns the scrape: runs every collector in parallel with its own timeout, keeps what
 * succeeded, and always reports success and duration per collector. Concurrent scrapes share
 * one collection (single-flight) and a short cache keeps several Prometheus servers from
 * multiplying upstream load.
 */
export class CollectionRunner {
  private inFlight: Promise<Snapshot> | undefined;
  private last: Snapshot | undefined;
  /** Collectors whose previous run outlived its timeout and has not settled yet. */
  private readonly stillRunning = new Set<string>();

  constructor(private readonly opts: RunnerOptions) {
    const names = new Set<string>();
    const families = new Set<string>();
    for (const c of opts.collectors) {
      if (names.has(c.name)) throw new Error(`duplicate collector name "${c.name}"`);
      names.add(c.name);
      for (const m of c.metrics) {
        if (families.has(m.name)) throw new Error(`metric ${m.name} is declared by two collectors`);
        families.add(m.name);
      }
      opts.self.declareCollector(c.name);
    }
  }

  /** The latest snapshot, collecting if the cached one is too old. */
  snapshot(): Promise<Snapshot> {
    if (this.last && Date.now() - this.last.completedAt < this.opts.cacheTtlMs) {
      return Promise.resolve(this.last);
    }
    if (!this.inFlight) {
      this.inFlight = this.collectAll().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  /** True once any collection has finished (for /ready). */
  get hasCollected(): boolean {
    return this.last !== undefined;
  }

  private async collectAll(): Promise<Snapshot> {
    this.opts.self.collections.inc();
    const results = await Promise.all(this.opts.collectors.map((c) => this.runOne(c)));
    const meta = new MetricSink();
    const families: Family[] = [];
    for (const r of results) {
      meta.add(collectorDuration, { collector: r.name }, r.seconds);
      meta.add(collectorSuccess, { collector: r.name }, r.families ? 1 : 0);
      if (r.families) families.push(...r.families);
    }
    this.opts.upstreams?.report(meta);
    const snapshot = { families: [...meta.families(), ...families], completedAt: Date.now() };
    // Without a cache nothing reads an old snapshot again; keeping it alive would only get it
    // promoted to the old generation under frequent scrapes (and grow the RSS).
    this.last = this.opts.cacheTtlMs > 0 ? snapshot : { ...snapshot, families: [] };
    return snapshot;
  }

  private async runOne(c: Collector): Promise<{ name: string; seconds: number; families?: Family[] }> {
    const started = performance.now();
    const elapsed = () => (performance.now() - started) / 1000;
    const timeoutMs = c.timeoutMs ?? this.opts.timeoutMs;
    try {
      if (this.stillRunning.has(c.name)) {
        // Never pile up runs of a collector that hangs (a stuck NFS statfs, a wedged nvidia-smi).
        throw new TimeoutError(`previous run still has not finished after its ${timeoutMs} ms timeout`);
      }
      const sink = new MetricSink();
      const controller = new AbortController();
      const run = Promise.resolve().then(() => c.collect(sink, controller.signal));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          this.stillRunning.add(c.name);
          run.catch(() => undefined).finally(() => this.stillRunning.delete(c.name));
          controller.abort();
          reject(new TimeoutError(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        // The listener keeps a server alive; a pending timeout must not keep a stopped one.
        timer.unref();
      });
      try {
        await Promise.race([run, timeout]);
      } finally {
        clearTimeout(timer);
      }
      return { name: c.name, seconds: elapsed(), families: sink.families() };
    } catch (err) {
      const kind = classifyError(err);
      this.opts.self.countError(c.name, kind);
      this.opts.logger.warn({ collector: c.name, kind, err: errorMessage(err) }, 'collector failed');
      return { name: c.name, seconds: elapsed() };
    }
  }
}
