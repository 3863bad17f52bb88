/**
 * Per-model traffic for a proxy that does not serve its own Prometheus metrics (the
 * prometheus callback is off): counted from LiteLLM's spend logs (`/spend/logs/v2`, one row
 * per request) through a cursor on the rows' start time. A row is written when its request
 * ends, so each poll re-reads a look-back window behind the cursor and skips the request ids
 * it already counted. The cursor, those ids and the totals are persisted, so a restart
 * neither counts a row twice nor loses the rows written meanwhile.
 */
import {
  BackgroundSnapshot,
  fetchJson,
  histogramSamples,
  type JsonStateFile,
  ParseError,
  type Logger,
  type Sample,
  type Source,
  type UpstreamHealth,
} from '@llmmon/metrics-core';
import { statusClass, TRAFFIC, type TrafficSamples } from './traffic';

export interface SpendLogOptions {
  readonly url: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  /** Rows are read up to this long ago: LiteLLM writes spend logs in batches. */
  readonly delayMs: number;
  /** How far behind the cursor each poll re-reads, for rows written late (long requests). */
  readonly lookbackMs: number;
  readonly maxPages: number;
  /** The persisted cursor and totals; undefined keeps them in memory only. */
  readonly stateFile: JsonStateFile<SpendLogState> | undefined;
  readonly logger: Logger;
  readonly pageSize?: number;
  readonly now?: () => number;
}

/** Upper bounds of the request latency histogram rebuilt from the rows, in seconds. */
export const SPEND_LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300] as const;
/** Model groups and exception classes past these counts are summed under "other". */
const MAX_GROUPS = 200;
const MAX_CLASSES = 50;

interface GroupTotals {
  requests: Record<string, number>;
  failures: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  spendUsd: number;
  latencyBuckets: number[];
  latencyCount: number;
  latencySum: number;
}

/** What is persisted: where the counting stands, and everything counted so far. */
export interface SpendLogState {
  readonly version: 2;
  /** The proxy these totals belong to: another URL starts afresh. */
  readonly url: string;
  /** Rows starting before this instant (ms) were read. */
  cursorMs: number;
  /** The last poll was cut at the page limit here: the next one continues from it, without look-back. */
  resumeFromMs?: number;
  /** Request ids counted within the look-back window, with their start (ms). */
  seen: Record<string, number>;
  groups: Record<string, GroupTotals>;
  /** Rows whose time could not be read, or past the group or class caps. */
  skippedRows: number;
}

/** One spend-log row, reduced to what is counted. */
interface Row {
  readonly id: string | undefined;
  readonly startMs: number;
  readonly endMs: number;
  readonly group: string;
  readonly ok: boolean;
  readonly statusCode: string;
  readonly errorClass: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly spend: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
/** LiteLLM writes times as ISO 8601 with or without a zone; without one they are UTC. */
const timeOf = (v: unknown) =>
  typeof v === 'string' ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`) : NaN;
/** `YYYY-MM-DD HH:MM:SS` in UTC: the format /spend/logs/v2 takes. */
const litellmTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

function parseRow(o: Json): Row | undefined {
  const startMs = timeOf(o['startTime']);
  if (Number.isNaN(startMs)) return undefined;
  const endMs = timeOf(o['endTime']);
  const meta = isObject(o['metadata']) ? o['metadata'] : {};
  const error = isObject(meta['error_information']) ? meta['error_information'] : {};
  const ok = (o['status'] ?? meta['status'] ?? 'success') !== 'failure';
  const errorClass = typeof error['error_class'] === 'string' && /^\w{1,80}$/.test(error['error_class']);
  const code = String(error['error_code'] ?? '');
  return {
    id: typeof o['request_id'] === 'string' && o['request_id'] !== '' ? o['request_id'] : undefined,
    startMs,
    endMs: Number.isNaN(endMs) ? startMs : endMs,
    group: String(o['model_group'] || o['model'] || 'unknown'),
    ok,
    statusCode: ok ? '200' : /^\d{3}$/.test(code) ? code : 'unknown',
    errorClass: errorClass ? (error['error_class'] as string) : 'unknown',
    promptTokens: count(o['prompt_tokens']),
    completionTokens: count(o['completion_tokens']),
    spend: count(typeof o['spend'] === 'string' ? Number(o['spend']) : o['spend']),
  };
}

const emptyTotals = (): GroupTotals => ({
  requests: {},
  failures: {},
  inputTokens: 0,
  outputTokens: 0,
  spendUsd: 0,
  latencyBuckets: SPEND_LATENCY_BUCKETS.map(() => 0),
  latencyCount: 0,
  latencySum: 0,
});

export class SpendLogReader {
  private readonly now: () => number;
  private state: SpendLogState;

  constructor(private readonly o: SpendLogOptions) {
    this.now = o.now ?? Date.now;
    this.state = this.restore() ?? {
      version: 2,
      url: o.url,
      // Counting starts now (the first look-back window aside): older history is not imported.
      cursorMs: Math.floor((this.now() - o.delayMs) / 1000) * 1000,
      seen: {},
      groups: {},
      skippedRows: 0,
    };
  }

  /**
   * Rows from the look-back window behind the cursor up to (now - delay), page by page; the
   * cursor and totals move only when every page was read.
   */
  async read(signal: AbortSignal): Promise<TrafficSamples[]> {
    const to = Math.floor((this.now() - this.o.delayMs) / 1000) * 1000; // whole seconds, as the API takes them
    const from = this.state.resumeFromMs ?? this.state.cursorMs - Math.ceil(this.o.lookbackMs / 1000) * 1000;
    if (to <= from) return this.samples();
    const rows: Row[] = [];
    let skipped = 0;
    let cutAt: number | undefined;
    for (let page = 1; ; page++) {
      const body = await fetchJson(
        `${this.o.url}/spend/logs/v2?${new URLSearchParams({
          start_date: litellmTime(from),
          end_date: litellmTime(to),
          page: String(page),
          page_size: String(this.o.pageSize ?? 100),
          sort_by: 'startTime',
          sort_order: 'asc',
        })}`,
        {
          timeoutMs: this.o.timeoutMs,
          signal,
          headers: { authorization: `Bearer ${this.o.apiKey}` },
          maxBytes: 64 * 1024 * 1024,
        },
      );
      if (!isObject(body) || !Array.isArray(body['data']))
        throw new ParseError('/spend/logs/v2: expected {data: [...], total_pages}');
      for (const item of body['data']) {
        const row = isObject(item) ? parseRow(item) : undefined;
        if (row) rows.push(row);
        else skipped++;
      }
      const pages = count(body['total_pages']);
      if (page >= pages || body['data'].length === 0) break;
      if (page >= this.o.maxPages) {
        // The rest is read next time, from the last whole second read.
        cutAt = Math.floor(Math.max(...rows.map((r) => r.startMs)) / 1000) * 1000;
        break;
      }
    }
    // Cut short: counted up to the last whole second read, and the next poll resumes there
    // (at least one second on: more rows in one second than the page limit cannot stall it).
    const until = cutAt === undefined ? to : Math.min(to, Math.max(cutAt, from + 1000));
    const next = structuredClone(this.state);
    next.skippedRows += skipped;
    for (const r of rows) {
      if (r.startMs < from || r.startMs >= until) continue; // another read's
      // Without an id a row cannot be recognized again: only the first read past the cursor counts it.
      if (r.id === undefined ? r.startMs < this.state.cursorMs : next.seen[r.id] !== undefined) continue;
      if (r.id !== undefined) next.seen[r.id] = r.startMs;
      const group = next.groups[r.group] || Object.keys(next.groups).length < MAX_GROUPS ? r.group : 'other';
      const g = (next.groups[group] ??= emptyTotals());
      g.requests[r.statusCode] = (g.requests[r.statusCode] ?? 0) + 1;
      if (!r.ok) {
        const cls =
          g.failures[r.errorClass] || Object.keys(g.failures).length < MAX_CLASSES ? r.errorClass : 'other';
        g.failures[cls] = (g.failures[cls] ?? 0) + 1;
      }
      g.inputTokens += r.promptTokens;
      g.outputTokens += r.completionTokens;
      g.spendUsd += r.spend;
      const seconds = Math.max(0, (r.endMs - r.startMs) / 1000);
      g.latencyCount++;
      g.latencySum += seconds;
      SPEND_LATENCY_BUCKETS.forEach((le, i) => {
        if (seconds <= le) g.latencyBuckets[i]!++;
      });
    }
    next.cursorMs = Math.max(next.cursorMs, until);
    next.resumeFromMs = until < to ? until : undefined;
    for (const [id, start] of Object.entries(next.seen))
      if (start < next.cursorMs - this.o.lookbackMs) delete next.seen[id];
    this.persist(next);
    this.state = next;
    return this.samples();
  }

  /** Rows that could not be counted (no start time). */
  get skippedRows(): number {
    return this.state.skippedRows;
  }

  /** The totals as the same families the proxy's /metrics would give. */
  samples(): TrafficSamples[] {
    const [requests, failures, input, output, spend, latency] = TRAFFIC.map((t) => t.def);
    const out = new Map<string, Sample[]>(TRAFFIC.map((t) => [t.def.name, []]));
    const push = (name: string, s: Sample) => out.get(name)!.push(s);
    for (const [model_group, g] of Object.entries(this.state.groups)) {
      // Counted by status code (and failures by exception class, for the log); exposed by class.
      const byClass = new Map<string, number>();
      for (const [code, n] of Object.entries(g.requests))
        byClass.set(statusClass(code), (byClass.get(statusClass(code)) ?? 0) + n);
      for (const [status_class, n] of byClass)
        push(requests!.name, { labels: { model_group, status_class }, value: n });
      const failed = Object.values(g.failures).reduce((a, n) => a + n, 0);
      if (failed > 0) push(failures!.name, { labels: { model_group }, value: failed });
      push(input!.name, { labels: { model_group }, value: g.inputTokens });
      push(output!.name, { labels: { model_group }, value: g.outputTokens });
      push(spend!.name, { labels: { model_group }, value: g.spendUsd });
      const h = {
        bounds: SPEND_LATENCY_BUCKETS,
        buckets: g.latencyBuckets,
        sum: g.latencySum,
        count: g.latencyCount,
      };
      for (const sample of histogramSamples(latency!, { model_group }, h)) push(latency!.name, sample);
    }
    return TRAFFIC.filter((t) => out.get(t.def.name)!.length > 0).map((t) => ({
      def: t.def,
      source: 'spend_logs',
      samples: out.get(t.def.name)!,
    }));
  }

  private restore(): SpendLogState | undefined {
    return this.o.stateFile?.load(
      (s): s is SpendLogState =>
        isObject(s) &&
        s['version'] === 2 &&
        s['url'] === this.o.url &&
        typeof s['cursorMs'] === 'number' &&
        isObject(s['groups']),
    );
  }

  /**
   * Written before the new totals are served: a crash after it loses nothing, counts nothing
   * twice. An unwritable file is logged once; counting goes on in memory.
   */
  private persist(s: SpendLogState): void {
    this.o.stateFile?.save(s);
  }
}

/**
 * Spend-log traffic as a source that starts only when the collector decides traffic comes
 * from the spend logs (configured so, or the proxy's /metrics answers 404): until then no
 * upstream `litellm_spend_logs` is read or reported.
 */
export class SpendLogSource implements Source {
  readonly name = 'litellm_spend_logs';
  private snapshot: BackgroundSnapshot<TrafficSamples[]> | undefined;

  constructor(
    readonly reader: SpendLogReader,
    private readonly o: { upstreams: UpstreamHealth; pollMs: number },
  ) {}

  start(): void {
    // Started by use().
  }

  /** The polling snapshot, started on first use. */
  use(): BackgroundSnapshot<TrafficSamples[]> {
    if (!this.snapshot) {
      this.snapshot = new BackgroundSnapshot({
        upstream: this.o.upstreams.upstream(this.name),
        read: (signal) => this.reader.read(signal),
        intervalMs: this.o.pollMs,
        // A poll is several pages: it must end before the next is due.
        timeoutMs: this.o.pollMs * 0.9,
      });
      this.snapshot.start();
    }
    return this.snapshot;
  }

  stop(): void {
    this.snapshot?.stop();
  }
}
