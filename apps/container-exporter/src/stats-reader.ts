import { classifyError, errorMessage, type ErrorKind, type Logger } from '@llmmon/metrics-core';
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
  readonly errors = new Map<ErrorKind, number>();
  private readonly failing = new Set<string>();

  constructor(private readonly opts: StatsReaderOptions) {}

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
          if (this.failing.delete(c.id)) {
            this.opts.logger.info({ container: c.name }, 'container stats answer again');
          }
        } catch (err) {
          this.failed(c, err);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, queue.length) }, worker));
    // Containers gone from the list are forgotten, so the set stays as small as the host.
    const present = new Set(containers.map((c) => c.id));
    for (const id of this.failing) if (!present.has(id)) this.failing.delete(id);
    return out;
  }

  private failed(c: { id: string; name: string }, err: unknown): void {
    // Stopped or removed between the list and the call: not a failure of anything.
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404 || status === 409) return;
    const kind = classifyError(err);
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    if (!this.failing.has(c.id)) {
      this.failing.add(c.id);
      this.opts.logger.warn(
        { container: c.name, kind, err: errorMessage(err) },
        'container stats failed; its resource series are absent until they answer',
      );
    }
  }
}
