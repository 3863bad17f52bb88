import koffi from 'koffi';
import { ClassifiedError } from '@llmmon/metrics-core';
import {
  THROTTLE_REASONS,
  type GpuFault,
  type GpuReading,
  type GpuSnapshot,
  type GpuSource,
  type MigReading,
  migInstanceLabel,
  NVLINK_ERROR_TYPES,
  type NvlinkErrorType,
  type ProcessReading,
  type ThrottleReason,
  unknownThrottle,
  type XidCounts,
} from './types';

/** NVML return codes we act on (nvml.h). */
const SUCCESS = 0;
const NOT_SUPPORTED = 3;
const INSUFFICIENT_SIZE = 7;
const GPU_IS_LOST = 15;
const RESET_REQUIRED = 16;
const UNKNOWN = 999;
const NOT_FOUND = 6;
const INVALID_ARGUMENT = 2;
/** NVML_NVLINK_MAX_LINKS: H100 and H200 have 18. */
const MAX_NVLINKS = 18;
/** nvmlDeviceGetFieldValues ids (nvml.h NVML_FI_DEV_…). */
const FIELD_NVLINK_TX_KIB = 138;
const FIELD_NVLINK_RX_KIB = 139;
const FIELD_PCIE_TX_BYTES = 197;
const FIELD_PCIE_RX_BYTES = 198;
/** A process's instance ids outside MIG (NVML's 0xFFFFFFFF). */
const NO_ID = 0xffffffff;
const FUNCTION_NOT_FOUND = 13;
const ARGUMENT_VERSION_MISMATCH = 25;
/** nvmlMemory_v2: sizeof(nvmlMemory_v2_t) | 2 << 24 (nvml.h's NVML_STRUCT_VERSION). */
const MEMORY_V2_VERSION = 40 | (2 << 24);
/** nvmlEventTypeXidCriticalError */
const EVENT_XID = 0x8n;

/** nvmlClocksEventReasons bits, by our reason names. */
const REASON_BITS: Record<ThrottleReason, bigint> = {
  gpu_idle: 0x1n,
  applications_clocks_setting: 0x2n,
  sw_power_cap: 0x4n,
  hw_slowdown: 0x8n,
  sync_boost: 0x10n,
  sw_thermal_slowdown: 0x20n,
  hw_thermal_slowdown: 0x40n,
  hw_power_brake_slowdown: 0x80n,
};

export class NvmlError extends ClassifiedError {
  constructor(
    readonly code: number,
    call: string,
  ) {
    super(code === GPU_IS_LOST ? 'not_found' : 'error', `${call} returned NVML error ${code}`);
    this.name = 'NvmlError';
  }
}

/** The codes that say one GPU is sick (the others still answer); any other error fails the read. */
const FAULTS: ReadonlyMap<number, GpuFault> = new Map([
  [GPU_IS_LOST, 'lost'],
  [RESET_REQUIRED, 'reset_required'],
  [UNKNOWN, 'unknown_error'],
]);
const faultOf = (err: unknown): GpuFault | undefined =>
  err instanceof NvmlError ? FAULTS.get(err.code) : undefined;

type Fn = (...args: unknown[]) => number;
type Bytes = number | bigint;
type MemoryInfo = { total: Bytes; free: Bytes; used: Bytes; reserved?: Bytes };

let typesDeclared = false;
/** NVML's structs, declared once: koffi type names are process-wide. */
function declareNvmlTypes(): void {
  if (typesDeclared) return;
  typesDeclared = true;
  koffi.opaque('nvmlDevice_st');
  koffi.struct('nvmlUtilization_t', { gpu: 'uint', memory: 'uint' });
  koffi.struct('nvmlMemory_t', { total: 'uint64', free: 'uint64', used: 'uint64' });
  koffi.struct('nvmlMemory_v2_t', {
    version: 'uint',
    total: 'uint64',
    reserved: 'uint64',
    free: 'uint64',
    used: 'uint64',
  });
  koffi.struct('nvmlPciInfo_t', {
    busIdLegacy: koffi.array('char', 16, 'String'),
    domain: 'uint',
    bus: 'uint',
    device: 'uint',
    pciDeviceId: 'uint',
    pciSubSystemId: 'uint',
    busId: koffi.array('char', 32, 'String'),
  });
  koffi.opaque('nvmlEventSet_st');
  koffi.struct('nvmlEventData_t', {
    device: 'nvmlDevice_st *',
    eventType: 'uint64',
    eventData: 'uint64',
    gpuInstanceId: 'uint',
    computeInstanceId: 'uint',
  });
  koffi.struct('nvmlFieldValue_t', {
    fieldId: 'uint',
    scopeId: 'uint',
    timestamp: 'int64',
    latencyUsec: 'int64',
    valueType: 'uint',
    nvmlReturn: 'int',
    value: 'uint64', // a union; the fields read here are all unsigned long long
  });
  koffi.struct('nvmlProcessInfo_t', {
    pid: 'uint',
    usedGpuMemory: 'uint64',
    gpuInstanceId: 'uint',
    computeInstanceId: 'uint',
  });
}

/**
 * NVML through koffi: the library is loaded and initialised once, device handles are cached,
 * and each read makes only the cheap per-device calls. A reading the GPU does not support
 * (NOT_SUPPORTED) is absent; a GPU that fell off the bus (GPU_IS_LOST), needs a reset
 * (RESET_REQUIRED) or answers UNKNOWN is reported with that fault while the others keep reporting.
 */
export class NvmlSource implements GpuSource {
  readonly name = 'nvml';
  private readonly f: Record<string, Fn> = {};
  /** undefined: the GPU could not be opened at start; its fault is reported at every read. */
  private readonly handles: unknown[] = [];
  private readonly openFaults = new Map<number, GpuFault>();
  /** Identity read once: it does not change, and a GPU that is lost later still has one. */
  private readonly identity: { uuid: string; name: string; pciBusId: string }[] = [];
  private readonly driverVersion: string;
  /** XID events arrive on this set; undefined where the driver offers none. */
  private readonly events: unknown;
  /** XIDs per GPU index since start: events are drained at each read. */
  private readonly xids = new Map<number, { counts: Record<number, number>; last?: XidCounts['last'] }>();
  private readonly indexByAddress = new Map<bigint, number>();
  private readonly cudaVersion: string | undefined;
  private readonly mock: boolean;

  /** Throws when the library cannot be loaded or initialised (no NVIDIA driver here). */
  constructor(libraryPath = 'libnvidia-ml.so.1') {
    const lib = koffi.load(libraryPath);
    declareNvmlTypes();
    const decl = {
      init: 'int nvmlInit_v2()',
      driver: 'int nvmlSystemGetDriverVersion(_Out_ uint8_t *version, uint length)',
      cuda: 'int nvmlSystemGetCudaDriverVersion_v2(_Out_ int *version)',
      count: 'int nvmlDeviceGetCount_v2(_Out_ uint *count)',
      handle: 'int nvmlDeviceGetHandleByIndex_v2(uint index, _Out_ nvmlDevice_st **device)',
      uuid: 'int nvmlDeviceGetUUID(nvmlDevice_st *device, _Out_ uint8_t *uuid, uint length)',
      name: 'int nvmlDeviceGetName(nvmlDevice_st *device, _Out_ uint8_t *name, uint length)',
      pci: 'int nvmlDeviceGetPciInfo_v3(nvmlDevice_st *device, _Out_ nvmlPciInfo_t *pci)',
      util: 'int nvmlDeviceGetUtilizationRates(nvmlDevice_st *device, _Out_ nvmlUtilization_t *utilization)',
      mem: 'int nvmlDeviceGetMemoryInfo(nvmlDevice_st *device, _Out_ nvmlMemory_t *memory)',
      temp: 'int nvmlDeviceGetTemperature(nvmlDevice_st *device, int sensor, _Out_ uint *temp)',
      power: 'int nvmlDeviceGetPowerUsage(nvmlDevice_st *device, _Out_ uint *milliwatts)',
      limit: 'int nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_st *device, _Out_ uint *milliwatts)',
      clock: 'int nvmlDeviceGetClockInfo(nvmlDevice_st *device, int type, _Out_ uint *mhz)',
      maxClock: 'int nvmlDeviceGetMaxClockInfo(nvmlDevice_st *device, int type, _Out_ uint *mhz)',
      fan: 'int nvmlDeviceGetFanSpeed(nvmlDevice_st *device, _Out_ uint *speed)',
      pstate: 'int nvmlDeviceGetPerformanceState(nvmlDevice_st *device, _Out_ int *pstate)',
      reasons: 'int nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_st *device, _Out_ uint64_t *reasons)',
      pcieGen: 'int nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_st *device, _Out_ uint *gen)',
      pcieGenMax: 'int nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_st *device, _Out_ uint *gen)',
      pcieWidth: 'int nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_st *device, _Out_ uint *width)',
      pcieWidthMax: 'int nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_st *device, _Out_ uint *width)',
      energy: 'int nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_st *device, _Out_ uint64_t *millijoules)',
      remapped:
        'int nvmlDeviceGetRemappedRows(nvmlDevice_st *device, _Out_ uint *corrRows, _Out_ uint *uncRows, _Out_ uint *isPending, _Out_ uint *failureOccurred)',
      ecc: 'int nvmlDeviceGetTotalEccErrors(nvmlDevice_st *device, int errorType, int counterType, _Out_ uint64_t *count)',
      eventSetCreate: 'int nvmlEventSetCreate(_Out_ nvmlEventSet_st **set)',
      registerEvents:
        'int nvmlDeviceRegisterEvents(nvmlDevice_st *device, uint64_t eventTypes, nvmlEventSet_st *set)',
      eventWait: 'int nvmlEventSetWait_v2(nvmlEventSet_st *set, _Out_ nvmlEventData_t *data, uint timeoutms)',
      procs:
        'int nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_st *device, _Inout_ uint *count, _Out_ nvmlProcessInfo_t *infos)',
      pcieReplays: 'int nvmlDeviceGetPcieReplayCounter(nvmlDevice_st *device, _Out_ uint *value)',
      nvlinkState: 'int nvmlDeviceGetNvLinkState(nvmlDevice_st *device, uint link, _Out_ uint *isActive)',
      nvlinkErrors:
        'int nvmlDeviceGetNvLinkErrorCounter(nvmlDevice_st *device, uint link, int counter, _Out_ uint64_t *value)',
      migMode: 'int nvmlDeviceGetMigMode(nvmlDevice_st *device, _Out_ uint *current, _Out_ uint *pending)',
      migCount: 'int nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_st *device, _Out_ uint *count)',
      migHandle:
        'int nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_st *device, uint index, _Out_ nvmlDevice_st **mig)',
      gpuInstance: 'int nvmlDeviceGetGpuInstanceId(nvmlDevice_st *device, _Out_ uint *id)',
      computeInstance: 'int nvmlDeviceGetComputeInstanceId(nvmlDevice_st *device, _Out_ uint *id)',
    };
    for (const [key, proto] of Object.entries(decl)) this.f[key] = lib.func(proto) as unknown as Fn;
    // Drivers since R510: "used" without the driver's reserved memory, as nvidia-smi shows it.
    // The v1 call counts reserved memory as used (seen on an H200 with driver 580: 1844 MiB
    // used by v1 where nvidia-smi showed 1229 MiB used and 616 MiB reserved).
    try {
      this.f['memV2'] = lib.func(
        'int nvmlDeviceGetMemoryInfo_v2(nvmlDevice_st *device, _Inout_ nvmlMemory_v2_t *memory)',
      ) as unknown as Fn;
    } catch {
      // An older driver: the v1 call alone.
    }
    try {
      // Drivers before R450 lack field values: no PCIe or NVLink byte counters there.
      this.f['fields'] = lib.func(
        'int nvmlDeviceGetFieldValues(nvmlDevice_st *device, int count, _Inout_ nvmlFieldValue_t *values)',
      ) as unknown as Fn;
    } catch {
      delete this.f['fields'];
    }
    // Only the simulator's stand-in driver has this symbol; NVIDIA's never does.
    try {
      this.mock = (lib.func('int llmmonSimulated()') as unknown as Fn)() === 1;
    } catch {
      this.mock = false;
    }
    this.check(this.f['init']!(), 'nvmlInit_v2');
    const buf = Buffer.alloc(96);
    this.check(this.f['driver']!(buf, buf.length), 'nvmlSystemGetDriverVersion');
    this.driverVersion = cString(buf);
    const cuda = [0];
    // 12090 → "12.9"
    this.cudaVersion =
      this.f['cuda']!(cuda) === SUCCESS
        ? `${Math.floor(cuda[0]! / 1000)}.${Math.floor((cuda[0]! % 1000) / 10)}`
        : undefined;
    const count = [0];
    this.check(this.f['count']!(count), 'nvmlDeviceGetCount_v2');
    for (let i = 0; i < count[0]!; i++) {
      const out = [null];
      const code = this.f['handle']!(i, out);
      const fault = FAULTS.get(code);
      if (fault) {
        this.openFaults.set(i, fault);
        this.handles.push(undefined);
        this.identity.push({ uuid: `unknown-${i}`, name: '', pciBusId: '' });
        continue;
      }
      this.check(code, 'nvmlDeviceGetHandleByIndex_v2');
      this.handles.push(out[0]);
      try {
        this.identity.push({
          uuid: this.str('uuid', out[0]),
          name: this.str('name', out[0]),
          pciBusId: this.out<{ busId: string }>('pci', out[0])?.busId ?? '',
        });
      } catch {
        this.identity.push({ uuid: `unknown-${i}`, name: '', pciBusId: '' });
      }
    }
    this.events = this.createEventSet();
  }

  /** One event set for every GPU that supports XID events (not all do: vGPU, some drivers). */
  private createEventSet(): unknown {
    const set = [null];
    if (this.f['eventSetCreate']!(set) !== SUCCESS) return undefined;
    let registered = 0;
    for (const [index, h] of this.handles.entries()) {
      if (h === undefined) continue;
      this.indexByAddress.set(koffi.address(h), index);
      if (this.f['registerEvents']!(h, EVENT_XID, set[0]) === SUCCESS) {
        this.xids.set(index, { counts: {} });
        registered++;
      }
    }
    return registered ? set[0] : undefined;
  }

  /**
   * Drains queued XID events without waiting (timeout 0). The driver queues them between
   * reads, and reads run on the worker thread every GPU_REFRESH_SECONDS.
   */
  private drainXids(): void {
    if (!this.events) return;
    for (let i = 0; i < 1000; i++) {
      const out = [{}];
      const result = this.f['eventWait']!(this.events, out, 0);
      // TIMEOUT: the queue is empty. Other errors end this drain only: XIDs must not cost a read.
      if (result !== SUCCESS) return;
      const event = out[0] as { device: unknown; eventType: number | bigint; eventData: number | bigint };
      if ((BigInt(event.eventType) & EVENT_XID) === 0n) continue;
      const index = this.indexByAddress.get(koffi.address(event.device));
      const seen = index === undefined ? undefined : this.xids.get(index);
      if (!seen) continue;
      const code = Number(event.eventData);
      seen.counts[code] = (seen.counts[code] ?? 0) + 1;
      // NVML gives no time: when it was drained, at most one refresh interval late.
      seen.last = { code, timeSeconds: Date.now() / 1000 };
    }
  }

  /** A copy: the snapshot must not change after it was taken. */
  private xidCounts(index: number): GpuReading['xid'] {
    const seen = this.xids.get(index);
    return seen && { counts: { ...seen.counts }, last: seen.last };
  }

  private str(name: string, h: unknown): string {
    const buf = Buffer.alloc(96);
    this.check(this.f[name]!(h, buf, buf.length), name);
    return cString(buf);
  }

  private check(code: number, call: string): void {
    if (code !== SUCCESS) throw new NvmlError(code, call);
  }

  /** Memory through the v2 call where the driver has it, else v1 (no reserved figure). */
  private memory(h: unknown): MemoryInfo | undefined {
    const v2 = this.f['memV2'];
    if (v2) {
      const out: unknown[] = [{ version: MEMORY_V2_VERSION }];
      const code = v2(h, out);
      if (code === SUCCESS) return out[0] as MemoryInfo;
      if (code !== NOT_SUPPORTED && code !== FUNCTION_NOT_FOUND && code !== ARGUMENT_VERSION_MISMATCH)
        this.check(code, 'nvmlDeviceGetMemoryInfo_v2');
    }
    return this.out<MemoryInfo>('mem', h);
  }

  /** Calls fn with a one-element out array; undefined when NOT_SUPPORTED; throws on other errors. */
  private out<T>(name: string, ...args: unknown[]): T | undefined {
    const out: unknown[] = [name === 'pci' || name === 'util' || name === 'mem' ? {} : 0];
    const code = this.f[name]!(...args, out);
    if (code === NOT_SUPPORTED) return undefined;
    this.check(code, name);
    return out[0] as T;
  }

  async read(): Promise<GpuSnapshot> {
    const gpus: GpuReading[] = [];
    const processes: ProcessReading[] = [];
    this.drainXids();
    for (const [index, h] of this.handles.entries()) {
      const sick = (fault: GpuFault) =>
        gpus.push({
          index,
          ...this.identity[index]!,
          fault,
          xid: this.xidCounts(index),
          throttle: unknownThrottle(),
        });
      if (h === undefined) {
        sick(this.openFaults.get(index)!);
        continue;
      }
      // The GPU's processes only once all of its readings succeeded.
      const own: ProcessReading[] = [];
      try {
        gpus.push(this.readDevice(index, h, own));
        processes.push(...own);
      } catch (err) {
        const fault = faultOf(err);
        if (!fault) throw err;
        sick(fault);
      }
    }
    return {
      source: 'nvml',
      mock: this.mock,
      driverVersion: this.driverVersion,
      cudaVersion: this.cudaVersion,
      gpus,
      processes,
    };
  }

  private readDevice(index: number, h: unknown, processes: ProcessReading[]): GpuReading {
    const { uuid, name, pciBusId } = this.identity[index]!;
    // A cheap call that fails with GPU_IS_LOST when the GPU has fallen off the bus.
    const util = this.out<{ gpu: number; memory: number }>('util', h);
    const mem = this.memory(h);
    const mhz = (name: string, type: number) => {
      const v = this.out<number>(name, h, type);
      return v === undefined ? undefined : v * 1e6;
    };
    const milliwatts = (name: string) => {
      const v = this.out<number>(name, h);
      return v === undefined ? undefined : v / 1000;
    };
    const reasons = this.out<number | bigint>('reasons', h);
    const fan = this.out<number>('fan', h);
    const eccUncorrected = this.out<number | bigint>('ecc', h, 1, 0);
    const eccCorrected = this.out<number | bigint>('ecc', h, 0, 0);
    const eccUncorrectedAggregate = this.out<number | bigint>('ecc', h, 1, 1);
    const eccCorrectedAggregate = this.out<number | bigint>('ecc', h, 0, 1);
    const millijoules = this.out<number | bigint>('energy', h);
    const rows = this.remappedRows(h);
    const links = this.nvlinks(h);
    const migMode = this.migMode(h);
    const mig = migMode ? this.migDevices(h) : undefined;
    // Processes: ask with room for 64 (an H200 rarely runs more); grow once if told to. On a MIG
    // GPU the parent's list has every instance's processes, each with its instance's ids.
    let infos = this.runningProcesses(h, 64);
    if (infos === 'more') infos = this.runningProcesses(h, 1024);
    for (const p of infos === 'more' ? [] : infos) {
      processes.push({
        gpuUuid: uuid,
        pid: p.pid,
        processName: '',
        usedMemoryBytes: Number(p.usedGpuMemory),
        migInstance:
          mig && p.gpuInstanceId !== NO_ID
            ? migInstanceLabel({ gpuInstanceId: p.gpuInstanceId, computeInstanceId: p.computeInstanceId })
            : undefined,
      });
    }
    return {
      index,
      uuid,
      name,
      pciBusId,
      pstate: this.out<number>('pstate', h),
      utilization: util ? util.gpu / 100 : undefined,
      memoryUtilization: util ? util.memory / 100 : undefined,
      memoryTotalBytes: mem ? Number(mem.total) : undefined,
      memoryUsedBytes: mem ? Number(mem.used) : undefined,
      memoryFreeBytes: mem ? Number(mem.free) : undefined,
      memoryReservedBytes: mem?.reserved === undefined ? undefined : Number(mem.reserved),
      temperatureCelsius: this.out<number>('temp', h, 0),
      powerWatts: milliwatts('power'),
      powerLimitWatts: milliwatts('limit'),
      graphicsClockHertz: mhz('clock', 0),
      smClockHertz: mhz('clock', 1),
      memoryClockHertz: mhz('clock', 2),
      smClockMaxHertz: mhz('maxClock', 1),
      memoryClockMaxHertz: mhz('maxClock', 2),
      fanSpeedRatio: fan === undefined ? undefined : fan / 100,
      eccUncorrectedVolatile: eccUncorrected === undefined ? undefined : Number(eccUncorrected),
      eccCorrectedVolatile: eccCorrected === undefined ? undefined : Number(eccCorrected),
      eccUncorrectedAggregate:
        eccUncorrectedAggregate === undefined ? undefined : Number(eccUncorrectedAggregate),
      eccCorrectedAggregate: eccCorrectedAggregate === undefined ? undefined : Number(eccCorrectedAggregate),
      pcieLinkGeneration: this.out<number>('pcieGen', h),
      pcieLinkGenerationMax: this.out<number>('pcieGenMax', h),
      pcieLinkWidth: this.out<number>('pcieWidth', h),
      pcieLinkWidthMax: this.out<number>('pcieWidthMax', h),
      xid: this.xidCounts(index),
      pcieTransmitBytes: links.pcieTransmitBytes,
      pcieReceiveBytes: links.pcieReceiveBytes,
      pcieReplays: this.out<number>('pcieReplays', h),
      nvlinks: links.nvlinks,
      nvlinkErrors: links.nvlinkErrors,
      migMode,
      mig,
      energyJoules: millijoules === undefined ? undefined : Number(millijoules) / 1000,
      remappedRowsCorrectable: rows?.[0],
      remappedRowsUncorrectable: rows?.[1],
      rowRemapPending: rows?.[2],
      rowRemapFailed: rows?.[3],
      throttle: Object.fromEntries(
        THROTTLE_REASONS.map((r) => [
          r,
          reasons === undefined ? undefined : (BigInt(reasons) & REASON_BITS[r]) !== 0n,
        ]),
      ) as Record<ThrottleReason, boolean | undefined>,
    };
  }

  /** [correctable, uncorrectable, pending, failed]; undefined where the GPU has no row remapping (pre-Ampere). */
  private remappedRows(h: unknown): [number, number, number, number] | undefined {
    const outs = [[0], [0], [0], [0]] as [number[], number[], number[], number[]];
    const code = this.f['remapped']!(h, ...outs);
    if (code === NOT_SUPPORTED) return undefined;
    this.check(code, 'nvmlDeviceGetRemappedRows');
    return outs.map((o) => o[0]!) as [number, number, number, number];
  }

  /**
   * PCIe and NVLink traffic counters in one field-values call (PCIe bytes: fields 197/198,
   * drivers R535+; NVLink data KiB per link: 138/139), link states and error counters. What the
   * GPU or driver lacks is undefined; a GPU without NVLink answers NOT_SUPPORTED for link 0.
   */
  private nvlinks(
    h: unknown,
  ): Pick<GpuReading, 'pcieTransmitBytes' | 'pcieReceiveBytes' | 'nvlinks' | 'nvlinkErrors'> {
    const states: boolean[] = [];
    for (let link = 0; link < MAX_NVLINKS; link++) {
      const active = [0];
      const code = this.f['nvlinkState']!(h, link, active);
      if (code === NOT_SUPPORTED || code === INVALID_ARGUMENT) break;
      this.check(code, 'nvmlDeviceGetNvLinkState');
      states.push(active[0] === 1);
    }
    const field = (fieldId: number, scopeId = 0) => ({
      fieldId,
      scopeId,
      timestamp: 0,
      latencyUsec: 0,
      valueType: 0,
      nvmlReturn: 0,
      value: 0,
    });
    const asked = [
      field(FIELD_PCIE_TX_BYTES),
      field(FIELD_PCIE_RX_BYTES),
      ...states.flatMap((_, link) => [field(FIELD_NVLINK_TX_KIB, link), field(FIELD_NVLINK_RX_KIB, link)]),
    ];
    const got = this.f['fields'] && this.f['fields'](h, asked.length, asked) === SUCCESS ? asked : undefined;
    const valueOf = (i: number, scale = 1) => {
      const v = got?.[i];
      return v && v.nvmlReturn === SUCCESS ? Number(v.value) * scale : undefined;
    };
    const nvlinkErrors = states.length
      ? (Object.fromEntries(
          NVLINK_ERROR_TYPES.map((type, counter) => [
            type,
            states.reduce((sum, _, link) => {
              const out = [0];
              const code = this.f['nvlinkErrors']!(h, link, counter, out);
              return code === SUCCESS ? sum + Number(out[0]) : sum;
            }, 0),
          ]),
        ) as Record<NvlinkErrorType, number>)
      : undefined;
    return {
      pcieTransmitBytes: valueOf(0),
      pcieReceiveBytes: valueOf(1),
      nvlinks: states.length
        ? states.map((up, link) => ({
            link,
            up,
            transmitBytes: valueOf(2 + 2 * link, 1024),
            receiveBytes: valueOf(3 + 2 * link, 1024),
          }))
        : undefined,
      nvlinkErrors,
    };
  }

  /** undefined where the GPU or the driver has no MIG (pre-Ampere, old drivers). */
  private migMode(h: unknown): boolean | undefined {
    const current = [0];
    const code = this.f['migMode']!(h, current, [0]);
    if (code === NOT_SUPPORTED || code === FUNCTION_NOT_FOUND) return undefined;
    this.check(code, 'nvmlDeviceGetMigMode');
    return current[0] === 1;
  }

  /** Every MIG device of a MIG-enabled GPU: slots without an instance answer NOT_FOUND. */
  private migDevices(h: unknown): MigReading[] {
    const max = this.out<number>('migCount', h) ?? 0;
    const devices: MigReading[] = [];
    for (let i = 0; i < max; i++) {
      const out = [null];
      const code = this.f['migHandle']!(h, i, out);
      if (code === NOT_FOUND) continue;
      this.check(code, 'nvmlDeviceGetMigDeviceHandleByIndex');
      const m = out[0];
      const mem = this.out<MemoryInfo>('mem', m);
      devices.push({
        uuid: this.str('uuid', m),
        gpuInstanceId: this.out<number>('gpuInstance', m) ?? 0,
        computeInstanceId: this.out<number>('computeInstance', m) ?? 0,
        // "NVIDIA H200 MIG 1g.18gb" (and "+me" profiles, with a media engine).
        profile: /\bMIG (\S+)$/.exec(this.str('name', m))?.[1] ?? 'unknown',
        memoryTotalBytes: mem ? Number(mem.total) : undefined,
        memoryUsedBytes: mem ? Number(mem.used) : undefined,
        memoryFreeBytes: mem ? Number(mem.free) : undefined,
      });
    }
    return devices;
  }

  private runningProcesses(
    h: unknown,
    room: number,
  ):
    | { pid: number; usedGpuMemory: number | bigint; gpuInstanceId: number; computeInstanceId: number }[]
    | 'more' {
    const count = [room];
    const infos = Array.from({ length: room }, () => ({
      pid: 0,
      usedGpuMemory: 0,
      gpuInstanceId: 0,
      computeInstanceId: 0,
    }));
    const code = this.f['procs']!(h, count, infos);
    if (code === INSUFFICIENT_SIZE) return 'more';
    if (code === NOT_SUPPORTED) return [];
    this.check(code, 'nvmlDeviceGetComputeRunningProcesses_v3');
    return infos.slice(0, count[0]);
  }
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.toString('utf8', 0, end < 0 ? buf.length : end);
}
