import type { Upstream } from '@llmmon/metrics-core';
import { resourceUsage, type DockerStats, type ResourceUsage } from './stats';

/** Fetches one container's stats; rejects on error, honours the signal. */
export type FetchStats = (id: string, signal: AbortSignal) => Promise<DockerStats>;

export interface StatsReaderOptions {
  readonly fetch: FetchStats;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** Where the calls' health is reported, each container a part (logged once when it starts failing). */
  readonly upstream: Upstream;
}

/**
 * Stats for many containers at once: at most `concurrency` calls in flight, each cut at
 * `timeoutMs`, so one container that never answers costs one slot for one timeout and holds
 * nobody else. A container that failed is left out of the result (its series go absent), its
 * error is counted by kind, and it is logged once when it starts failing and once when it
 * recovers, not on every scrape.
 */
export class StatsReader {
  constructor(private readonly opts: StatsReaderOptions) {}

  async read(
    containers: readonly { id: string; name: string }[],
    signal: AbortSignal,
  ): Promise<Map<string, ResourceUsage>> {
    const out = new Map<string, ResourceUsage>();
    const queue = [...containers];
    const worker = async () => {
      for (let c = queue.shift(); c && !signal.aborted; c = queue.shift()) {
        const started = Date.now();
        try {
          const stats = await this.opts.fetch(
            c.id,
            AbortSignal.any([signal, AbortSignal.timeout(this.opts.timeoutMs)]),
          );
          out.set(c.id, resourceUsage(stats));
          this.opts.upstream.succeeded({ part: c.name, durationMs: Date.now() - started });
        } catch (err) {
          // Stopped or removed between the list and the call: not a failure of anything.
          const status = (err as { statusCode?: number }).statusCode;
          if (status !== 404 && status !== 409) this.opts.upstream.failed(err, { part: c.name });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, queue.length) }, worker));
    this.opts.upstream.retainParts(new Set(containers.map((c) => c.name)));
    return out;
  }
}
