/** A cumulative histogram with fixed upper bounds, as Prometheus exposes them. */
export class Histogram {
  /** counts[i] = observations <= bounds[i] (not cumulative here; cumulated when read). */
  private readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  /** Records `times` observations of `value`. */
  observe(value: number, times = 1): void {
    if (times <= 0) return;
    const i = this.bounds.findIndex((b) => value <= b);
    if (i >= 0) this.counts[i]! += times;
    this.sum += value * times;
    this.count += times;
  }

  /** Cumulative counts per bound, then the +Inf bucket (= count). */
  cumulative(): number[] {
    let running = 0;
    return [...this.counts.map((c) => (running += c)), this.count];
  }
}

/** vLLM's bucket bounds (vllm/v1/metrics/loggers.py), shared by V0 and V1 for these three. */
export const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
  80.0, 160.0, 640.0, 2560.0,
];
export const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0,
];
export const E2E_BUCKETS = [
  0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0,
  960.0, 1920.0, 7680.0,
];
