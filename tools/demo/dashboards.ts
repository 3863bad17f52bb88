/**
 * Reads the provisioned dashboards (infra/grafana/dashboards/**.json) the way Grafana does, for
 * the validation test: every panel's queries, every variable, every link, and the query text
 * Grafana would send once it has replaced the variables.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './run-demo';

export const DASHBOARD_DIR = join(ROOT, 'infra/grafana/dashboards');

/** Queries of MIG devices only: they have series where a GPU is in MIG mode, none elsewhere. */
export const MIG_ONLY = /llmmon_gpu_mig_(memory|device)|mig_instance!=""/;

interface DataSourceRef {
  type?: string;
  uid?: string;
}

export interface Target {
  refId: string;
  expr: string;
  instant?: boolean;
  datasource?: DataSourceRef;
}

export interface Panel {
  id: number;
  type: string;
  title: string;
  /** A relative range replacing the dashboard's (e.g. "6h"). */
  timeFrom?: string;
  datasource?: DataSourceRef;
  targets?: Target[];
  fieldConfig?: { defaults: { unit?: string; links?: { url: string }[] } };
  options?: Record<string, unknown>;
  panels?: Panel[];
}

export interface Variable {
  type: string;
  name: string;
  query?: string | { query: string };
  datasource?: DataSourceRef;
  current?: { value: string | string[] };
  includeAll?: boolean;
  allValue?: string;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  links: { type: string; url?: string }[];
  annotations: { list: { datasource?: DataSourceRef }[] };
  time: { from: string; to: string };
}

export interface LoadedDashboard {
  file: string;
  dashboard: Dashboard;
}

export function loadDashboards(dir = DASHBOARD_DIR): LoadedDashboard[] {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
  return files.sort().map((f) => ({
    file: relative(DASHBOARD_DIR, join(dir, f)),
    dashboard: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Dashboard,
  }));
}

/** Every panel, rows' collapsed panels included. */
export function panelsOf(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

/** The PromQL or LogQL text a variable query runs (`label_values(metric, label)`). */
export function variableQuery(v: Variable): string {
  return typeof v.query === 'object' ? v.query.query : (v.query ?? '');
}

/** A variable's value as Grafana starts the dashboard: its current value, All as its allValue. */
export function defaultValue(v: Variable): string {
  const current = v.current?.value;
  const value = Array.isArray(current) ? current[0] : current;
  if (value === '$__all') return v.allValue ?? '.*';
  return value ?? '';
}

/** Grafana's interval rounding (rangeutil.roundInterval), so steps match what a browser sends. */
export function roundInterval(seconds: number): number {
  const ladder: [number, number][] = [
    [0.015, 0.01],
    [0.035, 0.02],
    [0.075, 0.05],
    [0.15, 0.1],
    [0.35, 0.2],
    [0.75, 0.5],
    [1.5, 1],
    [3.5, 2],
    [7.5, 5],
    [12.5, 10],
    [17.5, 15],
    [25, 20],
    [45, 30],
    [90, 60],
    [210, 120],
    [450, 300],
    [750, 600],
    [1050, 900],
    [1500, 1200],
    [2700, 1800],
    [5400, 3600],
    [9000, 7200],
    [16200, 10800],
    [32400, 21600],
    [86400, 43200],
    [604800, 86400],
    [1814400, 604800],
  ];
  for (const [below, value] of ladder) if (seconds < below) return value;
  return 2592000;
}

export interface QueryWindow {
  /** Seconds the dashboard's time range spans. */
  range: number;
  /** The datasource's scrape interval (Grafana's `timeInterval`), seconds. */
  scrapeInterval: number;
  /** Points Grafana asks for (roughly the panel's width in pixels). */
  maxDataPoints?: number;
}

/** The step Grafana sends for a range query: range / max data points, rounded, at least the scrape interval. */
export function stepFor(w: QueryWindow): number {
  return Math.max(roundInterval(w.range / (w.maxDataPoints ?? 1000)), w.scrapeInterval);
}

const REGEX_SPECIAL = /[\\^$*+?.()|{}[\]]/g;

/**
 * The query as Grafana's Prometheus datasource sends it: template variables replaced (a chosen
 * value regex-escaped, as Grafana does for multi-value variables; All as `.*`), and the
 * built-in interval variables computed from the window.
 */
export function interpolate(expr: string, values: Record<string, string>, w: QueryWindow): string {
  const step = stepFor(w);
  const builtins: Record<string, string> = {
    __rate_interval: `${Math.max(step + w.scrapeInterval, 4 * w.scrapeInterval)}s`,
    __interval: `${step}s`,
    __range: `${Math.round(w.range)}s`,
    __range_s: String(Math.round(w.range)),
    __auto: `${step}s`,
  };
  return expr.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      if (name in builtins) return builtins[name]!;
      if (!(name in values)) throw new Error(`no value for $${name} in ${expr}`);
      return values[name]!;
    },
  );
}

/** A chosen (non-All) value, escaped the way Grafana escapes it inside a PromQL regex matcher. */
export function chosenValue(value: string): string {
  return value.replace(REGEX_SPECIAL, '\\\\$&');
}

/** Every `/d/<uid>` a dashboard points at: its links and every panel's data links. */
export function linkedUids(d: Dashboard): string[] {
  const urls = [
    ...d.links.map((l) => l.url ?? ''),
    ...panelsOf(d).flatMap((p) => (p.fieldConfig?.defaults.links ?? []).map((l) => l.url)),
    // Our GPU heatmap's click-through.
    ...panelsOf(d).map((p) => (typeof p.options?.['link'] === 'string' ? p.options['link'] : '')),
  ];
  return urls.flatMap((u) => [...u.matchAll(/\/d\/([\w-]+)/g)].map((m) => m[1]!));
}

export function isLoki(t: Target, p: Panel): boolean {
  return (t.datasource ?? p.datasource)?.type === 'loki';
}

/** One panel query, with where it comes from. */
export interface PanelQuery {
  dashboard: Dashboard;
  panel: Panel;
  target: Target;
}

export const queryName = (q: PanelQuery) => `${q.dashboard.uid} / ${q.panel.title} / ${q.target.refId}`;

function queries(dashboards: readonly Dashboard[], loki: boolean): PanelQuery[] {
  return dashboards.flatMap((dashboard) =>
    panelsOf(dashboard).flatMap((panel) =>
      (panel.targets ?? [])
        .filter((t) => isLoki(t, panel) === loki)
        .map((target) => ({ dashboard, panel, target })),
    ),
  );
}

/** Every Prometheus query of the dashboards' panels. */
export const prometheusQueries = (dashboards: readonly Dashboard[]) => queries(dashboards, false);
/** Every LogQL query of the dashboards' panels (Loki cannot run here: they are parsed only). */
export const lokiQueries = (dashboards: readonly Dashboard[]) => queries(dashboards, true);

/** Variable values as the dashboard opens: each at its default. */
export function defaultValues(d: Dashboard): Record<string, string> {
  return Object.fromEntries(d.templating.list.map((v) => [v.name, defaultValue(v)]));
}

export interface Answer {
  series: number;
  labels: Record<string, string>[];
  /** Last value of each series, by its labels. */
  values: Map<string, number>;
  error?: string;
  /** Prometheus's own count of samples the query held at once (stats=all). */
  peakSamples: number;
  seconds: number;
}

/**
 * Sends a panel query to Prometheus as Grafana would over [end - range, end]: a range query
 * at Grafana's step, or an instant query at `end` for instant targets.
 */
export async function askPrometheus(
  prometheus: string,
  target: Target,
  values: Record<string, string>,
  window: QueryWindow,
  end = Date.now() / 1000,
): Promise<Answer> {
  const expr = interpolate(target.expr, values, window);
  const params = new URLSearchParams({ query: expr, stats: 'all' });
  if (target.instant) params.set('time', String(end));
  else {
    params.set('start', String(end - window.range));
    params.set('end', String(end));
    params.set('step', String(stepFor(window)));
  }
  const started = performance.now();
  const res = await fetch(`${prometheus}/api/v1/${target.instant ? 'query' : 'query_range'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: params,
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: {
      result: { metric: Record<string, string>; value?: [number, string]; values?: [number, string][] }[];
      stats?: { samples?: { peakSamples: number } };
    };
  };
  const seconds = (performance.now() - started) / 1000;
  const result = body.data?.result ?? [];
  return {
    series: result.length,
    labels: result.map((r) => r.metric),
    values: new Map(
      result.map((r) => [JSON.stringify(r.metric), Number((r.value ?? r.values?.at(-1))?.[1])] as const),
    ),
    error: body.status === 'success' ? undefined : `${body.error} (${expr})`,
    peakSamples: body.data?.stats?.samples?.peakSamples ?? 0,
    seconds,
  };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** The range a panel shows for a dashboard range: its own `timeFrom` when shorter. */
export function panelRange(panel: Panel, dashboardRange: number): number {
  const m = /^(\d+)([smhdw])$/.exec(panel.timeFrom ?? '');
  return m ? Math.min(dashboardRange, Number(m[1]) * UNIT_SECONDS[m[2]!]!) : dashboardRange;
}
