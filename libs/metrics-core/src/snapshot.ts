import type { Source } from './definition';
import { TimeoutError } from './errors';
import type { Upstream } from './upstream-health';

export interface SnapshotState<T> {
  /** The last value read successfully (kept while later reads fail, so scrapes still answer). */
  readonly value: T | undefined;
  /** When that value was read (ms since epoch), or 0. */
  readonly readAt: number;
  /** Whether the most recent attempt succeeded. */
  readonly ok: boolean;
}

export interface BackgroundSnapshotOptions<T> {
  /** The upstream it reads: its health is reported there (llmmon_upstream_*). */
  readonly upstream: Upstream;
  readonly read: (signal: AbortSignal) => Promise<T>;
  /** Background refresh period. */
  readonly intervalMs: number;
  /** Longest one read may take; past it the read is abandoned (and its signal aborted). */
  readonly timeoutMs: number;
  /** /ready waits for a first value (default); false for optional data. */
  readonly gatesReadiness?: boolean;
  /** Called with each value read successfully (to start work that depends on it). */
  readonly onRead?: (value: T) => void;
  readonly now?: () => number;
}

/**
 * A slow source (nvidia-smi, a remote API) read in the background on a timer, never on the
 * scrape path: scrapes get the latest snapshot at once, however slow or hung the source is.
 * Reads are single-flight (a read still running is never started twice), bounded by a
 * timeout, and the last good value is kept while reads fail (its age shows in
 * llmmon_upstream_last_success_timestamp_seconds).
 */
export class BackgroundSnapshot<T> implements Source {
  private state: SnapshotState<T> = { value: undefined, readAt: 0, ok: false };
  private inFlight: Promise<void> | undefined;
  /**
   * A read that outlived its timeout and has not settled (a source stuck in a call it cannot
   * abort): no second read is started beside it, so stuck calls never pile up.
   */
  private abandoned: Promise<T> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: BackgroundSnapshotOptions<T>) {
    this.now = opts.now ?? Date.now;
  }

  get name(): string {
    return this.opts.upstream.name;
  }

  get current(): SnapshotState<T> {
    return this.state;
  }

  /** Reads once now, then every intervalMs; the first read is awaited by `refresh()` callers only. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.opts.intervalMs);
    this.timer.unref();
    void this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  ready(): { ready: boolean; detail?: string } {
    if (this.opts.gatesReadiness === false || this.state.readAt > 0) return { ready: true };
    return { ready: false, detail: `no data yet from ${this.name}` };
  }

  /** One read, unless one is already running (then that one is awaited). */
  refresh(): Promise<void> {
    this.inFlight ??= this.readOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async readOnce(): Promise<void> {
    const started = this.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      if (this.abandoned) throw new TimeoutError(`${this.name}: the previous read has not returned yet`);
      const read = this.opts.read(controller.signal);
      const value = await Promise.race([
        read,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            this.abandoned = read;
            const settled = () => {
              if (this.abandoned === read) this.abandoned = undefined;
            };
            read.then(settled, settled);
            reject(new TimeoutError(`${this.name} did not answer within ${this.opts.timeoutMs} ms`));
          }, this.opts.timeoutMs);
        }),
      ]);
      const readAt = this.now();
      this.state = { value, readAt, ok: true };
      this.opts.upstream.succeeded({ durationMs: readAt - started });
      this.opts.onRead?.(value);
    } catch (err) {
      this.state = { ...this.state, ok: false };
      this.opts.upstream.failed(err, { durationMs: this.now() - started });
    } finally {
      clearTimeout(timer);
    }
  }
}
