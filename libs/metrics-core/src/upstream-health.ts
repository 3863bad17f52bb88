import { classifyError, errorMessage, ERROR_KINDS, type ErrorKind } from './errors';
import type { Logger } from './logger';
import { counter, gauge, type MetricSink } from './metric';

/**
 * One vocabulary for the health of everything an exporter reads (Docker, a vLLM instance,
 * LiteLLM, Langfuse, nvidia-smi …): the same four families on every exporter, so one alert
 * and one panel cover them all, and every error kind exists from 0 so `rate()` sees the first.
 */
const L = ['exporter', 'upstream'] as const;
const up = gauge('llmmon_upstream_up', '1 when the last read of the upstream succeeded, else 0.', L);
const errors = counter(
  'llmmon_upstream_errors_total',
  'Failed reads of the upstream, by kind (every kind from 0).',
  [...L, 'kind'],
);
const lastSuccess = gauge(
  'llmmon_upstream_last_success_timestamp_seconds',
  'When the upstream was last read successfully, in Unix seconds (0: never); time() minus it is the age of what is served.',
  L,
);
const duration = gauge(
  'llmmon_upstream_read_duration_seconds',
  'How long the last read of the upstream took, in seconds.',
  L,
);

/** The families every exporter reports its upstreams with (for catalogues and duplicate checks). */
export const UPSTREAM_METRICS = [up, errors, lastSuccess, duration] as const;

export interface ReadOutcome {
  /** How long the read took. */
  readonly durationMs?: number;
  /**
   * The part of the upstream read (one container's stats): failures are then logged once per
   * part, and the upstream is up only while no part is failing.
   */
  readonly part?: string;
}

/**
 * One upstream's health: whether its reads succeed, its failures by kind, when it last
 * answered. A failure is logged once when the upstream (or one part of it) starts failing or
 * fails differently, and once when it answers again, never once per read.
 */
export class Upstream {
  private ok = false;
  private lastSuccessMs = 0;
  private lastDurationMs: number | undefined;
  private readonly failing = new Map<string, ErrorKind>();
  private readonly counts = new Map<ErrorKind, number>();

  constructor(
    readonly name: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** Whether the last read succeeded and no part is failing. */
  get up(): boolean {
    return this.ok && this.failing.size === 0;
  }

  /** When the upstream last answered (ms since epoch), or 0. */
  get lastSuccess(): number {
    return this.lastSuccessMs;
  }

  /** Failures by kind since start. */
  get errors(): ReadonlyMap<ErrorKind, number> {
    return this.counts;
  }

  succeeded(o: ReadOutcome = {}): void {
    this.ok = true;
    this.lastSuccessMs = this.now();
    if (o.durationMs !== undefined) this.lastDurationMs = o.durationMs;
    const part = o.part ?? '';
    if (this.failing.delete(part)) {
      this.logger.info({ upstream: this.name, ...(o.part ? { part } : {}) }, 'upstream answers again');
    }
  }

  /** Counts a failed read and returns its kind; logs only when the upstream (or part) starts failing or fails differently. */
  failed(err: unknown, o: ReadOutcome = {}): ErrorKind {
    const kind = classifyError(err);
    const part = o.part ?? '';
    if (!o.part) this.ok = false;
    if (o.durationMs !== undefined) this.lastDurationMs = o.durationMs;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (this.failing.get(part) !== kind) {
      this.failing.set(part, kind);
      this.logger.warn(
        { upstream: this.name, ...(o.part ? { part } : {}), kind, err: errorMessage(err) },
        'upstream read failed',
      );
    }
    return kind;
  }

  /** Forgets parts no longer present (a removed container): it no longer holds the upstream down. */
  retainParts(present: ReadonlySet<string>): void {
    for (const part of this.failing.keys()) if (part && !present.has(part)) this.failing.delete(part);
  }

  report(out: MetricSink, exporter: string): void {
    const l = { exporter, upstream: this.name };
    out.add(up, l, this.up ? 1 : 0);
    for (const kind of ERROR_KINDS) out.add(errors, { ...l, kind }, this.counts.get(kind) ?? 0);
    out.add(lastSuccess, l, this.lastSuccessMs / 1000);
    if (this.lastDurationMs !== undefined) out.add(duration, l, this.lastDurationMs / 1000);
  }
}

/** The upstreams of one exporter; the core reports them after every collection. */
export class UpstreamHealth {
  private readonly upstreams = new Map<string, Upstream>();

  constructor(
    readonly exporter: string,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The upstream `name`, declared on first use: its series exist from then on. */
  upstream(name: string): Upstream {
    let u = this.upstreams.get(name);
    if (!u) this.upstreams.set(name, (u = new Upstream(name, this.logger, this.now)));
    return u;
  }

  /**
   * Forgets the upstreams whose name starts with `prefix` and is not in `present` (vLLM
   * instances whose container is gone): their series go, and the map stays as small as the host.
   */
  retain(prefix: string, present: ReadonlySet<string>): void {
    for (const name of this.upstreams.keys()) {
      if (name.startsWith(prefix) && !present.has(name)) this.upstreams.delete(name);
    }
  }

  /** Stops reporting `name` (an upstream no longer read, e.g. replaced by another). */
  forget(name: string): void {
    this.upstreams.delete(name);
  }

  list(): Upstream[] {
    return [...this.upstreams.values()];
  }

  report(out: MetricSink): void {
    for (const u of this.upstreams.values()) u.report(out, this.exporter);
  }
}
