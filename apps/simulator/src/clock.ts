/**
 * The simulated clock: real time, accelerated (speed × real time), or manual (it moves only
 * when told). Switching modes re-anchors at the current simulated instant, so time never
 * jumps backwards.
 */
export type ClockMode = 'realtime' | 'accelerated' | 'manual';
export const CLOCK_MODES: readonly ClockMode[] = ['realtime', 'accelerated', 'manual'];

export class SimClock {
  private anchorReal: number;
  private anchorSim: number;

  constructor(
    startMs: number,
    public mode: ClockMode = 'realtime',
    public speed = 1,
    private readonly realNow: () => number = Date.now,
  ) {
    this.anchorReal = realNow();
    this.anchorSim = startMs;
  }

  now(): number {
    if (this.mode === 'manual') return this.anchorSim;
    const rate = this.mode === 'realtime' ? 1 : this.speed;
    return this.anchorSim + (this.realNow() - this.anchorReal) * rate;
  }

  /** Changes mode/speed from now on; `toMs` (manual mode) moves time forward to that instant. */
  set(mode: ClockMode, speed = this.speed, toMs?: number): void {
    const current = this.now();
    if (toMs !== undefined && toMs < current) throw new RangeError('the clock only moves forward');
    this.anchorSim = toMs ?? current;
    this.anchorReal = this.realNow();
    this.mode = mode;
    this.speed = speed;
  }
}
