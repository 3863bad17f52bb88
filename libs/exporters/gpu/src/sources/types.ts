/** What a GPU source reports, in base units; a reading the GPU does not offer is undefined. */
export interface GpuReading {
  readonly index: number;
  readonly uuid: string;
  readonly name: string;
  readonly pciBusId: string;
  /** P-state number (P0 → 0). */
  readonly pstate?: number | undefined;
  readonly utilization?: number | undefined; // ratio 0–1
  readonly memoryUtilization?: number | undefined; // ratio 0–1
  readonly memoryTotalBytes?: number | undefined;
  readonly memoryReservedBytes?: number | undefined;
  readonly memoryUsedBytes?: number | undefined;
  readonly memoryFreeBytes?: number | undefined;
  readonly temperatureCelsius?: number | undefined;
  readonly memoryTemperatureCelsius?: number | undefined;
  readonly powerWatts?: number | undefined;
  readonly powerLimitWatts?: number | undefined;
  readonly smClockHertz?: number | undefined;
  readonly memoryClockHertz?: number | undefined;
  readonly graphicsClockHertz?: number | undefined;
  readonly smClockMaxHertz?: number | undefined;
  readonly memoryClockMaxHertz?: number | undefined;
  readonly fanSpeedRatio?: number | undefined;
  readonly eccUncorrectedVolatile?: number | undefined;
  readonly eccCorrectedVolatile?: number | undefined;
  /** ECC errors over the GPU's life (kept in its InfoROM across driver reloads). */
  readonly eccUncorrectedAggregate?: number | undefined;
  readonly eccCorrectedAggregate?: number | undefined;
  /** PCIe link now and at best: a link that trained down (fewer lanes, older generation) is a fault. */
  readonly pcieLinkGeneration?: number | undefined;
  readonly pcieLinkGenerationMax?: number | undefined;
  readonly pcieLinkWidth?: number | undefined;
  readonly pcieLinkWidthMax?: number | undefined;
  /** PCIe traffic since the driver was loaded, bytes, and link-level replays (NVML only). */
  readonly pcieTransmitBytes?: number | undefined;
  readonly pcieReceiveBytes?: number | undefined;
  readonly pcieReplays?: number | undefined;
  /** Each NVLink of the GPU (none where it has no NVLink; NVML only). */
  readonly nvlinks?: readonly NvlinkReading[] | undefined;
  /** NVLink errors summed over the GPU's links, by type. */
  readonly nvlinkErrors?: Readonly<Record<NvlinkErrorType, number>> | undefined;
  /** Energy since the driver was loaded, in joules (NVML only). */
  readonly energyJoules?: number | undefined;
  /** HBM rows remapped to spares over the GPU's life, by the error that caused it. */
  readonly remappedRowsCorrectable?: number | undefined;
  readonly remappedRowsUncorrectable?: number | undefined;
  /** A remap waits for a GPU reset (1), or a remap failed: the GPU needs service (1). */
  readonly rowRemapPending?: number | undefined;
  readonly rowRemapFailed?: number | undefined;
  /**
   * XID errors by code and the latest one (NVML events only; undefined where the GPU is not
   * registered for them). The source counts from its start; XidHistory adds what earlier runs kept.
   */
  readonly xid?: XidCounts | undefined;
  /** MIG mode is enabled (true), disabled (false), or the GPU has none (undefined). */
  readonly migMode?: boolean | undefined;
  /** The GPU's MIG devices when MIG is enabled (NVML only). */
  readonly mig?: readonly MigReading[] | undefined;
  /** The driver cannot read the GPU (see GPU_FAULTS): only its identity is known, if that. */
  readonly fault?: GpuFault | undefined;
  /** Clock-event (throttle) reasons: true active, false not, undefined unknown. */
  readonly throttle: Readonly<Record<ThrottleReason, boolean | undefined>>;
}

/**
 * One MIG device: a compute instance of a GPU instance, a GPU of its own to CUDA. Only what
 * belongs to it; power, energy, temperature and clocks are the parent GPU's.
 */
export interface MigReading {
  readonly uuid: string;
  readonly gpuInstanceId: number;
  readonly computeInstanceId: number;
  /** e.g. "1g.18gb": compute slices and memory, from the device name. */
  readonly profile: string;
  readonly memoryTotalBytes?: number | undefined;
  readonly memoryUsedBytes?: number | undefined;
  readonly memoryFreeBytes?: number | undefined;
}

/** How a MIG device is named in labels: "<GPU instance>/<compute instance>", as nvidia-smi shows it. */
export const migInstanceLabel = (m: Pick<MigReading, 'gpuInstanceId' | 'computeInstanceId'>) =>
  `${m.gpuInstanceId}/${m.computeInstanceId}`;

export interface NvlinkReading {
  readonly link: number;
  readonly up: boolean;
  /** Data sent and received over the link since the driver was loaded, bytes. */
  readonly transmitBytes?: number | undefined;
  readonly receiveBytes?: number | undefined;
}

/** nvmlNvLinkErrorCounter_t, in its order: link-level replays and recoveries, CRC errors, ECC errors. */
export const NVLINK_ERROR_TYPES = ['replay', 'recovery', 'crc_flit', 'crc_data', 'ecc_data'] as const;
export type NvlinkErrorType = (typeof NVLINK_ERROR_TYPES)[number];

export interface XidCounts {
  /** Errors per XID code. */
  readonly counts: Readonly<Record<number, number>>;
  /** The latest XID and when it was seen (Unix seconds). */
  readonly last?: { readonly code: number; readonly timeSeconds: number } | undefined;
}

export const THROTTLE_REASONS = [
  'gpu_idle',
  'applications_clocks_setting',
  'sw_power_cap',
  'hw_slowdown',
  'hw_thermal_slowdown',
  'hw_power_brake_slowdown',
  'sw_thermal_slowdown',
  'sync_boost',
] as const;
export type ThrottleReason = (typeof THROTTLE_REASONS)[number];

/** Every reason unknown: what a GPU that cannot be read reports. */
export function unknownThrottle(): Record<ThrottleReason, boolean | undefined> {
  return Object.fromEntries(THROTTLE_REASONS.map((r) => [r, undefined])) as Record<
    ThrottleReason,
    boolean | undefined
  >;
}

/**
 * Why the driver cannot read a GPU, worst first: it fell off the bus (NVML GPU_IS_LOST,
 * nvidia-smi "[GPU is lost]", or gone from the list), it must be reset (RESET_REQUIRED,
 * "[GPU requires reset]"), or every reading fails otherwise (UNKNOWN, "[Unknown Error]").
 */
export const GPU_FAULTS = ['lost', 'reset_required', 'unknown_error'] as const;
export type GpuFault = (typeof GPU_FAULTS)[number];

export interface ProcessReading {
  readonly gpuUuid: string;
  readonly pid: number;
  readonly processName: string;
  readonly usedMemoryBytes?: number | undefined;
  /** The MIG device it runs on ("<GPU instance>/<compute instance>"), where its GPU is in MIG mode. */
  readonly migInstance?: string | undefined;
}

export interface GpuSnapshot {
  readonly source: 'nvidia-smi' | 'nvml';
  /** The source said its GPUs are simulated (llmmon's simulator); real drivers never do. */
  readonly mock?: boolean;
  readonly driverVersion?: string | undefined;
  /** Highest CUDA version the driver supports, e.g. "12.9". */
  readonly cudaVersion?: string | undefined;
  readonly gpus: readonly GpuReading[];
  readonly processes: readonly ProcessReading[];
}

/** A GPU source: NVML or nvidia-smi behind one interface. */
export interface GpuSource {
  readonly name: 'nvidia-smi' | 'nvml';
  read(signal: AbortSignal): Promise<GpuSnapshot>;
}
