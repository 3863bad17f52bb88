import type { GpuSnapshot } from './types';

/**
 * An energy counter for GPUs whose source has none (nvidia-smi has no energy field; NVML's
 * counter is used where it exists): power draw integrated between reads (trapezoids), in joules
 * since the exporter started. A read without a power reading (a sick GPU) adds nothing, and the
 * gap after it is not guessed at: integration starts again from the next reading.
 */
export class EnergyIntegrator {
  private readonly last = new Map<string, { timeMs: number; watts: number; joules: number }>();

  constructor(
    /** Gaps longer than this (a hung source, a stopped exporter) are not integrated. */
    private readonly maxGapMs = 120_000,
    private readonly now: () => number = Date.now,
  ) {}

  apply(snap: GpuSnapshot): GpuSnapshot {
    if (snap.gpus.every((g) => g.energyJoules !== undefined)) return snap; // NVML: its own counter
    const timeMs = this.now();
    const gpus = snap.gpus.map((g) => {
      if (g.energyJoules !== undefined) return g;
      const before = this.last.get(g.uuid);
      if (g.powerWatts === undefined) {
        if (before) this.last.set(g.uuid, { ...before, timeMs: Number.NaN }); // a gap: restart after it
        return before ? { ...g, energyJoules: before.joules } : g;
      }
      const dt = before ? (timeMs - before.timeMs) / 1000 : Number.NaN;
      const joules =
        (before?.joules ?? 0) +
        (dt > 0 && dt * 1000 <= this.maxGapMs ? ((before!.watts + g.powerWatts) / 2) * dt : 0);
      this.last.set(g.uuid, { timeMs, watts: g.powerWatts, joules });
      return { ...g, energyJoules: joules };
    });
    return { ...snap, gpus };
  }
}
