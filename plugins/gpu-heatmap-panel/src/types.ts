/** What the GPU heatmap shows: the options of its editor, and the GPUs it reads from the data. */

export type GpuMetric = 'utilization' | 'memory' | 'temperature' | 'power';
export type GpuDisplayMode = 'grid' | 'history';

export interface GpuHeatmapOptions {
  /** What colours the cells. */
  metric: GpuMetric;
  /** A grid of the latest values, or GPUs × time. */
  mode: GpuDisplayMode;
  /**
   * Where a click on a GPU goes; `${gpu}`, `${host}` and `${container}` (its first container)
   * are replaced, e.g. `/d/llmmon-docker-containers?var-container=${container}`. Empty: no link.
   */
  link: string;
}

export interface GpuContainer {
  name: string;
  /** GPU memory it holds on this GPU, bytes. */
  bytes: number;
}

/** One GPU as the panel draws it; a reading the data lacks is undefined. */
export interface GpuState {
  /** The `gpu` label: its index. */
  index: string;
  /** The `host` label: the machine, at a fleet's centre (GPU 0 of two hosts are two GPUs). */
  host?: string;
  /** Unique in the panel: host and index. */
  key: string;
  name?: string;
  utilization?: number;
  memoryRatio?: number;
  temperature?: number;
  power?: number;
  memoryUsed?: number;
  memoryTotal?: number;
  containers: GpuContainer[];
  /** Its `llmmon_gpu_health` state (ok, throttled_hw, …, lost), where the data has it. */
  health?: string;
  /** MIG mode is enabled: the GPU has no utilization of its own; its containers are its MIG devices'. */
  mig?: boolean;
  /** The chosen metric over the time range: [time ms, value]. */
  history: Array<[number, number]>;
  /** When, in the time range, the GPU was in a failing health state: [time ms, state]. */
  failedAt: Array<[number, string]>;
}
