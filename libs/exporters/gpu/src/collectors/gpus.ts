import {
  type BackgroundSnapshot,
  type Collector,
  type MetricDef,
  counter,
  gauge,
} from '@llmmon/metrics-core';
import {
  migInstanceLabel,
  NVLINK_ERROR_TYPES,
  THROTTLE_REASONS,
  type GpuReading,
  type GpuSnapshot,
} from '../sources/types';
import { XID_CATALOG } from '../xid-catalog';

const G = ['gpu', 'uuid'] as const;
type GpuMetric = {
  readonly def: MetricDef<(typeof G)[number]>;
  readonly read: (g: GpuReading) => number | undefined;
};

/** The per-GPU readings: one table drives both registration and collection. */
export const GPU_METRICS: readonly GpuMetric[] = [
  {
    def: gauge(
      'llmmon_gpu_utilization_ratio',
      'Share of the sample period a kernel was running on the GPU (0-1).',
      G,
    ),
    read: (g) => g.utilization,
  },
  {
    def: gauge(
      'llmmon_gpu_memory_utilization_ratio',
      'Share of the sample period GPU memory was being read or written (0-1).',
      G,
    ),
    read: (g) => g.memoryUtilization,
  },
  {
    def: gauge('llmmon_gpu_memory_total_bytes', 'Total GPU memory, in bytes.', G),
    read: (g) => g.memoryTotalBytes,
  },
  {
    def: gauge('llmmon_gpu_memory_reserved_bytes', 'GPU memory reserved by the driver, in bytes.', G),
    read: (g) => g.memoryReservedBytes,
  },
  {
    def: gauge('llmmon_gpu_memory_used_bytes', 'GPU memory in use, in bytes.', G),
    read: (g) => g.memoryUsedBytes,
  },
  {
    def: gauge('llmmon_gpu_memory_free_bytes', 'GPU memory free, in bytes.', G),
    read: (g) => g.memoryFreeBytes,
  },
  {
    def: gauge('llmmon_gpu_temperature_celsius', 'GPU core temperature, in degrees Celsius.', G),
    read: (g) => g.temperatureCelsius,
  },
  {
    def: gauge(
      'llmmon_gpu_memory_temperature_celsius',
      'GPU memory (HBM) temperature, in degrees Celsius.',
      G,
    ),
    read: (g) => g.memoryTemperatureCelsius,
  },
  { def: gauge('llmmon_gpu_power_watts', 'Power drawn by the GPU, in watts.', G), read: (g) => g.powerWatts },
  {
    def: gauge('llmmon_gpu_power_limit_watts', 'Power limit the GPU enforces, in watts.', G),
    read: (g) => g.powerLimitWatts,
  },
  { def: gauge('llmmon_gpu_sm_clock_hertz', 'Current SM clock, in hertz.', G), read: (g) => g.smClockHertz },
  {
    def: gauge('llmmon_gpu_memory_clock_hertz', 'Current memory clock, in hertz.', G),
    read: (g) => g.memoryClockHertz,
  },
  {
    def: gauge('llmmon_gpu_graphics_clock_hertz', 'Current graphics clock, in hertz.', G),
    read: (g) => g.graphicsClockHertz,
  },
  {
    def: gauge('llmmon_gpu_sm_clock_max_hertz', 'Highest SM clock the GPU supports, in hertz.', G),
    read: (g) => g.smClockMaxHertz,
  },
  {
    def: gauge('llmmon_gpu_memory_clock_max_hertz', 'Highest memory clock the GPU supports, in hertz.', G),
    read: (g) => g.memoryClockMaxHertz,
  },
  {
    def: gauge(
      'llmmon_gpu_fan_speed_ratio',
      'Fan speed as a share of its maximum (0-1), where the GPU has a fan.',
      G,
    ),
    read: (g) => g.fanSpeedRatio,
  },
  {
    def: gauge('llmmon_gpu_performance_state', 'P-state: 0 is the fastest, 15 the slowest.', G),
    read: (g) => g.pstate,
  },
  {
    def: counter(
      'llmmon_gpu_ecc_uncorrected_errors_total',
      'Uncorrected ECC errors since the driver was loaded.',
      G,
    ),
    read: (g) => g.eccUncorrectedVolatile,
  },
  {
    def: counter(
      'llmmon_gpu_ecc_corrected_errors_total',
      'Corrected ECC errors since the driver was loaded.',
      G,
    ),
    read: (g) => g.eccCorrectedVolatile,
  },
  {
    def: counter(
      'llmmon_gpu_ecc_uncorrected_aggregate_errors_total',
      "Uncorrected ECC errors over the GPU's life (kept across driver reloads).",
      G,
    ),
    read: (g) => g.eccUncorrectedAggregate,
  },
  {
    def: counter(
      'llmmon_gpu_ecc_corrected_aggregate_errors_total',
      "Corrected ECC errors over the GPU's life (kept across driver reloads).",
      G,
    ),
    read: (g) => g.eccCorrectedAggregate,
  },
  {
    def: gauge('llmmon_gpu_pcie_link_generation', 'PCIe generation the link runs at now.', G),
    read: (g) => g.pcieLinkGeneration,
  },
  {
    def: gauge('llmmon_gpu_pcie_link_generation_max', 'Highest PCIe generation the GPU and slot support.', G),
    read: (g) => g.pcieLinkGenerationMax,
  },
  {
    def: gauge('llmmon_gpu_pcie_link_width_lanes', 'PCIe lanes the link runs with now.', G),
    read: (g) => g.pcieLinkWidth,
  },
  {
    def: gauge('llmmon_gpu_pcie_link_width_max_lanes', 'Most PCIe lanes the GPU and slot support.', G),
    read: (g) => g.pcieLinkWidthMax,
  },
  {
    def: counter(
      'llmmon_gpu_pcie_replays_total',
      'PCIe link-level replays (retransmissions after errors) since the driver was loaded (NVML only).',
      G,
    ),
    read: (g) => g.pcieReplays,
  },
  {
    def: counter(
      'llmmon_gpu_energy_joules_total',
      "Energy used by the GPU, in joules: NVML's counter (since the driver was loaded), or with nvidia-smi its power draw integrated since the exporter started.",
      G,
    ),
    read: (g) => g.energyJoules,
  },
  {
    def: counter(
      'llmmon_gpu_remapped_rows_correctable_total',
      "GPU memory rows remapped to spares after correctable errors, over the GPU's life.",
      G,
    ),
    read: (g) => g.remappedRowsCorrectable,
  },
  {
    def: counter(
      'llmmon_gpu_remapped_rows_uncorrectable_total',
      "GPU memory rows remapped to spares after uncorrectable errors, over the GPU's life.",
      G,
    ),
    read: (g) => g.remappedRowsUncorrectable,
  },
  {
    def: gauge('llmmon_gpu_row_remap_pending', 'A row remap waits for a GPU reset (1), else 0.', G),
    read: (g) => g.rowRemapPending,
  },
  {
    def: gauge('llmmon_gpu_row_remap_failed', 'A row remap failed (1): the GPU needs service. Else 0.', G),
    read: (g) => g.rowRemapFailed,
  },
];

const info = gauge(
  'llmmon_gpu_info',
  'Always 1: identity of each GPU, and where its data came from (mock="true": the source said its GPUs are simulated).',
  ['gpu', 'uuid', 'name', 'pci_bus_id', 'driver_version', 'cuda_version', 'source', 'mock'],
);
const throttle = gauge(
  'llmmon_gpu_throttle_reason_active',
  'Whether a clock-event (throttle) reason holds the clocks down right now (1) or not (0).',
  ['gpu', 'uuid', 'reason'],
);
const count = gauge('llmmon_gpus', 'Number of GPUs the source reports.');
const xidErrors = counter(
  'llmmon_gpu_xid_errors_total',
  'XID errors the driver reported, by code (NVML events; kept across exporter restarts). The catalog codes start at 0.',
  ['gpu', 'uuid', 'xid'],
);
const lastXid = gauge(
  'llmmon_gpu_last_xid',
  "Code of the latest XID error, 0 when none was seen (look it up in NVIDIA's XID catalog).",
  ['gpu', 'uuid'],
);
const lastXidTime = gauge(
  'llmmon_gpu_last_xid_timestamp_seconds',
  'When the latest XID error was seen (Unix time, within one GPU read of it), 0 when none was.',
  ['gpu', 'uuid'],
);
const CATALOG_CODES = XID_CATALOG.map((x) => x.code);
const pcieBytes = counter(
  'llmmon_gpu_pcie_bytes_total',
  "Bytes over the GPU's PCIe link since the driver was loaded, by direction (transmit, receive; NVML only, drivers R535+).",
  ['gpu', 'uuid', 'direction'],
);
const nvlinkUp = gauge(
  'llmmon_gpu_nvlink_up',
  'Whether an NVLink of the GPU is active (1) or down (0); absent for GPUs without NVLink (NVML only).',
  ['gpu', 'uuid', 'link'],
);
const nvlinkBytes = counter(
  'llmmon_gpu_nvlink_bytes_total',
  'Data bytes over an NVLink since the driver was loaded, by direction (transmit, receive; NVML only).',
  ['gpu', 'uuid', 'link', 'direction'],
);
const nvlinkErrors = counter(
  'llmmon_gpu_nvlink_errors_total',
  "NVLink errors over all the GPU's links, by type: replay, recovery, crc_flit, crc_data, ecc_data (NVML only).",
  ['gpu', 'uuid', 'type'],
);
const migMode = gauge(
  'llmmon_gpu_mig_mode',
  'MIG mode of the GPU: 1 enabled (its MIG devices are listed apart), 0 disabled; absent where the GPU has no MIG.',
  ['gpu', 'uuid'],
);
const M = ['gpu', 'uuid', 'mig_instance', 'mig_profile'] as const;
const migInfo = gauge(
  'llmmon_gpu_mig_device_info',
  'Always 1: a MIG device of a MIG-enabled GPU (mig_instance: GPU instance/compute instance ids), with its own UUID (NVML only).',
  [...M, 'mig_uuid'],
);
const migMemory = {
  total: gauge('llmmon_gpu_mig_memory_total_bytes', 'Memory of a MIG device, in bytes (NVML only).', M),
  used: gauge('llmmon_gpu_mig_memory_used_bytes', 'Memory in use on a MIG device, in bytes (NVML only).', M),
  free: gauge('llmmon_gpu_mig_memory_free_bytes', 'Memory free on a MIG device, in bytes (NVML only).', M),
};
/**
 * One state per GPU, worst first: the first that holds is the GPU's. The driver's faults
 * (GPU_FAULTS), then a failed row remap (service the GPU), a remap waiting for a reset, clocks
 * held down by the hardware (slowdown, thermal, power brake), else ok.
 */
export const GPU_HEALTH_STATES = [
  'lost',
  'reset_required',
  'unknown_error',
  'row_remap_failed',
  'row_remap_pending',
  'throttled_hw',
  'ok',
] as const;
export type GpuHealthState = (typeof GPU_HEALTH_STATES)[number];

export function healthOf(g: GpuReading): GpuHealthState {
  if (g.fault) return g.fault;
  if (g.rowRemapFailed === 1) return 'row_remap_failed';
  if (g.rowRemapPending === 1) return 'row_remap_pending';
  const t = g.throttle;
  if (t.hw_slowdown || t.hw_thermal_slowdown || t.hw_power_brake_slowdown) return 'throttled_hw';
  return 'ok';
}

const health = gauge(
  'llmmon_gpu_health',
  "The GPU's health, one-hot over a fixed set of states (1 for its state, 0 for the others): " +
    GPU_HEALTH_STATES.join(', ') +
    '. Worst first; see docs/gpu-metrics.md.',
  ['gpu', 'uuid', 'state'],
);

/** Per-GPU metrics from the latest snapshot (never waits for the source). */
export function gpuCollector(snapshot: BackgroundSnapshot<GpuSnapshot>): Collector {
  return {
    name: 'gpu',
    metrics: [
      ...GPU_METRICS.map((m) => m.def),
      ...[info, throttle, count, health, xidErrors, lastXid, lastXidTime],
      ...[migMode, migInfo, migMemory.total, migMemory.used, migMemory.free],
      ...[pcieBytes, nvlinkUp, nvlinkBytes, nvlinkErrors],
    ],
    collect(out) {
      const snap = snapshot.current.value;
      if (!snap) return;
      out.add(count, snap.gpus.length);
      for (const g of snap.gpus) {
        const ids = { gpu: String(g.index), uuid: g.uuid };
        out.add(
          info,
          {
            ...ids,
            name: g.name,
            pci_bus_id: g.pciBusId,
            driver_version: snap.driverVersion ?? '',
            cuda_version: snap.cudaVersion ?? '',
            source: snap.source,
            mock: String(snap.mock === true),
          },
          1,
        );
        const state = healthOf(g);
        for (const s of GPU_HEALTH_STATES) out.add(health, { ...ids, state: s }, s === state ? 1 : 0);
        for (const m of GPU_METRICS) {
          const v = m.read(g);
          if (v !== undefined) out.add(m.def, ids, v);
        }
        // Only GPUs registered for XID events (or with kept history) get the series.
        if (g.xid) {
          const codes = new Set([...CATALOG_CODES, ...Object.keys(g.xid.counts).map(Number)]);
          for (const code of [...codes].sort((a, b) => a - b))
            out.add(xidErrors, { ...ids, xid: String(code) }, g.xid.counts[code] ?? 0);
          out.add(lastXid, ids, g.xid.last?.code ?? 0);
          out.add(lastXidTime, ids, g.xid.last?.timeSeconds ?? 0);
        }
        if (g.pcieTransmitBytes !== undefined)
          out.add(pcieBytes, { ...ids, direction: 'transmit' }, g.pcieTransmitBytes);
        if (g.pcieReceiveBytes !== undefined)
          out.add(pcieBytes, { ...ids, direction: 'receive' }, g.pcieReceiveBytes);
        for (const l of g.nvlinks ?? []) {
          const link = { ...ids, link: String(l.link) };
          out.add(nvlinkUp, link, l.up ? 1 : 0);
          if (l.transmitBytes !== undefined)
            out.add(nvlinkBytes, { ...link, direction: 'transmit' }, l.transmitBytes);
          if (l.receiveBytes !== undefined)
            out.add(nvlinkBytes, { ...link, direction: 'receive' }, l.receiveBytes);
        }
        // Per GPU, not per link: 5 types × 18 links × 8 GPUs would be 720 series of mostly 0.
        for (const type of NVLINK_ERROR_TYPES) {
          const v = g.nvlinkErrors?.[type];
          if (v !== undefined) out.add(nvlinkErrors, { ...ids, type }, v);
        }
        if (g.migMode !== undefined) out.add(migMode, ids, g.migMode ? 1 : 0);
        // Only what is the instance's own: power, energy, temperature and clocks stay the GPU's.
        for (const m of g.mig ?? []) {
          const labels = { ...ids, mig_instance: migInstanceLabel(m), mig_profile: m.profile };
          out.add(migInfo, { ...labels, mig_uuid: m.uuid }, 1);
          if (m.memoryTotalBytes !== undefined) out.add(migMemory.total, labels, m.memoryTotalBytes);
          if (m.memoryUsedBytes !== undefined) out.add(migMemory.used, labels, m.memoryUsedBytes);
          if (m.memoryFreeBytes !== undefined) out.add(migMemory.free, labels, m.memoryFreeBytes);
        }
        for (const reason of THROTTLE_REASONS) {
          const v = g.throttle[reason];
          if (v !== undefined) out.add(throttle, { ...ids, reason }, v ? 1 : 0);
        }
      }
    },
  };
}
