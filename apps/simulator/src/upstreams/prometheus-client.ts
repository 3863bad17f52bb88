/**
 * The text format as Python's prometheus_client writes it (what vLLM and LiteLLM serve): labels sorted,
 * floats as Python's repr passed through floatToGoString (`184392.0`, `3.67820325e+08`, and
 * its `1.38123597824e+011` quirk), `+Inf`, and `_created` gauges beside counters and
 * histograms in single-process mode. Written here, apart from the exporters' parser, so a
 * bug cannot hide on both sides.
 */

/** Python's repr() of a float. */
export function pythonRepr(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (!Number.isFinite(d)) return d > 0 ? 'inf' : '-inf';
  const abs = Math.abs(d);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    // Python: 1e+16, 1.5e-05 (at least two exponent digits).
    const [mantissa, exp = '0'] = d.toExponential().split('e');
    const sign = exp.startsWith('-') ? '-' : '+';
    return `${mantissa}e${sign}${exp.replace(/^[-+]/, '').padStart(2, '0')}`;
  }
  const s = String(d);
  return Number.isInteger(d) ? `${s}.0` : s;
}

/** prometheus_client's floatToGoString. */
export function floatToGoString(d: number): string {
  if (d === Infinity) return '+Inf';
  if (d === -Infinity) return '-Inf';
  if (Number.isNaN(d)) return 'NaN';
  const s = pythonRepr(d);
  const dot = s.indexOf('.');
  if (d > 0 && dot > 6) {
    const mantissa = `${s[0]}.${s.slice(1, dot)}${s.slice(dot + 1)}`.replace(/[0.]+$/, '');
    return `${mantissa}e+0${dot - 1}`;
  }
  return s;
}

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export function sample(name: string, labels: Record<string, string>, value: number): string {
  const keys = Object.keys(labels).sort();
  const text = keys.map((k) => `${k}="${escape(labels[k]!)}"`).join(',');
  return `${name}${text ? `{${text}}` : ''} ${floatToGoString(value)}`;
}

export function header(name: string, type: string, help: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}`;
}

/** A metric family as vLLM's and LiteLLM's fixtures define it (plain data in each families.ts). */
export interface PromFamily {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
  readonly constLabels?: Readonly<Record<string, string>>;
}

/** `_bucket` lines for each bound and +Inf, then `_count` and `_sum`, as prometheus_client writes them. */
export function histogramSamples(
  name: string,
  labels: Record<string, string>,
  bounds: readonly number[],
  cumulative: readonly number[],
  count: number,
  sum: number,
): string[] {
  return [
    ...bounds.map((b, i) => sample(`${name}_bucket`, { ...labels, le: floatToGoString(b) }, cumulative[i]!)),
    sample(`${name}_bucket`, { ...labels, le: '+Inf' }, count),
    sample(`${name}_count`, labels, count),
    sample(`${name}_sum`, labels, sum),
  ];
}
