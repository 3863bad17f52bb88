/**
 * The world's state: what the simulated server is at an instant, per subsystem. Every
 * upstream is rendered from it; the step functions (traffic, gpus, host, containers) advance it.
 */
import type { Histogram } from './histogram';
import type { ContainerSpec, GpuSpec, MigSpec, VllmSpec } from './layout';

export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuMode = (typeof CPU_MODES)[number];

export interface GpuProcess {
  readonly pid: number;
  readonly name: string;
  readonly usedMiB: number;
  readonly container: string;
  /** Its MIG device, on a MIG-enabled GPU. */
  readonly mig?: MigSpec;
}

/** A MIG device now: its spec and the memory its model holds. */
export interface MigState {
  readonly spec: MigSpec;
  memoryUsedMiB: number;
}

export interface GpuState {
  readonly spec: GpuSpec;
  utilization: number;
  memoryUtilization: number;
  memoryUsedMiB: number;
  temperatureC: number;
  memoryTemperatureC: number;
  powerW: number;
  /** Total energy since boot, joules (a counter). */
  energyJ: number;
  /** PCIe and NVLink (data) bytes since boot, per direction (counters). */
  pcieTxBytes: number;
  pcieRxBytes: number;
  nvlinkTxBytes: number;
  nvlinkRxBytes: number;
  smClockMHz: number;
  memClockMHz: number;
  pstate: 'P0' | 'P8';
  thermalSlowdown: boolean;
  /** The driver cannot read it until it is reset (the gpu_failure scenario). */
  resetRequired: boolean;
  /** Its MIG devices when MIG is enabled (the MIG layout's GPU 7); undefined: MIG disabled. */
  readonly mig?: MigState[];
  processes: GpuProcess[];
}

export type ContainerStatus = 'running' | 'exited' | 'restarting';

export interface ContainerState {
  readonly spec: ContainerSpec;
  /** 64 hex digits, stable per name and seed. */
  readonly id: string;
  readonly createdMs: number;
  status: ContainerStatus;
  health: 'healthy' | 'unhealthy' | 'starting' | 'none';
  restartCount: number;
  /** Crash cycles completed in the current restart-loop fault. */
  loopCycles: number;
  startedMs: number;
  finishedMs: number;
  exitCode: number;
  cpuSeconds: number;
  memoryBytes: number;
  netRxBytes: number;
  netTxBytes: number;
  blkReadBytes: number;
  blkWriteBytes: number;
  pids: number;
}

export type ModelStatus = 'ready' | 'loading' | 'failed' | 'stopped' | 'draining';

export interface ModelState {
  readonly spec: VllmSpec;
  status: ModelStatus;
  running: number;
  waiting: number;
  kvCacheUsage: number;
  promptTokens: number;
  generationTokens: number;
  /** Finished requests by reason (stop, length, abort). */
  finished: Record<'stop' | 'length' | 'abort', number>;
  preemptions: number;
  ttft: Histogram;
  interToken: Histogram;
  e2e: Histogram;
  queue: Histogram;
  prefill: Histogram;
  decode: Histogram;
  inference: Histogram;
  promptLength: Histogram;
  generationLength: Histogram;
  maxTokensParam: Histogram;
  iterationTokens: Histogram;
  /** Prompt tokens found in the prefix cache. */
  prefixCacheHits: number;
  /** Requests served since start (drives per-request randomness). */
  served: number;
  carry: number;
}

/** What LiteLLM counted for one model group through one virtual key. */
export interface ProxyKeyState {
  requests: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  spendUsd: number;
  totalLatency: Histogram;
  apiLatency: Histogram;
  timeToFirstToken: Histogram;
  overhead: Histogram;
  perOutputToken: Histogram;
}

export interface ProxyModelState {
  readonly alias: string;
  readonly model: string;
  requests: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  spendUsd: number;
  latency: Histogram;
  /** The same traffic split by virtual key (API_KEYS order). */
  readonly keys: ProxyKeyState[];
}

export interface HostState {
  /** cpuSeconds[cpu][mode], counters. */
  cpuSeconds: Record<CpuMode, number>[];
  busy: number;
  memAvailableBytes: number;
  cachedBytes: number;
  load1: number;
  load5: number;
  load15: number;
  netRxBytes: number;
  netTxBytes: number;
  netRxPackets: number;
  netTxPackets: number;
  diskReads: number;
  diskWrites: number;
  diskReadBytes: number;
  diskWrittenBytes: number;
  diskIoSeconds: number;
  contextSwitches: number;
  interrupts: number;
  forks: number;
  procsRunning: number;
  rootDiskUsed: number;
}

/** One request as Langfuse traced it (LiteLLM's langfuse callback logs every request). */
export interface RequestRecord {
  /** Request number within its model (unique with the container name). */
  readonly id: number;
  readonly container: string;
  readonly timeMs: number;
  readonly keyIndex: number;
  /** End user (bounded pool) and their chat session. */
  readonly userId: string;
  readonly sessionId: string;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly latencySeconds: number;
  readonly costUsd: number;
  readonly failed: boolean;
}

/** Per day and model, what Langfuse's daily metrics report. */
export interface DailyUsage {
  traces: number;
  observations: number;
  inputUsage: number;
  outputUsage: number;
  costUsd: number;
}

/** How many recent requests Langfuse's API can page through, and how many days it keeps. */
export const TRACE_HISTORY = 10_000;
export const DAILY_HISTORY_DAYS = 90;

/** A container lifecycle event, as Docker's /events reports them. */
export interface WorldEvent {
  /** Increases by one per event: how a stream knows what it has sent, even within one instant. */
  readonly seq: number;
  readonly timeMs: number;
  readonly container: string;
  readonly action: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** An XID error the simulated driver raised on a GPU (NVML reports it as an event). */
export interface XidEvent {
  readonly seq: number;
  readonly timeMs: number;
  readonly gpu: number;
  readonly code: number;
}

export function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
