/**
 * The history view's continuous colour scale: Grafana's default heatmap scheme, "Oranges" (d3's
 * interpolateOranges, from ColorBrewer's nine Oranges), interpolated linearly between its stops.
 * A week of 60–90% utilization then reads as shades, not as one threshold colour.
 */
const ORANGES = [
  '#fff5eb',
  '#fee6ce',
  '#fdd0a2',
  '#fdae6b',
  '#fd8d3c',
  '#f16913',
  '#d94801',
  '#a63603',
  '#7f2704',
];
const RGB = ORANGES.map(
  (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number],
);

/** The colour of `v` on the scale from `min` (lightest) to `max` (darkest); outside, the ends. */
export function scaleColor(v: number, min: number, max: number): string {
  const t = max > min ? Math.min(1, Math.max(0, (v - min) / (max - min))) : 0;
  const x = t * (RGB.length - 1);
  const i = Math.min(RGB.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [RGB[i]!, RGB[i + 1]!];
  return `rgb(${a.map((c, k) => Math.round(c + (b[k]! - c) * f)).join(', ')})`;
}

/** Evenly spaced stops of the scale, lightest first: the legend's gradient. */
export function scaleStops(count = 9): string[] {
  return Array.from({ length: count }, (_, i) => scaleColor(i, 0, count - 1));
}
