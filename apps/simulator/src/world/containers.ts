/**
 * Containers and what the scenario's faults do to them (stopped, restart loops, models that
 * fail to load or drain), and their resource counters.
 */
import { BASE_REQUESTS_PER_SECOND, HOST, type ContainerSpec } from './layout';
import { hash32, keyOf, smoothNoise } from './random';
import type { ContainerState } from './state';
import type { World } from './world';

/** Containers whose simulated upstream reads their state (besides the vLLM ones): not removable. */
export const UPSTREAM_CONTAINERS = ['litellm', 'langfuse-web'];

export function initialContainers(
  specs: readonly ContainerSpec[],
  seed: number,
  uptimeSeconds: number,
): ContainerState[] {
  return specs.map((spec) => ({
    spec,
    id: containerId(seed, spec.name),
    createdMs: HOST.bootTimeSeconds * 1000 + 60_000,
    status: 'running',
    health: spec.vllm ? 'healthy' : 'none',
    restartCount: spec.name === 'vllm-llama70b' ? 1 : 0, // as in the fixtures' event log
    loopCycles: 0,
    startedMs: HOST.bootTimeSeconds * 1000 + 90_000,
    finishedMs: 0,
    exitCode: 0,
    cpuSeconds: Math.max(0, uptimeSeconds) * spec.cpuCores * 0.5,
    memoryBytes: spec.memoryBytes,
    netRxBytes: 0,
    netTxBytes: 0,
    blkReadBytes: spec.vllm ? 140e9 : 1e8, // vLLM read its weights once
    blkWriteBytes: 1e8,
    pids: spec.vllm ? 180 : 30,
  }));
}

/** Container and model status as the scenario's faults have them now (events are the world's). */
export function applyFaults(world: World): void {
  const f = world.faults;
  world.host.rootDiskUsed = f.rootDiskUsed ?? HOST.rootDiskUsed + 0.01 * Math.sin(world.timeMs / 86_400_000);
  const sinceS = (world.timeMs - world.scenarioSinceMs) / 1000;
  for (const c of world.containers) {
    const stopped = f.stoppedContainers?.includes(c.spec.name) ?? false;
    const looping = f.restartLoop?.containers.includes(c.spec.name) ?? false;
    if (stopped) {
      if (c.status !== 'exited') {
        c.status = 'exited';
        c.finishedMs = world.timeMs;
        c.exitCode = 0;
      }
    } else if (looping) {
      // Each cycle: crash at the end, 5 s restarting, then running again.
      const period = f.restartLoop!.restartEverySeconds;
      const cycles = Math.floor(sinceS / period);
      if (cycles > c.loopCycles) {
        c.restartCount += cycles - c.loopCycles;
        c.loopCycles = cycles;
        c.finishedMs = world.scenarioSinceMs + cycles * period * 1000;
        c.exitCode = 137;
      }
      if (cycles > 0 && sinceS - cycles * period < 5) c.status = 'restarting';
      else {
        if (c.status !== 'running') c.startedMs = world.timeMs;
        c.status = 'running';
      }
    } else if (c.status !== 'running') {
      c.status = 'running';
      c.startedMs = world.timeMs;
    }
  }
  for (const m of world.models) {
    const c = world.container(m.spec.container)!;
    if (c.status !== 'running') m.status = 'stopped';
    else if (f.failedModels?.includes(m.spec.container)) m.status = 'failed';
    else if (f.restartLoop?.containers.includes(m.spec.container)) m.status = 'loading';
    else if (f.drainingModels?.includes(m.spec.container)) m.status = 'draining';
    else if (m.status === 'draining')
      m.status = 'ready'; // still loaded: serves again at once
    else if (m.status === 'stopped' || m.status === 'failed') m.status = 'loading';
    else if (m.status === 'loading' && world.timeMs - c.startedMs >= 20_000) m.status = 'ready';
    c.health =
      m.status === 'ready' || m.status === 'draining'
        ? 'healthy'
        : m.status === 'loading'
          ? 'starting'
          : 'unhealthy';
  }
}

export function stepContainers(world: World, dt: number, t: number, load: number): void {
  const requests = BASE_REQUESTS_PER_SECOND * world.settings.request_multiplier * load;
  for (const c of world.containers) {
    if (c.status !== 'running') {
      c.pids = 0;
      continue;
    }
    const gpu = c.spec.gpus.length ? world.gpus[c.spec.gpus[0]!]!.utilization : 0;
    const activity = c.spec.vllm ? 0.2 + 0.8 * gpu : 0.3 + 0.5 * load;
    c.cpuSeconds += dt * c.spec.cpuCores * activity;
    c.memoryBytes = c.spec.memoryBytes * (1 + 0.03 * smoothNoise(world.seed, keyOf(c.spec.name), t, 120));
    const traffic = c.spec.vllm
      ? requests * c.spec.vllm.share
      : c.spec.name === 'litellm'
        ? requests
        : requests * 0.1;
    c.netRxBytes += dt * (traffic * 6e3 + 200);
    c.netTxBytes += dt * (traffic * 3e3 + 150);
    c.blkWriteBytes += dt * 2e3 * load;
    c.pids = c.spec.vllm ? 180 : 30;
  }
}

function containerId(seed: number, name: string): string {
  let id = '';
  for (let i = 0; id.length < 64; i++) id += hash32(seed, keyOf(name), i).toString(16).padStart(8, '0');
  return id.slice(0, 64);
}

/** The pid of a container's main process on the host (changes with every restart). */
export function mainPid(c: ContainerState): number {
  return 1_800_000 + (keyOf(c.spec.name) % 50_000) + c.restartCount * 97;
}
