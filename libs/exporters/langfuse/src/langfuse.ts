/** What Langfuse's public API (v3) answers, checked and reduced to what the exporter uses. */
import { ParseError } from '@llmmon/metrics-core';

/** One model's usage on one day, from /api/public/metrics/daily (`model` null: no model, e.g. spans). */
export interface ModelUsage {
  readonly model: string | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly traces: number;
  readonly observations: number;
  readonly costUsd: number;
}

export interface DailyMetrics {
  /** YYYY-MM-DD, UTC. */
  readonly date: string;
  readonly traces: number;
  readonly observations: number;
  readonly costUsd: number;
  readonly usage: readonly ModelUsage[];
}

export interface TraceSummary {
  readonly timestampMs: number;
  /** Seconds from the trace's first to its last observation; undefined while unknown. */
  readonly latencySeconds: number | undefined;
  readonly userId: string | undefined;
  readonly sessionId: string | undefined;
}

export interface Score {
  readonly name: string;
  readonly dataType: string;
  /** Numeric and boolean scores; categorical ones have none. */
  readonly value: number | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly totalPages: number;
  readonly totalItems: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(o: Json, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new ParseError(`${where}.${key}: expected a number`);
  return v;
}

/** Numbers Langfuse may leave out or null (e.g. cost of a model without a price). */
const optionalNum = (o: Json, key: string): number | undefined =>
  typeof o[key] === 'number' && Number.isFinite(o[key]) ? o[key] : undefined;

const optionalString = (o: Json, key: string): string | undefined =>
  typeof o[key] === 'string' && o[key] !== '' ? o[key] : undefined;

/** Langfuse's `{data: [...], meta: {page, limit, totalItems, totalPages}}`. */
export function parsePage<T>(body: unknown, what: string, item: (o: Json, where: string) => T): Page<T> {
  if (!isObject(body) || !Array.isArray(body['data']) || !isObject(body['meta'])) {
    throw new ParseError(`${what}: expected {data: [...], meta: {...}}`);
  }
  const meta = body['meta'];
  return {
    items: body['data'].map((o, i) => {
      if (!isObject(o)) throw new ParseError(`${what}.data[${i}]: expected an object`);
      return item(o, `${what}.data[${i}]`);
    }),
    totalPages: num(meta, 'totalPages', `${what}.meta`),
    totalItems: num(meta, 'totalItems', `${what}.meta`),
  };
}

export function dailyMetrics(o: Json, where: string): DailyMetrics {
  const date = o['date'];
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(date))
    throw new ParseError(`${where}.date: expected YYYY-MM-DD`);
  const usage = o['usage'];
  if (!Array.isArray(usage)) throw new ParseError(`${where}.usage: expected an array`);
  return {
    date: date.slice(0, 10),
    traces: num(o, 'countTraces', where),
    observations: num(o, 'countObservations', where),
    costUsd: optionalNum(o, 'totalCost') ?? 0,
    usage: usage.map((u, i) => {
      const at = `${where}.usage[${i}]`;
      if (!isObject(u)) throw new ParseError(`${at}: expected an object`);
      const model = u['model'];
      if (model !== null && typeof model !== 'string')
        throw new ParseError(`${at}.model: expected a string or null`);
      return {
        model: model || null,
        inputTokens: optionalNum(u, 'inputUsage') ?? 0,
        outputTokens: optionalNum(u, 'outputUsage') ?? 0,
        traces: num(u, 'countTraces', at),
        observations: num(u, 'countObservations', at),
        costUsd: optionalNum(u, 'totalCost') ?? 0,
      };
    }),
  };
}

export function traceSummary(o: Json, where: string): TraceSummary {
  const timestampMs = Date.parse(String(o['timestamp']));
  if (Number.isNaN(timestampMs)) throw new ParseError(`${where}.timestamp: expected an ISO 8601 datetime`);
  const latency = optionalNum(o, 'latency');
  return {
    timestampMs,
    latencySeconds: latency !== undefined && latency >= 0 ? latency : undefined,
    userId: optionalString(o, 'userId'),
    sessionId: optionalString(o, 'sessionId'),
  };
}

export function score(o: Json, where: string): Score {
  const name = o['name'];
  if (typeof name !== 'string' || name === '') throw new ParseError(`${where}.name: expected a string`);
  return { name, dataType: optionalString(o, 'dataType') ?? 'NUMERIC', value: optionalNum(o, 'value') };
}

/** /api/public/health: `{status: "OK", version}`; anything else is not healthy. */
export function healthVersion(body: unknown): string {
  if (!isObject(body) || body['status'] !== 'OK')
    throw new ParseError('/api/public/health: status is not OK');
  return typeof body['version'] === 'string' ? body['version'] : 'unknown';
}
