import { fetchJson } from '@llmmon/metrics-core';
import {
  dailyMetrics,
  healthVersion,
  parsePage,
  score,
  traceSummary,
  type DailyMetrics,
  type Page,
  type Score,
  type TraceSummary,
} from './langfuse';

export interface LangfuseReadOptions {
  readonly url: string;
  readonly publicKey: string;
  readonly secretKey: string;
  readonly timeoutMs: number;
  readonly windowDays: number;
  readonly maxPages: number;
  readonly ingestionDelayMs: number;
  readonly topModels: number;
  readonly topScores: number;
  /** Items per page asked for (Langfuse allows up to 100). */
  readonly pageSize?: number;
  readonly now?: () => number;
}

/** Token, trace and cost totals of one model (or of `other`) over a window. */
export interface ModelTotals {
  traces: number;
  observations: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface WindowTotals {
  /** `today` or `<N>d`. */
  readonly window: string;
  readonly traces: number;
  readonly observations: number;
  readonly costUsd: number;
  /** By model: the top N, `other` for the rest, `unknown` for usage without a model. */
  readonly models: ReadonlyMap<string, ModelTotals>;
}

/** Cumulative since start: a counter never goes down. */
export interface ScoreTotals {
  count: number;
  /** Numeric and boolean scores only (they have a value). */
  valued: number;
  sum: number;
}

/** Upper bounds of the trace latency histogram, in seconds. */
export const LATENCY_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300] as const;
/** Users and sessions count as active for this long after their last trace. */
export const ACTIVE_WINDOW_MS = 3_600_000;
/** Bounds the memory of the active-user and -session sets on a huge project. */
const MAX_ACTIVE_IDS = 200_000;
export const OTHER = 'other';
export const NO_MODEL = 'unknown';

export interface LangfuseState {
  readonly version: string;
  readonly windows: readonly WindowTotals[];
  /** Distinct models in the window, before folding into top N + other. */
  readonly modelsInWindow: number;
  readonly latency: { readonly buckets: readonly number[]; readonly count: number; readonly sum: number };
  readonly tracesRead: number;
  readonly tracesUnread: number;
  readonly activeUsers: number;
  readonly activeSessions: number;
  readonly scores: ReadonlyMap<string, Readonly<ScoreTotals>>;
  /** Polls whose listing was cut at LANGFUSE_MAX_PAGES, by listing. */
  readonly truncated: ReadonlyMap<string, number>;
}

const DAY_MS = 86_400_000;
/** Sums of prices carry float noise (103.16342800000001); Langfuse itself reports 6 decimals. */
const usd = (x: number) => Math.round(x * 1e6) / 1e6;
const utcDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Polls Langfuse: daily metrics for today and the window (read whole each time), and the traces
 * and scores since the last poll (a cursor, so each is counted once into the latency histogram
 * and score totals). A poll changes nothing unless every part of it succeeded; a failed poll
 * leaves the cursor where it was, so the next one reads the gap.
 */
export class LangfuseReader {
  private readonly now: () => number;
  private readonly pageSize: number;
  private readonly auth: string;
  private cursorMs: number | undefined;
  private readonly latencyBuckets = LATENCY_BUCKETS.map(() => 0);
  private latencyCount = 0;
  private latencySum = 0;
  private tracesRead = 0;
  private tracesUnread = 0;
  private readonly users = new Map<string, number>();
  private readonly sessions = new Map<string, number>();
  private readonly scores = new Map<string, ScoreTotals>();
  private readonly truncated = new Map<string, number>();

  constructor(private readonly o: LangfuseReadOptions) {
    this.now = o.now ?? Date.now;
    this.pageSize = o.pageSize ?? 100;
    this.auth = `Basic ${Buffer.from(`${o.publicKey}:${o.secretKey}`).toString('base64')}`;
  }

  async read(signal: AbortSignal): Promise<LangfuseState> {
    const now = this.now();
    const version = healthVersion(await this.get('/api/public/health', {}, signal, false));
    const windowStart = Date.parse(utcDate(now - (this.o.windowDays - 1) * DAY_MS));
    const from = this.cursorMs ?? now - ACTIVE_WINDOW_MS;
    const to = Math.max(from, now - this.o.ingestionDelayMs);
    const range = { fromTimestamp: new Date(from).toISOString(), toTimestamp: new Date(to).toISOString() };
    const [daily, traces, scores] = await Promise.all([
      this.list(
        '/api/public/metrics/daily',
        { fromTimestamp: new Date(windowStart).toISOString() },
        dailyMetrics,
        signal,
      ),
      to > from
        ? this.list('/api/public/traces', { ...range, fields: 'core,metrics' }, traceSummary, signal)
        : empty<TraceSummary>(),
      to > from ? this.list('/api/public/scores', range, score, signal) : empty<Score>(),
    ]);
    // Every part answered: only now does the state move.
    this.cursorMs = to;
    this.countTraces(traces, now);
    this.countScores(scores.items);
    for (const [listing, page] of [
      ['daily', daily],
      ['traces', traces],
      ['scores', scores],
    ] as const) {
      if (page.totalPages > this.o.maxPages)
        this.truncated.set(listing, (this.truncated.get(listing) ?? 0) + 1);
    }
    const days = daily.items.filter((d) => d.date >= utcDate(windowStart) && d.date <= utcDate(now));
    const top = topModels(days, this.o.topModels);
    return {
      version,
      windows: [
        totals(
          'today',
          days.filter((d) => d.date === utcDate(now)),
          top,
        ),
        totals(`${this.o.windowDays}d`, days, top),
      ],
      modelsInWindow: new Set(days.flatMap((d) => d.usage.map((u) => u.model ?? NO_MODEL))).size,
      latency: { buckets: [...this.latencyBuckets], count: this.latencyCount, sum: this.latencySum },
      tracesRead: this.tracesRead,
      tracesUnread: this.tracesUnread,
      activeUsers: activeSince(this.users, now - ACTIVE_WINDOW_MS),
      activeSessions: activeSince(this.sessions, now - ACTIVE_WINDOW_MS),
      scores: new Map([...this.scores].map(([name, s]) => [name, { ...s }])),
      truncated: new Map(this.truncated),
    };
  }

  private countTraces(page: Page<TraceSummary>, now: number): void {
    this.tracesRead += page.items.length;
    this.tracesUnread += Math.max(0, page.totalItems - page.items.length);
    for (const t of page.items) {
      if (t.latencySeconds !== undefined) {
        this.latencyCount++;
        this.latencySum += t.latencySeconds;
        LATENCY_BUCKETS.forEach((bound, i) => {
          if (t.latencySeconds! <= bound) this.latencyBuckets[i]!++;
        });
      }
      if (t.timestampMs < now - ACTIVE_WINDOW_MS) continue;
      if (t.userId) remember(this.users, t.userId, t.timestampMs);
      if (t.sessionId) remember(this.sessions, t.sessionId, t.timestampMs);
    }
  }

  /** Score names keep the slot they got first, so a counter never moves between series. */
  private countScores(scores: readonly Score[]): void {
    for (const s of scores) {
      const name = this.scores.has(s.name) || this.scores.size < this.o.topScores ? s.name : OTHER;
      const totals = this.scores.get(name) ?? { count: 0, valued: 0, sum: 0 };
      totals.count++;
      if (s.value !== undefined) {
        totals.valued++;
        totals.sum += s.value;
      }
      this.scores.set(name, totals);
    }
  }

  /** Pages 1, 2, … until the last one or LANGFUSE_MAX_PAGES; totalPages says whether it was cut. */
  private async list<T>(
    path: string,
    query: Record<string, string>,
    item: Parameters<typeof parsePage<T>>[2],
    signal: AbortSignal,
  ): Promise<Page<T>> {
    const items: T[] = [];
    let last: Page<T> | undefined;
    for (let page = 1; page <= this.o.maxPages; page++) {
      last = parsePage(
        await this.get(path, { ...query, page: String(page), limit: String(this.pageSize) }, signal),
        path,
        item,
      );
      items.push(...last.items);
      if (page >= last.totalPages || last.items.length === 0) break;
    }
    return { items, totalPages: last?.totalPages ?? 0, totalItems: last?.totalItems ?? items.length };
  }

  private get(
    path: string,
    query: Record<string, string>,
    signal: AbortSignal,
    auth = true,
  ): Promise<unknown> {
    const qs = new URLSearchParams(query).toString();
    return fetchJson(`${this.o.url}${path}${qs ? `?${qs}` : ''}`, {
      timeoutMs: this.o.timeoutMs,
      signal,
      headers: auth ? { authorization: this.auth } : {},
      maxBytes: 32 * 1024 * 1024,
    });
  }
}

const empty = <T>(): Promise<Page<T>> => Promise.resolve({ items: [], totalPages: 0, totalItems: 0 });

function remember(ids: Map<string, number>, id: string, atMs: number): void {
  if ((ids.get(id) ?? -Infinity) >= atMs) return;
  ids.set(id, atMs);
  if (ids.size > MAX_ACTIVE_IDS) ids.delete(ids.keys().next().value!);
}

/** Forgets ids last seen before `since`; returns how many remain. */
function activeSince(ids: Map<string, number>, since: number): number {
  for (const [id, at] of ids) if (at < since) ids.delete(id);
  return ids.size;
}

/** The N models with the most tokens over the window (then most traces, then by name). */
function topModels(days: readonly DailyMetrics[], n: number): ReadonlySet<string> {
  const rank = new Map<string, { tokens: number; traces: number }>();
  for (const d of days) {
    for (const u of d.usage) {
      const name = u.model ?? NO_MODEL;
      const r = rank.get(name) ?? { tokens: 0, traces: 0 };
      r.tokens += u.inputTokens + u.outputTokens;
      r.traces += u.traces;
      rank.set(name, r);
    }
  }
  const sorted = [...rank].sort(
    ([a, x], [b, y]) => y.tokens - x.tokens || y.traces - x.traces || (a < b ? -1 : a > b ? 1 : 0),
  );
  return new Set(sorted.slice(0, n).map(([name]) => name));
}

function totals(window: string, days: readonly DailyMetrics[], top: ReadonlySet<string>): WindowTotals {
  const models = new Map<string, ModelTotals>();
  for (const d of days) {
    for (const u of d.usage) {
      const name = u.model ?? NO_MODEL;
      const key = top.has(name) ? name : OTHER;
      const m = models.get(key) ?? {
        traces: 0,
        observations: 0,
        inputTokens: 0,
        outputTokens: 0,
        costUsd: 0,
      };
      m.traces += u.traces;
      m.observations += u.observations;
      m.inputTokens += u.inputTokens;
      m.outputTokens += u.outputTokens;
      m.costUsd += u.costUsd;
      models.set(key, m);
    }
  }
  for (const m of models.values()) m.costUsd = usd(m.costUsd);
  return {
    window,
    traces: days.reduce((s, d) => s + d.traces, 0),
    observations: days.reduce((s, d) => s + d.observations, 0),
    costUsd: usd(days.reduce((s, d) => s + d.costUsd, 0)),
    models,
  };
}
