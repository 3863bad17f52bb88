/**
 * DataFrames → tokens per second per model. One frame per series, as Grafana's Prometheus
 * datasource builds them; a series is input or output by its `direction` label if it has
 * one, else by its query (refId A input, B output), and names its model by the configured
 * label (then model_group, model, the frame's name).
 */
import { FieldType, type DataFrame } from '@grafana/data';
import type { ModelRate, TokenSortKey } from '../types';

type Direction = 'input' | 'output';

function directionOf(frame: DataFrame, labels: Record<string, string>): Direction | undefined {
  const d = labels['direction'];
  if (d === 'input' || d === 'prompt') return 'input';
  if (d === 'output' || d === 'generation') return 'output';
  if (frame.refId === 'A') return 'input';
  if (frame.refId === 'B') return 'output';
  return undefined;
}

function last(times: number[], values: Array<number | null | undefined>): [number, number] | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) return [times[i] ?? 0, v];
  }
  return undefined;
}

export function ratesFromFrames(series: readonly DataFrame[], modelLabel: string): ModelRate[] {
  const seen = new Map<string, { input: number; output: number; lastTime: number }>();
  let newest = -Infinity;
  let step = 0;
  for (const frame of series) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    const times = (time?.values as number[] | undefined) ?? [];
    if (times.length > 1) step = Math.max(step, (times.at(-1)! - times[0]!) / (times.length - 1));
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) continue;
      const labels = field.labels ?? {};
      const direction = directionOf(frame, labels);
      if (!direction) continue;
      const model = labels[modelLabel] ?? labels['model_group'] ?? labels['model'] ?? frame.name ?? 'unknown';
      const reading = last(times, field.values as Array<number | null>);
      const entry = seen.get(model) ?? { input: 0, output: 0, lastTime: -Infinity };
      if (reading) {
        entry[direction] += reading[1];
        entry.lastTime = Math.max(entry.lastTime, reading[0]);
        newest = Math.max(newest, reading[0]);
      }
      seen.set(model, entry);
    }
  }
  // A model whose newest reading is older than two steps before everyone else's went away.
  const cutoff = newest - 2 * step;
  const rates = [...seen].map(([model, e]) => {
    const active = e.lastTime >= cutoff && e.lastTime > -Infinity;
    const input = active ? e.input : 0;
    const output = active ? e.output : 0;
    return { model, input, output, total: input + output, share: 0, active };
  });
  const sum = rates.reduce((a, r) => a + r.total, 0);
  for (const r of rates) r.share = sum > 0 ? r.total / sum : 0;
  return rates;
}

export function sortRates(rates: readonly ModelRate[], by: TokenSortKey, desc: boolean): ModelRate[] {
  const sign = desc ? -1 : 1;
  return [...rates].sort((a, b) => {
    const c = by === 'model' ? a.model.localeCompare(b.model) : a[by] - b[by];
    return sign * c || a.model.localeCompare(b.model);
  });
}

/** 950 tok/s, 12.3k tok/s, 4.56M tok/s. */
export function formatTokens(perSecond: number): string {
  const abs = Math.abs(perSecond);
  if (abs >= 1e6) return `${(perSecond / 1e6).toPrecision(3)}M tok/s`;
  if (abs >= 1e3) return `${(perSecond / 1e3).toPrecision(3)}k tok/s`;
  if (perSecond === 0) return '0 tok/s';
  return `${perSecond >= 100 ? perSecond.toFixed(0) : perSecond.toPrecision(3)} tok/s`;
}
