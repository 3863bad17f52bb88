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

type PromJson = MetricObjectWithValues<MetricValue<string>>;

/**
 * Renders collected families plus prom-client's own metrics in the requested format.
 *
 * prom-client formats and escapes; we hand it plain objects built fresh for every render,
 * because its OpenMetrics path renames counters in place (strips `_total`) and would corrupt
 * a long-lived metric for later text-format scrapes.
 */
export async function render(
  families: readonly Family[],
  selfRegistry: Registry,
  format: ExpositionFormat,
): Promise<string> {
  // The typings lack the content-type constructor argument that the implementation takes.
  const registry = new (Registry as unknown as new (contentType: string) => Registry)(CONTENT_TYPES[format]);
  const seen = new Set<string>();
  const register = (name: string, help: string, type: string, values: PromJson['values']) => {
    if (values.length === 0 || seen.has(name)) return;
    seen.add(name);
    const metricType = format === 'openmetrics' && type === 'untyped' ? 'unknown' : type;
    // prom-client strips `_total` from `name` in OpenMetrics mode; get() must report the stripped name.
    const metric = {
      name,
      type: metricType,
      get: () => ({ name: metric.name, help, type: metricType, values, aggregator: 'sum' }),
    };
    registry.registerMetric(metric as never);
  };
  for (const f of families) {
    register(
      f.def.name,
      f.def.help,
      f.def.type,
      f.samples.map((s) => ({ labels: s.labels, value: s.value })),
    );
  }
  for (const m of (await selfRegistry.getMetricsAsJSON()) as PromJson[]) {
    register(m.name, m.help, String(m.type), m.values);
  }
  // prom-client spells NaN "Nan"; Prometheus tolerates it, OpenMetrics parsers do not.
  return (await registry.metrics()).replace(/ Nan$/gm, ' NaN');
}
