/**
 * DataFrames → GPUs. The panel reads only `data.series`, as Grafana's Prometheus datasource
 * builds it: one frame per series, a time field and a number field carrying the series'
 * labels. Which reading a series is comes from its metric name (`__name__`, present for the
 * exporter's own series) or else from its query's refId (A utilization, B memory share,
 * C temperature, D power, E memory used, F memory total, G GPU memory per container, H the health
 * state: `llmmon_gpu_health == 1`, whose comparison drops the name, I the MIG mode).
 */
import { FieldType, type DataFrame, type Field } from '@grafana/data';
import type { GpuContainer, GpuMetric, GpuState } from '../types';

type Role =
  | 'utilization'
  | 'memoryRatio'
  | 'temperature'
  | 'power'
  | 'memoryUsed'
  | 'memoryTotal'
  | 'containers'
  | 'health'
  | 'mig'
  | 'info';

const BY_NAME: Record<string, Role> = {
  llmmon_gpu_utilization_ratio: 'utilization',
  'instance_gpu:llmmon_gpu_memory_used:ratio': 'memoryRatio',
  llmmon_gpu_temperature_celsius: 'temperature',
  llmmon_gpu_power_watts: 'power',
  llmmon_gpu_memory_used_bytes: 'memoryUsed',
  llmmon_gpu_memory_total_bytes: 'memoryTotal',
  llmmon_gpu_container_memory_used_bytes: 'containers',
  llmmon_gpu_info: 'info',
  llmmon_gpu_health: 'health',
  llmmon_gpu_mig_mode: 'mig',
};

const BY_REF_ID: Record<string, Role> = {
  A: 'utilization',
  B: 'memoryRatio',
  C: 'temperature',
  D: 'power',
  E: 'memoryUsed',
  F: 'memoryTotal',
  G: 'containers',
  H: 'health',
  I: 'mig',
};

/** The states GpuUnhealthy pages for: the GPU is out of service, whatever its last readings. */
const FAILING = new Set(['lost', 'reset_required', 'unknown_error', 'row_remap_failed']);
export const isFailing = (g: GpuState) => g.health !== undefined && FAILING.has(g.health);

/** The reading a metric option colours by. */
export const METRIC_ROLE: Record<GpuMetric, 'utilization' | 'memoryRatio' | 'temperature' | 'power'> = {
  utilization: 'utilization',
  memory: 'memoryRatio',
  temperature: 'temperature',
  power: 'power',
};

function roleOf(frame: DataFrame, field: Field): Role | undefined {
  const name = field.labels?.['__name__'];
  if (name && BY_NAME[name]) return BY_NAME[name];
  return frame.refId ? BY_REF_ID[frame.refId] : undefined;
}

/** The newest finite value of a field (NaN and nulls skipped: a gap is not a reading). */
export function lastValue(field: Field): number | undefined {
  const values = field.values as Array<number | null | undefined>;
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return undefined;
}

const byNumber = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * GPUs sorted by host, then index (numerically: 2 before 10), each with what the frames say
 * about it. A GPU is its host and index: at a fleet's centre every host has a GPU 0.
 */
export function gpusFromFrames(series: readonly DataFrame[], metric: GpuMetric): GpuState[] {
  const gpus = new Map<string, GpuState>();
  const gpu = (index: string, host: string | undefined): GpuState => {
    const key = host === undefined ? index : `${host}/${index}`;
    let g = gpus.get(key);
    if (!g) {
      g = { index, key, ...(host === undefined ? {} : { host }), containers: [], history: [], failedAt: [] };
      gpus.set(key, g);
    }
    return g;
  };
  const historyRole = METRIC_ROLE[metric];
  for (const frame of series) {
    const time = frame.fields.find((f) => f.type === FieldType.time);
    for (const field of frame.fields) {
      if (field.type !== FieldType.number) continue;
      const index = field.labels?.['gpu'];
      const role = roleOf(frame, field);
      if (index === undefined || role === undefined) continue;
      const g = gpu(index, field.labels?.['host'] || undefined);
      const value = lastValue(field);
      if (role === 'info') {
        g.name = field.labels?.['name'] ?? g.name;
        continue;
      }
      if (role === 'health') {
        const state = field.labels?.['state'];
        if (state && value === 1) g.health = state;
        // Over the range too, for the history view: when it was failing, whatever it reads now.
        if (state && FAILING.has(state) && time) {
          const values = field.values as Array<number | null>;
          (time.values as number[]).forEach((t, i) => values[i] === 1 && g.failedAt.push([t, state]));
        }
        continue;
      }
      if (role === 'mig') {
        g.mig = value === 1;
        continue;
      }
      if (role === 'containers') {
        const name = field.labels?.['container'];
        if (name && value !== undefined && value > 0) g.containers.push({ name, bytes: value });
        continue;
      }
      if (value !== undefined) g[role] = value;
      if (role === historyRole && time) {
        const values = field.values as Array<number | null>;
        const times = time.values as number[];
        g.history = times
          .map((t, i): [number, number] => [t, values[i] as number])
          .filter(([, v]) => typeof v === 'number' && Number.isFinite(v));
      }
    }
  }
  for (const g of gpus.values()) {
    if (g.memoryRatio === undefined && g.memoryUsed !== undefined && g.memoryTotal)
      g.memoryRatio = g.memoryUsed / g.memoryTotal;
    g.containers.sort((a: GpuContainer, b: GpuContainer) => b.bytes - a.bytes);
  }
  return [...gpus.values()].sort(
    (a, b) => byNumber(a.host ?? '', b.host ?? '') || byNumber(a.index, b.index),
  );
}

/** The GPUs by host, in order; one group (host undefined) where the data names no host. */
export function groupByHost(gpus: readonly GpuState[]): Array<{ host?: string; gpus: GpuState[] }> {
  const groups: Array<{ host?: string; gpus: GpuState[] }> = [];
  for (const g of gpus) {
    const last = groups.at(-1);
    if (last && last.host === g.host) last.gpus.push(g);
    else groups.push({ ...(g.host === undefined ? {} : { host: g.host }), gpus: [g] });
  }
  return groups;
}

/** The value a GPU is coloured by. */
export function metricValue(g: GpuState, metric: GpuMetric): number | undefined {
  return g[METRIC_ROLE[metric]];
}

/** Columns and rows for `count` cells in a width × height box, cells as square as they can be. */
export function gridShape(count: number, width: number, height: number): { columns: number; rows: number } {
  if (count <= 0) return { columns: 0, rows: 0 };
  let best = { columns: count, rows: 1, score: Infinity };
  for (let columns = 1; columns <= count; columns++) {
    const rows = Math.ceil(count / columns);
    const aspect = width / columns / (height / rows);
    // Cells a little wider than tall read best (index, value, bar, containers); empty
    // cells in the last row are wasted room.
    const score = Math.abs(Math.log(aspect / 1.4)) + (columns * rows - count) / count;
    if (score < best.score) best = { columns, rows, score };
  }
  return { columns: best.columns, rows: best.rows };
}

/** The link for a GPU: `${gpu}`, `${host}` and `${container}` replaced (URL-encoded). */
export function gpuLink(template: string, g: GpuState): string | undefined {
  if (!template) return undefined;
  const container = g.containers[0]?.name ?? '';
  if (template.includes('${container}') && !container) return undefined;
  return template
    .replaceAll('${gpu}', encodeURIComponent(g.index))
    .replaceAll('${host}', encodeURIComponent(g.host ?? ''))
    .replaceAll('${container}', encodeURIComponent(container));
}
