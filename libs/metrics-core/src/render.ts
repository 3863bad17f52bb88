import type { ParsedFamily } from './exposition';
import { Registry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { Family } from './metric';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  prometheus: Registry.PROMETHEUS_CONTENT_TYPE,
  openmetrics: Registry.OPENMETRICS_CONTENT_TYPE,
};

/** Picks OpenMetrics only when the scraper asks for it, as Prometheus does. */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  return accept && /application\/openmetrics-text/i.test(accept) ? 'openmetrics' : 'prometheus';
}

const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
// Most values need no escaping: one test instead of three replaces (a scrape escapes thousands).
const NEEDS_ESCAPE = /[\\\n"]/;
const escapeLabel = (s: string) =>
  NEEDS_ESCAPE.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : s;

function formatValue(v: number): string {
  if (Number.isFinite(v)) return String(v);
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

interface Line {
  readonly name?: string | undefined; // sample name when it differs from the family (histogram parts)
  readonly labels: Readonly<Record<string, string | number | undefined>>;
  readonly value: number;
}

function renderFamily(
  name: string,
  help: string,
  type: string,
  lines: readonly Line[],
  format: ExpositionFormat,
): string {
  const om = format === 'openmetrics';
  // OpenMetrics names a counter family without its _total and calls untyped "unknown".
  const familyName = om && type === 'counter' ? name.replace(/_total$/, '') : name;
  const familyType = om && type === 'untyped' ? 'unknown' : type;
  let out = `# HELP ${familyName} ${escapeHelp(help)}\n# TYPE ${familyName} ${familyType}`;
  for (const line of lines) {
    let labels = '';
    for (const key in line.labels) {
      labels += `${labels ? ',' : ''}${key}="${escapeLabel(String(line.labels[key]))}"`;
    }
    out += `\n${line.name ?? name}${labels ? `{${labels}}` : ''} ${formatValue(line.value)}`;
  }
  return out;
}

/** prom-client's JSON form; histogram parts carry their sample name in metricName. */
type PromJson = MetricObjectWithValues<MetricValue<string> & { metricName?: string }>;

/**
 * Renders collected families, then the long-lived prom-client registries (self and process
 * metrics), in the requested format. A family name already rendered is not repeated.
 *
 * Our own writer rather than prom-client's: it renders a system scrape with a fraction of the
 * allocations, and prom-client's OpenMetrics path renames counters in place.
 */
export async function render(
  families: readonly Family[],
  registries: readonly Registry[],
  format: ExpositionFormat,
): Promise<string> {
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const f of families) {
    if (f.samples.length === 0 || seen.has(f.def.name)) continue;
    seen.add(f.def.name);
    parts.push(renderFamily(f.def.name, f.def.help, f.def.type, f.samples, format));
  }
  for (const registry of registries) {
    for (const m of (await registry.getMetricsAsJSON()) as PromJson[]) {
      if (m.values.length === 0 || seen.has(m.name)) continue;
      seen.add(m.name);
      const lines = m.values.map((v) => ({ name: v.metricName, labels: v.labels, value: v.value }));
      parts.push(renderFamily(m.name, m.help, String(m.type), lines, format));
    }
  }
  return format === 'openmetrics' ? `${parts.join('\n')}\n# EOF\n` : `${parts.join('\n\n')}\n`;
}

const TEXT_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * Renders parsed upstream families (see exposition.ts) in the text format, to re-expose them:
 * OpenMetrics-only types become untyped, timestamps are dropped (Prometheus stamps the
 * scrape), families without samples are left out.
 */
export function renderParsed(families: Iterable<ParsedFamily>): string {
  const parts: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    parts.push(
      renderFamily(f.name, f.help, TEXT_TYPES.has(f.type) ? f.type : 'untyped', f.samples, 'prometheus'),
    );
  }
  return parts.length ? `${parts.join('\n')}\n` : '';
}
