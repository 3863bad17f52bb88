/**
 * nvidia-smi has no energy counter: the exporter integrates power draw into one, so energy
 * per token works with either source. NVML's own counter is never touched.
 */
import { EnergyIntegrator } from '../src/sources/energy';
import { type GpuReading, type GpuSnapshot, unknownThrottle } from '../src/sources/types';

const gpu = (index: number, r: Partial<GpuReading>): GpuReading => ({
  index,
  uuid: `GPU-${index}`,
  name: 'NVIDIA H200',
  pciBusId: '',
  throttle: unknownThrottle(),
  ...r,
});
const snap = (...gpus: GpuReading[]): GpuSnapshot => ({ source: 'nvidia-smi', gpus, processes: [] });

describe('EnergyIntegrator', () => {
  it('integrates power between reads (trapezoids), from 0 at the first', () => {
    let now = 0;
    const e = new EnergyIntegrator(120_000, () => now);
    expect(e.apply(snap(gpu(0, { powerWatts: 100 }))).gpus[0]!.energyJoules).toBe(0);
    now = 10_000;
    expect(e.apply(snap(gpu(0, { powerWatts: 300 }))).gpus[0]!.energyJoules).toBe(2000); // 10 s x 200 W
    now = 20_000;
    expect(e.apply(snap(gpu(0, { powerWatts: 300 }))).gpus[0]!.energyJoules).toBe(5000);
  });

  it("keeps NVML's counter, adds nothing without a power reading, and does not guess across a long gap", () => {
    let now = 0;
    const e = new EnergyIntegrator(120_000, () => now);
    const nvml = gpu(1, { powerWatts: 500, energyJoules: 123 });
    expect(e.apply(snap(nvml, gpu(0, { powerWatts: 100 }))).gpus.map((g) => g.energyJoules)).toEqual([
      123, 0,
    ]);
    now = 10_000;
    expect(e.apply(snap(gpu(0, {}))).gpus[0]!.energyJoules).toBe(0); // sick: the counter stays
    now = 20_000;
    expect(e.apply(snap(gpu(0, { powerWatts: 100 }))).gpus[0]!.energyJoules).toBe(0); // after the gap: restart
    now = 30_000;
    expect(e.apply(snap(gpu(0, { powerWatts: 100 }))).gpus[0]!.energyJoules).toBe(1000);
    now = 600_000; // the exporter was stopped or the source hung for minutes
    expect(e.apply(snap(gpu(0, { powerWatts: 100 }))).gpus[0]!.energyJoules).toBe(1000);
  });
});
