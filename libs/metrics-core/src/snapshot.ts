import type { Logger } from 'pino';
import { TimeoutError, classifyError, errorMessage, type ErrorKind } from './errors';
import { type MetricSink, counter, gauge } from './metric';

export interface SnapshotState<T> {
  /** The last value read successfully (kept while later reads fail, so scrapes still answer). */
  readonly value: T | undefined;
  /** When that value was read (ms since epoch), or 0. */
  readonly readAt: number;
  /** Whether the most recent attempt succeeded. */
  readonly ok: boolean;
  readonly lastDurationMs: number;
  readonly failures: number;
  readonly lastErrorKind?: ErrorKind;
}

export interface BackgroundSnapshotOptions<T> {
  /** Source name: the `source` label of the staleness metrics and the log field. */
  readonly name: string;
  readonly read: (signal: AbortSignal) => Promise<T>;
  /** Background refresh period. */
  readonly intervalMs: number;
  /** Longest one read may take; past it the read is abandoned (and its signal aborted). */
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

const success = gauge(
  'llmmon_source_last_collect_success',
  'Whether the last read of the source succeeded (1) or not (0).',
  ['source'],
);
const timestamp = gauge(
  'llmmon_source_last_collect_timestamp_seconds',
  'When the source was last read successfully, in Unix seconds.',
  ['source'],
);
const duration = gauge(
  'llmmon_source_last_collect_duration_seconds',
  'How long the last read of the source took, in seconds.',
  ['source'],
);
const failures = counter(
  'llmmon_source_collect_failures_total',
  'Reads of the source that failed or timed out.',
  ['source'],
);
const age = gauge(
  'llmmon_source_snapshot_age_seconds',
  'Age of the data being served from the source, in seconds.',
  ['source'],
);

/** The families every BackgroundSnapshot reports (declare them in a collector's `metrics`). */
export const SNAPSHOT_METRICS = [success, timestamp, duration, failures, age] as const;

/**
 * A slow source (nvidia-smi, a remote API) read in the background on a timer, never on the
 * scrape path: scrapes get the latest snapshot at once, however slow or hung the source is.
 * Reads are single-flight (a read still running is never started twice), bounded by a
 * timeout, and the last good value is kept and marked stale while reads fail.
 */
export class BackgroundSnapshot<T> {
  private state: SnapshotState<T> = {
    value: undefined,
    readAt: 0,
    ok: false,
    lastDurationMs: 0,
    failures: 0,
  };
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

  get current(): SnapshotState<T> {
    return this.state;
  }

  /** Reads once now (awaitable, e.g. before /ready), then every intervalMs. */
  start(): Promise<void> {
    this.timer = setInterval(() => void this.refresh(), this.opts.intervalMs);
    this.timer.unref();
    return this.refresh();
  }

  stop(): void {
    clearInterval(this.timer);
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
      if (this.abandoned) throw new TimeoutError(`${this.opts.name}: the previous read has not returned yet`);
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
            reject(new TimeoutError(`${this.opts.name} did not answer within ${this.opts.timeoutMs} ms`));
          }, this.opts.timeoutMs);
        }),
      ]);
      const readAt = this.now();
      this.state = {
        value,
        readAt,
        ok: true,
        lastDurationMs: readAt - started,
        failures: this.state.failures,
      };
    } catch (err) {
      const kind = classifyError(err);
      this.state = {
        ...this.state,
        ok: false,
        lastDurationMs: this.now() - started,
        failures: this.state.failures + 1,
        lastErrorKind: kind,
      };
      this.opts.logger.warn(
        { source: this.opts.name, kind, err: errorMessage(err) },
        'source read failed; serving the last snapshot',
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Writes the staleness families for this source. */
  report(out: MetricSink): void {
    const source = this.opts.name;
    const s = this.state;
    out.add(success, { source }, s.ok ? 1 : 0);
    out.add(timestamp, { source }, s.readAt / 1000);
    out.add(duration, { source }, s.lastDurationMs / 1000);
    out.add(failures, { source }, s.failures);
    if (s.readAt) out.add(age, { source }, (this.now() - s.readAt) / 1000);
  }
}
