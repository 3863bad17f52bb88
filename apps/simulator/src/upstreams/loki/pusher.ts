import { classifyError, errorMessage, type ErrorKind, type Logger } from '@llmmon/metrics-core';
import type { World } from '../../world/world';
import { logLines, type LogLine } from '../docker/logs';

export interface LokiOptions {
  readonly url: string;
  /** Push at most this often (ms) and this many lines per request. */
  readonly intervalMs: number;
  readonly batchLines: number;
  readonly timeoutMs: number;
  /** Lines kept while Loki is unreachable; the oldest are dropped beyond this. */
  readonly maxBufferLines: number;
  readonly tenant?: string | undefined;
}

interface Entry {
  readonly container: string;
  readonly service: string;
  readonly line: LogLine;
}

const LEVEL = /\b(ERROR|WARNING|WARN|INFO|DEBUG)\b/;
/** Loki refuses entries more than 10 minutes ahead of its clock. */
const MAX_FUTURE_MS = 9 * 60_000;

/**
 * Ships every simulated container's log lines to Loki's push API: batched JSON, nanosecond
 * timestamps as strings, labels container/service/level/job. 429 and 5xx are retried with
 * exponential backoff (the batch is kept); any other 4xx drops the batch and counts it. It
 * runs beside the world clock and never holds it up.
 */
export class LokiPusher {
  readonly sent = { lines: 0 };
  readonly dropped = new Map<string, number>();
  readonly failures = new Map<ErrorKind | 'http_429' | 'http_5xx', number>();
  private buffer: Entry[] = [];
  private readonly lastCollected = new Map<string, number>();
  private inFlight = false;
  private backoffMs = 0;
  private nextAttempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private warned = false;

  constructor(
    private readonly world: World,
    private readonly opts: LokiOptions,
    private readonly logger: Logger,
    private readonly realNow: () => number = Date.now,
  ) {
    for (const c of world.containers) this.lastCollected.set(c.spec.name, world.timeMs);
  }

  get buffered(): number {
    return this.buffer.length;
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private drop(reason: string, n: number): void {
    if (n > 0) this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + n);
  }

  /** Takes the lines written since the last call (call after each world step). */
  collect(): void {
    for (const c of this.world.containers) {
      const from = this.lastCollected.get(c.spec.name) ?? this.world.timeMs;
      const lines = logLines(this.world, c, from, this.world.timeMs);
      if (lines.length) this.lastCollected.set(c.spec.name, lines[lines.length - 1]!.timeMs);
      for (const line of lines) this.buffer.push({ container: c.spec.name, service: c.spec.service, line });
    }
    const excess = this.buffer.length - this.opts.maxBufferLines;
    if (excess > 0) {
      this.buffer.splice(0, excess);
      this.drop('buffer_full', excess);
    }
  }

  /** Sends one batch if none is in flight and no backoff is pending. Resolves when done. */
  async flush(): Promise<void> {
    if (this.inFlight || this.buffer.length === 0 || this.realNow() < this.nextAttempt) return;
    const future = this.buffer.filter((e) => e.line.timeMs > this.realNow() + MAX_FUTURE_MS).length;
    if (future) {
      // An accelerated clock runs ahead of Loki's: those lines would only be refused.
      this.buffer = this.buffer.filter((e) => e.line.timeMs <= this.realNow() + MAX_FUTURE_MS);
      this.drop('future', future);
    }
    const batch = this.buffer.slice(0, this.opts.batchLines);
    if (!batch.length) return;
    this.inFlight = true;
    try {
      const status = await this.push(batch);
      if (status === 'sent') {
        this.buffer.splice(0, batch.length);
        this.sent.lines += batch.length;
        this.backoffMs = 0;
      } else if (status === 'retry') {
        this.backoffMs = Math.min(30_000, this.backoffMs ? this.backoffMs * 2 : 1_000);
        this.nextAttempt = this.realNow() + this.backoffMs * (0.8 + 0.4 * Math.random());
      } else {
        this.buffer.splice(0, batch.length);
        this.drop('rejected', batch.length);
      }
    } finally {
      this.inFlight = false;
    }
  }

  private body(batch: Entry[]): string {
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (const e of batch) {
      const level = (LEVEL.exec(e.line.text)?.[1] ?? 'INFO').toLowerCase().replace('warning', 'warn');
      const labels = {
        job: 'llmmon-simulator',
        container: e.container,
        service: e.service,
        level,
        mock: 'true',
      };
      const key = `${e.container}\0${level}`;
      let s = streams.get(key);
      if (!s) streams.set(key, (s = { stream: labels, values: [] }));
      s.values.push([`${BigInt(e.line.timeMs) * 1_000_000n}`, e.line.text]);
    }
    return JSON.stringify({ streams: [...streams.values()] });
  }

  private async push(batch: Entry[]): Promise<'sent' | 'retry' | 'rejected'> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.opts.tenant) headers['x-scope-orgid'] = this.opts.tenant;
    try {
      const res = await fetch(`${this.opts.url}/loki/api/v1/push`, {
        method: 'POST',
        headers,
        body: this.body(batch),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const text = await res.text();
      if (res.status < 300) return 'sent';
      if (res.status === 429 || res.status >= 500) {
        this.count(res.status === 429 ? 'http_429' : 'http_5xx');
        return 'retry';
      }
      if (!this.warned) {
        this.warned = true;
        this.logger.warn(
          { status: res.status, detail: text.slice(0, 200) },
          'loki rejected a batch; dropping it',
        );
      }
      return 'rejected';
    } catch (err) {
      const kind = classifyError(err);
      this.count(kind);
      if (!this.warned) {
        this.warned = true;
        this.logger.warn({ kind, err: errorMessage(err) }, 'loki unreachable; retrying with backoff');
      }
      return 'retry';
    }
  }

  private count(kind: ErrorKind | 'http_429' | 'http_5xx'): void {
    this.failures.set(kind, (this.failures.get(kind) ?? 0) + 1);
  }
}
