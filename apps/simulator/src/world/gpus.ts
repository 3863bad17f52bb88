/** GPUs: utilisation follows the load of the models on them, temperature and power follow utilisation. */
import { gpusOf, MIG_DEVICES, MIG_GPU, type LayoutName } from './layout';
import { keyOf, smoothNoise } from './random';
import { clamp, type GpuProcess, type GpuState, type ModelState } from './state';
import { NOISE } from './streams';
import type { World } from './world';
import { mainPid } from './containers';

export function initialGpus(uptimeSeconds: number, layout: LayoutName): GpuState[] {
  return gpusOf(layout).map((spec) => ({
    ...(layout === 'mig' && spec.index === MIG_GPU
      ? { mig: MIG_DEVICES.map((d) => ({ spec: d, memoryUsedMiB: 0 })) }
      : {}),
    spec,
    utilization: 0,
    memoryUtilization: 0,
    memoryUsedMiB: 0,
    temperatureC: 34,
    memoryTemperatureC: 40,
    powerW: spec.model.idlePowerW,
    energyJ: Math.max(0, uptimeSeconds) * 400, // as if it had run at ~400 W since boot
    // As if the GPU had moved ~50 MB/s over PCIe and ~5 GB/s over NVLink since boot.
    pcieTxBytes: Math.max(0, uptimeSeconds) * 1e7,
    pcieRxBytes: Math.max(0, uptimeSeconds) * 4e7,
    nvlinkTxBytes: Math.max(0, uptimeSeconds) * 5e9,
    nvlinkRxBytes: Math.max(0, uptimeSeconds) * 5e9,
    smClockMHz: spec.model.idleSmClockMHz,
    memClockMHz: spec.model.memClockMHz,
    pstate: 'P8',
    thermalSlowdown: false,
    resetRequired: false,
    processes: [],
  }));
}

export function stepGpus(world: World, dt: number, t: number, load: number): void {
  const s = world.settings;
  const seed = world.seed;
  const overheating = new Set(world.faults.overheatingGpus ?? []);
  const needReset = new Set(world.faults.resetRequiredGpus ?? []);
  for (const g of world.gpus) {
    const hw = g.spec.model;
    // One model per GPU group in the standard layout; several small ones share in the dense one.
    const models = world.models.filter((m) => m.spec.gpus.includes(g.spec.index));
    const key = NOISE.gpu(g.spec.index);
    let util = 0;
    let allocated = 0;
    // Models share a GPU's time, or each has its MIG device's slice of it.
    const share = g.mig ? 1 / g.mig.length : 1 / models.length;
    for (const m of g.mig ?? []) m.memoryUsedMiB = 0;
    for (const model of models) {
      const fraction = model.spec.gpuMemoryUtilization ?? 0.9;
      if (model.status === 'ready') {
        const intensity = 1 + 0.1 * smoothNoise(seed, keyOf(model.spec.container), t, 300);
        util += share * s.gpu_utilization * load * intensity * (1 + 0.03 * smoothNoise(seed, key, t, 15));
      } else if (model.status === 'draining') util += share * 0.02;
      else if (model.status === 'loading') util += share * 0.05;
      // vLLM preallocates its share of memory once loaded; nothing when stopped or failed.
      const held =
        model.status === 'ready' || model.status === 'draining'
          ? fraction
          : model.status === 'loading'
            ? fraction / 2
            : 0;
      const device = g.mig?.[model.spec.mig ?? -1];
      if (device) device.memoryUsedMiB = held ? Math.round(device.spec.memoryMiB * held) : 0;
      else allocated += held;
    }
    // A MIG GPU's memory is its devices' (the devices' specs are what the GPU can hold).
    if (g.mig) allocated += g.mig.reduce((a, m) => a + m.memoryUsedMiB, 0) / hw.memoryMiB;
    util = clamp(util, 0, 1);
    g.utilization = util;
    g.memoryUtilization = clamp(util * 0.62 + 0.02 * smoothNoise(seed, key + 1, t, 15), 0, 1);
    g.memoryUsedMiB = Math.min(
      hw.memoryMiB - hw.reservedMiB,
      Math.round(hw.memoryMiB * allocated + (allocated ? 12 : 0)),
    );
    const hot = overheating.has(g.spec.index);
    const target = 30 + 42 * util + (hot ? 40 : 0);
    g.temperatureC += (target - g.temperatureC) * (1 - Math.exp(-dt / 20));
    g.memoryTemperatureC = g.temperatureC + 7;
    g.thermalSlowdown = g.temperatureC >= 87;
    g.smClockMHz = util > 0.03 ? (g.thermalSlowdown ? 1410 : hw.maxSmClockMHz) : hw.idleSmClockMHz;
    g.pstate = allocated > 0 ? 'P0' : 'P8';
    const dynamic = (hw.powerLimitW - hw.idlePowerW) * Math.pow(util, 1.15) * (g.thermalSlowdown ? 0.8 : 1);
    g.powerW = Math.min(
      hw.powerLimitW,
      hw.idlePowerW + dynamic * (1 + 0.02 * smoothNoise(seed, key + 2, t, 5)),
    );
    g.energyJ += g.powerW * dt;
    // Tensor-parallel ranks all-reduce over NVLink at every step; requests and tokens cross PCIe,
    // and a loading model's weights come in over it.
    const tensorParallel = models.some((m) => m.spec.gpus.length > 1);
    const loading = models.some((m) => m.status === 'loading');
    const nvlink = (tensorParallel ? 40e9 * util : 0) + 1e6;
    g.nvlinkTxBytes += nvlink * dt;
    g.nvlinkRxBytes += nvlink * dt;
    g.pcieTxBytes += (2e6 + 1e8 * util) * dt;
    g.pcieRxBytes += (4e6 + 5e8 * util + (loading ? 5e9 : 0)) * dt;
    // A GPU that must be reset got there through an error the driver raised: a double-bit ECC error.
    if (needReset.has(g.spec.index) && !g.resetRequired) world.recordXid(g.spec.index, 48);
    g.resetRequired = needReset.has(g.spec.index);
    g.processes = g.resetRequired ? [] : models.flatMap((m) => gpuProcess(world, g, m));
  }
}

/** A model's process on a GPU: one worker per tensor-parallel rank, or the engine core. */
function gpuProcess(world: World, g: GpuState, model: ModelState): GpuProcess[] {
  if (model.status === 'stopped' || model.status === 'failed') return [];
  const c = world.container(model.spec.container)!;
  const rank = model.spec.gpus.indexOf(g.spec.index);
  const basePid = mainPid(c);
  const name = model.spec.gpus.length > 1 ? `VLLM::Worker_TP${rank}` : 'VLLM::EngineCore';
  const fraction = (model.spec.gpuMemoryUtilization ?? 0.9) / (model.status === 'loading' ? 2 : 1);
  const mig = g.mig?.[model.spec.mig ?? -1]?.spec;
  return [
    {
      pid: basePid + rank * 7,
      name,
      usedMiB: Math.round((mig?.memoryMiB ?? g.spec.model.memoryMiB) * fraction) - 8,
      container: c.spec.name,
      ...(mig ? { mig } : {}),
    },
  ];
}
