/** The host: CPU time per core and mode, memory, load, network and disk counters. */
import { BASE_REQUESTS_PER_SECOND, HOST } from './layout';
import { smoothNoise } from './random';
import { clamp, CPU_MODES, type CpuMode, type HostState } from './state';
import { NOISE, SERVER } from './streams';
import type { World } from './world';

/** How busy time splits over modes (the rest of a core's time is idle). */
const BUSY_SPLIT: Partial<Record<CpuMode, number>> = {
  user: 0.72,
  nice: 0.01,
  system: 0.18,
  iowait: 0.04,
  irq: 0.01,
  softirq: 0.03,
  steal: 0.01,
};

export function initialHost(uptimeSeconds: number): HostState {
  const idle = Math.max(0, uptimeSeconds);
  return {
    cpuSeconds: Array.from(
      { length: HOST.cpus },
      () =>
        Object.fromEntries(
          CPU_MODES.map((m) => [m, m === 'idle' ? idle * 0.7 : idle * 0.3 * (BUSY_SPLIT[m] ?? 0)]),
        ) as Record<CpuMode, number>,
    ),
    busy: 0,
    memAvailableBytes: HOST.memoryBytes * 0.7,
    cachedBytes: HOST.memoryBytes * 0.15,
    load1: 0,
    load5: 0,
    load15: 0,
    netRxBytes: 8e11,
    netTxBytes: 9e11,
    netRxPackets: 6e8,
    netTxPackets: 7e8,
    diskReads: 2.4e6,
    diskWrites: 4.8e7,
    diskReadBytes: 2e11,
    diskWrittenBytes: 9.7e11,
    diskIoSeconds: 8.1e3,
    contextSwitches: 3.8e8,
    interrupts: 1.1e8,
    forks: 1.28e6,
    procsRunning: 1,
    rootDiskUsed: HOST.rootDiskUsed,
  };
}

export function stepHost(world: World, dt: number, t: number, load: number): void {
  const s = world.settings;
  const seed = world.seed;
  const h = world.host;
  let busySum = 0;
  h.cpuSeconds.forEach((cpu, i) => {
    const busy = clamp(s.cpu_load * load * (1 + 0.15 * smoothNoise(seed, NOISE.cpu(i), t, 20)), 0.01, 0.99);
    busySum += busy;
    for (const mode of CPU_MODES) {
      cpu[mode] += dt * (mode === 'idle' ? 1 - busy : busy * (BUSY_SPLIT[mode] ?? 0));
    }
  });
  h.busy = busySum / HOST.cpus;
  const runnable = h.busy * HOST.cpus * 0.9;
  const decay = (period: number) => Math.exp(-dt / period);
  h.load1 = h.load1 * decay(60) + runnable * (1 - decay(60));
  h.load5 = h.load5 * decay(300) + runnable * (1 - decay(300));
  h.load15 = h.load15 * decay(900) + runnable * (1 - decay(900));
  h.procsRunning = Math.max(1, Math.round(runnable * 0.1));
  const used = 0.2 + 0.15 * s.cpu_load * load;
  h.memAvailableBytes = HOST.memoryBytes * (1 - used - 0.02 * smoothNoise(seed, SERVER.hostMemory, t, 60));
  h.cachedBytes = HOST.memoryBytes * 0.15;
  const requests = BASE_REQUESTS_PER_SECOND * s.request_multiplier * load;
  h.netRxBytes += dt * (2e6 * load + requests * 9e3);
  h.netTxBytes += dt * (1.5e6 * load + requests * 4e3);
  h.netRxPackets += dt * (1800 * load);
  h.netTxPackets += dt * (1500 * load);
  h.diskReads += dt * 40 * load;
  h.diskWrites += dt * 120 * load;
  h.diskReadBytes += dt * 2e6 * load;
  h.diskWrittenBytes += dt * 6e6 * load;
  h.diskIoSeconds += dt * 0.05 * load;
  h.contextSwitches += dt * HOST.cpus * 900 * (0.2 + h.busy);
  h.interrupts += dt * HOST.cpus * 400 * (0.2 + h.busy);
  h.forks += dt * 4;
}
