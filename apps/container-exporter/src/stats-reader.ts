import { FailureLog, type ErrorKind, type Logger } from '@llmmon/metrics-core';
import { resourceUsage, type DockerStats, type ResourceUsage } from './stats';

/** Fetches one container's stats; rejects on error, honours the signal. */
export type FetchStats = (id: string, signal: AbortSignal) => Promise<DockerStats>;

export interface StatsReaderOptions {
  readonly fetch: FetchStats;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/**
 * Stats for many containers at once: at most `concurrency` calls in flight, each cut at
 * `timeoutMs`, so one container that never answers costs one slot for one timeout and holds
 * nobody else. A container that failed is left out of the result (its series go absent), its
 * error is counted by kind, and it is logged once when it starts failing and once when it
 * recovers, not on every scrape.
 */
export class StatsReader {
  private readonly failures: FailureLog;

  constructor(private readonly opts: StatsReaderOptions) {
    this.failures = new FailureLog(opts.logger, {
      failing: 'container stats failed; its resource series are absent until they answer',
      recovered: 'container stats answer again',
    });
  }

  /** Failed stats calls by kind since start. */
  get errors(): ReadonlyMap<ErrorKind, number> {
    return this.failures.totals;
  }

  async read(
    containers: readonly { id: string; name: string }[],
    signal: AbortSignal,
  ): Promise<Map<string, ResourceUsage>> {
    const out = new Map<string, ResourceUsage>();
    const queue = [...containers];
    const worker = async () => {
      for (let c = queue.shift(); c && !signal.aborted; c = queue.shift()) {
        try {
          const stats = await this.opts.fetch(
            c.id,
            AbortSignal.any([signal, AbortSignal.timeout(this.opts.timeoutMs)]),
          );
          out.set(c.id, resourceUsage(stats));
          this.failures.succeeded(c.id, { container: c.name });
        } catch (err) {
          // Stopped or removed between the list and the call: not a failure of anything.
          const status = (err as { statusCode?: number }).statusCode;
          if (status !== 404 && status !== 409) this.failures.failed(c.id, err, { container: c.name });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, queue.length) }, worker));
    this.failures.retain(new Set(containers.map((c) => c.id)));
    return out;
  }
}
