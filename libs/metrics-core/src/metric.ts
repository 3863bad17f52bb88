/**
 * Metric definitions and the per-collection sample sink.
 *
 * A collector declares its families once (a typed table that drives both collection and
 * documentation) and writes samples into a fresh sink on every collection, so series of
 * vanished devices disappear on the next scrape instead of lingering as stale values.
 */

export type MetricType = 'counter' | 'gauge' | 'untyped' | 'histogram' | 'summary';

export interface MetricDef<L extends string = string> {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labelNames: readonly L[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function define<L extends string>(
  type: MetricType,
  name: string,
  help: string,
  labelNames: readonly L[],
): MetricDef<L> {
  if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name "${name}"`);
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label) || label.startsWith('__')) {
      throw new Error(`invalid label name "${label}" on ${name}`);
    }
  }
  // OpenMetrics requires counter samples to end in _total; catching it here keeps both formats valid.
  if (type === 'counter' && !name.endsWith('_total')) {
    throw new Error(`counter ${name} must end in _total (use untyped for upstream names without it)`);
  }
  return Object.freeze({ name, help, type, labelNames: Object.freeze([...labelNames]) });
}

export const counter = <L extends string = never>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
) => define('counter', name, help, labelNames);
export const gauge = <L extends string = never>(name: string, help: string, labelNames: readonly L[] = []) =>
  define('gauge', name, help, labelNames);
/** For upstream families whose type is unknown or whose names predate conventions (e.g. node_vmstat_*). */
export const untyped = <L extends string = never>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
) => define('untyped', name, help, labelNames);

/**
 * A histogram or summary family, for samples written with `addSample` (its parts carry their
 * own names). Used to re-expose upstream histograms and to fill normalized ones.
 */
export const histogram = <L extends string = never>(
  name: string,
  help: string,
  labelNames: readonly L[] = [],
  type: 'histogram' | 'summary' = 'histogram',
) => define(type, name, help, labelNames);

/**
 * An upstream family re-exposed as it came: its name, help and type are the upstream's, its
 * labels unknown in advance. A counter without the `_total` suffix (allowed in the text format
 * before OpenMetrics) is re-exposed untyped, so the OpenMetrics rendering stays valid.
 */
export function passthrough(name: string, help: string, type: string): MetricDef {
  const known: readonly MetricType[] = ['counter', 'gauge', 'histogram', 'summary'];
  const t = (known as readonly string[]).includes(type) ? (type as MetricType) : 'untyped';
  return define(t === 'counter' && !name.endsWith('_total') ? 'untyped' : t, name, help, []);
}

export type Labels = Record<string, string>;

export interface Sample {
  /** The sample's own name where it differs from the family's (a histogram's _bucket, _sum, _count). */
  readonly name?: string;
  readonly labels: Labels;
  readonly value: number;
}

export interface Family {
  readonly def: MetricDef;
  readonly samples: Sample[];
}

/** Collects the samples of one collector run. Not shared between runs. */
export class MetricSink {
  private readonly byName = new Map<string, Family>();

  add<L extends string>(def: MetricDef<L>, labels: { readonly [K in L]: string }, value: number): void;
  add(def: MetricDef<never>, value: number): void;
  add(def: MetricDef, labelsOrValue: Labels | number, maybeValue?: number): void {
    const labels: Labels = typeof labelsOrValue === 'number' ? {} : labelsOrValue;
    const value = typeof labelsOrValue === 'number' ? labelsOrValue : (maybeValue as number);
    if (def.type === 'counter' && !(value >= 0)) {
      throw new Error(`counter ${def.name} got ${value}; counters are never negative`);
    }
    this.familyFor(def).samples.push({ labels, value });
  }

  /** Every sample of a histogram from its counts: `_bucket` per bound and +Inf, `_sum`, `_count`. */
  addHistogram(def: MetricDef, labels: Labels, h: HistogramCounts): void {
    for (const s of histogramSamples(def, labels, h)) this.familyFor(def).samples.push(s);
  }

  /** A sample with its own name (histogram parts) or labels unknown in advance (pass-through). */
  addSample(def: MetricDef, sample: Sample): void {
    this.familyFor(def).samples.push(sample);
  }

  /** The family of `def`, created on first use; one name never carries two types. */
  private familyFor(def: MetricDef): Family {
    let family = this.byName.get(def.name);
    if (!family) {
      family = { def, samples: [] };
      this.byName.set(def.name, family);
    } else if (family.def.type !== def.type) {
      throw new Error(`metric ${def.name} emitted as both ${family.def.type} and ${def.type}`);
    }
    return family;
  }

  families(): Family[] {
    return [...this.byName.values()];
  }
}

/** A histogram's running counts: observations per upper bound (cumulative), their sum and count. */
export interface HistogramCounts {
  /** Upper bounds, ascending (+Inf is implied by `count`). */
  readonly bounds: readonly number[];
  /** Observations ≤ each bound (cumulative, as the exposition format counts them). */
  readonly buckets: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** Adds one observation to mutable counts (kept by readers that build histograms from records). */
export function observe(
  h: { bounds: readonly number[]; buckets: number[]; sum: number; count: number },
  value: number,
): void {
  h.count++;
  h.sum += value;
  h.bounds.forEach((le, i) => {
    if (value <= le) h.buckets[i]!++;
  });
}

/** The exposition samples of a histogram: `_bucket` per bound and +Inf, `_sum`, `_count`. */
export function histogramSamples(def: MetricDef, labels: Labels, h: HistogramCounts): Sample[] {
  return [
    ...h.bounds.map((le, i) => ({
      name: `${def.name}_bucket`,
      labels: { ...labels, le: String(le) },
      value: h.buckets[i]!,
    })),
    { name: `${def.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: h.count },
    { name: `${def.name}_sum`, labels, value: h.sum },
    { name: `${def.name}_count`, labels, value: h.count },
  ];
}
