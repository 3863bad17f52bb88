import type { ParsedFamily } from './exposition';
import type { Labels, MetricDef, Sample } from './metric';

/**
 * One family of ours filled from an upstream's families (vLLM's, LiteLLM's), which rename
 * their metrics between releases: the first source the upstream exposes wins.
 */
export interface Normalization {
  readonly def: MetricDef;
  /** Upstream family names as parsed, newest first. */
  readonly sources: readonly string[];
  /** Upstream labels kept (by name, or renamed `{upstream: ours}`); every other label is combined away. */
  readonly keep?: readonly string[] | Readonly<Record<string, string>>;
  /** Labels of ours computed from the upstream's (a status code's class), beside the kept ones. */
  readonly derive?: (labels: Readonly<Labels>) => Labels;
  /** How samples that end up with the same labels combine: counts add (default), ratios average. */
  readonly combine?: 'sum' | 'mean';
}

export interface NormalizedFamily {
  readonly def: MetricDef;
  /** The upstream family it was filled from. */
  readonly source: string;
  readonly samples: Sample[];
}

/**
 * The families of `table` from an upstream's parsed families. Each sample's labels are
 * `identity(its labels)` plus the kept and derived ones, plus `le` / `quantile` of histogram and summary
 * parts (whose suffixes carry over: `vllm:x_bucket` → `llmmon_vllm_x_bucket`); samples that
 * end up with the same labels are combined; `_created` samples are left out.
 */
export function normalizeFamilies(
  families: ReadonlyMap<string, ParsedFamily>,
  table: readonly Normalization[],
  identity: (labels: Readonly<Labels>) => Labels,
): NormalizedFamily[] {
  const out: NormalizedFamily[] = [];
  for (const n of table) {
    const source = n.sources.find((s) => (families.get(s)?.samples.length ?? 0) > 0);
    if (!source) continue;
    const keep: [string, string][] = Array.isArray(n.keep)
      ? n.keep.map((k) => [k, k])
      : Object.entries(n.keep ?? {});
    const combined = new Map<string, { name: string; labels: Labels; sum: number; count: number }>();
    for (const s of families.get(source)!.samples) {
      if (s.name.endsWith('_created')) continue;
      const labels = identity(s.labels);
      for (const [from, to] of keep) labels[to] = s.labels[from] ?? '';
      if (n.derive) Object.assign(labels, n.derive(s.labels));
      if (s.labels['le'] !== undefined) labels['le'] = s.labels['le'];
      if (s.labels['quantile'] !== undefined) labels['quantile'] = s.labels['quantile'];
      const name = n.def.name + s.name.slice(source.length);
      const key = `${name}\u0000${Object.values(labels).join('\u0000')}`;
      const c = combined.get(key);
      if (c) {
        c.sum += s.value;
        c.count++;
      } else combined.set(key, { name, labels, sum: s.value, count: 1 });
    }
    out.push({
      def: n.def,
      source,
      samples: [...combined.values()].map((c) => ({
        ...(c.name === n.def.name ? {} : { name: c.name }),
        labels: c.labels,
        value: n.combine === 'mean' ? c.sum / c.count : c.sum,
      })),
    });
  }
  return out;
}
