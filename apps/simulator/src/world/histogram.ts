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

  /**
   * Cumulative counts at coarser bounds (each must be one of ours), then +Inf: how one
   * set of observations is exposed with another version's buckets.
   */
  cumulativeAt(bounds: readonly number[]): number[] {
    const all = this.cumulative();
    return [
      ...bounds.map((b) => {
        const i = this.bounds.indexOf(b);
        if (i < 0) throw new Error(`bucket ${b} is not one of this histogram's bounds`);
        return all[i]!;
      }),
      this.count,
    ];
  }
}

const union = (...sets: number[][]) => [...new Set(sets.flat())].sort((a, b) => a - b);

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
/** Request phases (queue, prefill, decode, inference) share the end-to-end buckets. */
export const PHASE_BUCKETS = E2E_BUCKETS;
/** Tokens per request (prompt, generation, max_tokens). */
export const TOKEN_BUCKETS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000,
];
/** Tokens per scheduler iteration: the union of V0's and V1's bounds, so both can be exposed. */
export const ITERATION_BUCKETS = union(
  [1, 2, 4, ...Array.from({ length: 31 }, (_, i) => 16 + i * 8)],
  [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384],
);
/** LiteLLM's latency buckets (proxy, API call, first token, overhead, per output token). */
export const LITELLM_LATENCY_BUCKETS = [
  0.005, 0.00625, 0.0125, 0.025, 0.05, 0.1, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5,
  7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0, 15.0, 20.0, 25.0, 30.0, 60.0, 120.0, 180.0, 240.0, 300.0,
];
