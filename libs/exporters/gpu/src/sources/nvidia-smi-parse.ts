/**
 * Our own parser for `nvidia-smi --query-gpu / --query-compute-apps --format=csv,noheader,nounits`
 * (no npm package does this). Unavailable values in any of nvidia-smi's spellings become
 * undefined, never NaN; units become base units; a malformed line is skipped, not fatal.
 */
import { ParseError } from '@llmmon/metrics-core';
import {
  THROTTLE_REASONS,
  type GpuFault,
  type GpuReading,
  type ProcessReading,
  type ThrottleReason,
} from './types';

const MiB = 1024 * 1024;
const MHz = 1e6;

/** [N/A], N/A, [Not Supported], [Insufficient Permissions], [Unknown Error], deprecated… */
export function isUnavailable(raw: string): boolean {
  const v = raw.trim();
  return v === '' || v === 'N/A' || v === 'Not Supported' || /^\[.*\]$/.test(v);
}

export function num(raw: string | undefined, scale = 1): number | undefined {
  if (raw === undefined || isUnavailable(raw)) return undefined;
  const n = Number(raw.trim().replace(/ (%|MiB|W|MHz|C)$/, ''));
  if (!Number.isFinite(n)) return undefined;
  // Percentages divide by 100: 69 * 0.01 would print as 0.6900000000000001.
  return scale < 1 ? n / Math.round(1 / scale) : n * scale;
}

const flag = (raw: string | undefined): boolean | undefined => {
  if (raw === undefined || isUnavailable(raw)) return undefined;
  const v = raw.trim();
  return v === 'Active' || v === 'Enabled' || v === 'Yes'
    ? true
    : v === 'Not Active' || v === 'Disabled' || v === 'No'
      ? false
      : undefined;
};

const bit = (v: boolean | undefined) => (v === undefined ? undefined : v ? 1 : 0);

/** The fields we ask for, in order. */
export const GPU_FIELDS = [
  'index',
  'uuid',
  'name',
  'pci.bus_id',
  'driver_version',
  'pstate',
  'temperature.gpu',
  'temperature.memory',
  'utilization.gpu',
  'utilization.memory',
  'memory.total',
  'memory.reserved',
  'memory.used',
  'memory.free',
  'power.draw',
  'power.limit',
  'clocks.current.sm',
  'clocks.current.memory',
  'clocks.current.graphics',
  'clocks.max.sm',
  'clocks.max.memory',
  'fan.speed',
  'ecc.errors.uncorrected.volatile.total',
  'ecc.errors.corrected.volatile.total',
  'ecc.errors.uncorrected.aggregate.total',
  'ecc.errors.corrected.aggregate.total',
  'remapped_rows.correctable',
  'remapped_rows.uncorrectable',
  'remapped_rows.pending',
  'remapped_rows.failure',
  'pcie.link.gen.current',
  'pcie.link.gen.max',
  'pcie.link.width.current',
  'pcie.link.width.max',
  'mig.mode.current',
  ...THROTTLE_REASONS.map((r) => `clocks_event_reasons.${r}`),
] as const;

export const APP_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_memory'] as const;

/** The columns that name a GPU rather than read it. */
const IDENTITY_FIELDS = new Set(['index', 'uuid', 'name', 'pci.bus_id', 'driver_version']);

/**
 * What nvidia-smi's cells say of a sick GPU: "[GPU is lost]" or "[GPU requires reset]" in any
 * cell, or no reading at all with at least one "[Unknown Error]" (one unreadable field alone is
 * common on healthy GPUs and not a fault).
 */
function faultOf(cells: readonly string[], fields: readonly string[]): GpuFault | undefined {
  const readings = cells.filter((_, i) => !IDENTITY_FIELDS.has(fields[i] ?? '')).map((c) => c.trim());
  const all = cells.map((c) => c.trim().toLowerCase());
  if (all.includes('[gpu is lost]')) return 'lost';
  if (all.includes('[gpu requires reset]')) return 'reset_required';
  if (readings.every(isUnavailable) && readings.some((c) => c.toLowerCase() === '[unknown error]'))
    return 'unknown_error';
  return undefined;
}

/** Splits a CSV row; surplus separators (a comma inside the value) are rejoined into `wideColumn`. */
function split(line: string, expected: number, wideColumn: number): string[] | undefined {
  const parts = line.split(', ');
  if (parts.length === expected) return parts;
  if (parts.length < expected) return undefined;
  const extra = parts.length - expected;
  return [
    ...parts.slice(0, wideColumn),
    parts.slice(wideColumn, wideColumn + extra + 1).join(', '),
    ...parts.slice(wideColumn + extra + 1),
  ];
}

/** `fields` is the list actually queried (older drivers lack some; see the source). */
export function parseQueryGpu(
  text: string,
  fields: readonly string[],
): { gpus: GpuReading[]; driverVersion?: string } {
  const gpus: GpuReading[] = [];
  let driverVersion: string | undefined;
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const [row, line] of lines.entries()) {
    // The GPU name is the only free-text column that could hold ", ".
    const cells = split(line, fields.length, fields.indexOf('name'));
    if (!cells) continue;
    const fault = faultOf(cells, fields);
    const get = (f: string) => {
      let i = fields.indexOf(f);
      // Drivers before 535 call the clock-event reasons "throttle reasons".
      if (i < 0 && f.startsWith('clocks_event_reasons.'))
        i = fields.indexOf(f.replace('clocks_event_reasons.', 'clocks_throttle_reasons.'));
      return i >= 0 ? cells[i] : undefined;
    };
    // nvidia-smi lists GPUs by index: a sick GPU whose index cell is unreadable is its row's.
    const index = num(get('index')) ?? (fault ? row : undefined);
    const rawUuid = get('uuid')?.trim();
    const uuid = rawUuid && !isUnavailable(rawUuid) ? rawUuid : fault ? `unknown-${index}` : undefined;
    if (index === undefined || !uuid) continue;
    const driver = get('driver_version');
    if (driver && !isUnavailable(driver)) driverVersion = driver.trim();
    const pstate = get('pstate')?.trim();
    const text = (f: string) => {
      const v = get(f)?.trim();
      return v && !isUnavailable(v) ? v : '';
    };
    gpus.push({
      index,
      uuid,
      name: text('name'),
      pciBusId: text('pci.bus_id'),
      fault,
      pstate: pstate && /^P\d+$/.test(pstate) ? Number(pstate.slice(1)) : undefined,
      temperatureCelsius: num(get('temperature.gpu')),
      memoryTemperatureCelsius: num(get('temperature.memory')),
      utilization: num(get('utilization.gpu'), 0.01),
      memoryUtilization: num(get('utilization.memory'), 0.01),
      memoryTotalBytes: num(get('memory.total'), MiB),
      memoryReservedBytes: num(get('memory.reserved'), MiB),
      memoryUsedBytes: num(get('memory.used'), MiB),
      memoryFreeBytes: num(get('memory.free'), MiB),
      powerWatts: num(get('power.draw')),
      powerLimitWatts: num(get('power.limit')),
      smClockHertz: num(get('clocks.current.sm'), MHz),
      memoryClockHertz: num(get('clocks.current.memory'), MHz),
      graphicsClockHertz: num(get('clocks.current.graphics'), MHz),
      smClockMaxHertz: num(get('clocks.max.sm'), MHz),
      memoryClockMaxHertz: num(get('clocks.max.memory'), MHz),
      fanSpeedRatio: num(get('fan.speed'), 0.01),
      eccUncorrectedVolatile: num(get('ecc.errors.uncorrected.volatile.total')),
      eccCorrectedVolatile: num(get('ecc.errors.corrected.volatile.total')),
      eccUncorrectedAggregate: num(get('ecc.errors.uncorrected.aggregate.total')),
      eccCorrectedAggregate: num(get('ecc.errors.corrected.aggregate.total')),
      remappedRowsCorrectable: num(get('remapped_rows.correctable')),
      remappedRowsUncorrectable: num(get('remapped_rows.uncorrectable')),
      rowRemapPending: bit(flag(get('remapped_rows.pending'))),
      rowRemapFailed: bit(flag(get('remapped_rows.failure'))),
      pcieLinkGeneration: num(get('pcie.link.gen.current')),
      pcieLinkGenerationMax: num(get('pcie.link.gen.max')),
      pcieLinkWidth: num(get('pcie.link.width.current')),
      pcieLinkWidthMax: num(get('pcie.link.width.max')),
      // The mode only: MIG devices' own readings are in `nvidia-smi -q` alone (use NVML for them).
      migMode: flag(get('mig.mode.current')),
      throttle: Object.fromEntries(
        THROTTLE_REASONS.map((r) => [r, flag(get(`clocks_event_reasons.${r}`))]),
      ) as Record<ThrottleReason, boolean | undefined>,
    });
  }
  if (lines.length && !gpus.length)
    throw new ParseError(
      `nvidia-smi --query-gpu output had no readable GPU line: "${lines[0]!.slice(0, 120)}"`,
    );
  return driverVersion ? { gpus, driverVersion } : { gpus };
}

export function parseComputeApps(text: string): ProcessReading[] {
  const out: ProcessReading[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || /^No running (compute )?processes found/i.test(line)) continue;
    const cells = split(line, APP_FIELDS.length, 2);
    if (!cells) continue;
    const [uuid = '', pidRaw, name = '', mem] = cells;
    const pid = num(pidRaw);
    if (!uuid.startsWith('GPU-') || pid === undefined || !Number.isInteger(pid)) continue;
    out.push({ gpuUuid: uuid.trim(), pid, processName: name.trim(), usedMemoryBytes: num(mem, MiB) });
  }
  return out;
}
