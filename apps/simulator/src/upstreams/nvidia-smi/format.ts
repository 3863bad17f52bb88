/**
 * nvidia-smi's output formats rendered from a GpuSnapshot: `--query-gpu` and
 * `--query-compute-apps` CSV (header/noheader, units/nounits) and `-q -x` XML.
 */
import { QUERY_GPU_FIELDS } from './fields';
import type { GpuSnapshot } from './state';
import { GPU_XML_TEMPLATE } from './xml-template';

type Gpu = GpuSnapshot['gpus'][number];

export class QueryError extends Error {}

/** Old spellings nvidia-smi still accepts. */
const ALIASES: Record<string, string> = {
  gpu_name: 'name',
  gpu_uuid: 'uuid',
  gpu_bus_id: 'pci.bus_id',
  'temperature.gpu.current': 'temperature.gpu',
};
const canonical = (f: string) =>
  ALIASES[f] ?? f.replace(/^clocks_throttle_reasons\./, 'clocks_event_reasons.');

const FIELDS = new Map(QUERY_GPU_FIELDS.map(([field, header, sample]) => [field, { header, sample }]));

const active = (on: boolean) => (on ? 'Active' : 'Not Active');

/** What a GPU that needs a reset still answers: what the driver knew of it before. */
const IDENTITY = new Set([
  'timestamp',
  'driver_version',
  'count',
  'index',
  'name',
  'uuid',
  'serial',
  'hostname',
]);
const knownOfSickGpu = (field: string) => IDENTITY.has(field) || field.startsWith('pci.');

/** nvidia-smi's timestamp format: 2026/07/03 22:11:09.763 (local time). */
export function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** World-driven values, with units as nvidia-smi prints them; other fields keep the H200 sample. */
function value(field: string, g: Gpu, snap: GpuSnapshot): string | undefined {
  const free = g.memoryTotalMiB - g.memoryReservedMiB - g.memoryUsedMiB;
  switch (field) {
    case 'timestamp':
      return timestamp(snap.timeMs);
    case 'driver_version':
      return snap.driver;
    case 'count':
      return String(snap.gpus.length);
    case 'index':
      return String(g.index);
    case 'name':
      return g.name;
    case 'uuid':
      return g.uuid;
    case 'pci.bus_id':
      return g.pciBusId;
    case 'pci.bus':
      return `0x${g.pciBusId.split(':')[1]}`;
    case 'pstate':
      return g.pstate;
    case 'temperature.gpu':
      return String(g.temperatureC);
    case 'temperature.memory':
      return String(g.memoryTemperatureC);
    // A MIG-enabled GPU has no utilization (per MIG device it needs DCGM).
    case 'utilization.gpu':
      return g.migMode ? '[N/A]' : `${g.utilizationPct} %`;
    case 'utilization.memory':
      return g.migMode ? '[N/A]' : `${g.memoryUtilizationPct} %`;
    case 'mig.mode.current':
    case 'mig.mode.pending':
      return g.migMode ? 'Enabled' : 'Disabled';
    case 'memory.total':
      return `${g.memoryTotalMiB} MiB`;
    case 'memory.reserved':
      return `${g.memoryReservedMiB} MiB`;
    case 'memory.used':
      return `${g.memoryUsedMiB} MiB`;
    case 'memory.free':
      return `${free} MiB`;
    case 'power.draw':
    case 'power.draw.average':
    case 'power.draw.instant':
      return `${g.powerW.toFixed(2)} W`;
    case 'power.limit':
    case 'enforced.power.limit':
    case 'power.default_limit':
    case 'power.max_limit':
      return `${g.powerLimitW.toFixed(2)} W`;
    case 'clocks.current.sm':
    case 'clocks.current.graphics':
      return `${g.smClockMHz} MHz`;
    case 'clocks.current.memory':
      return `${g.memClockMHz} MHz`;
    case 'clocks.max.sm':
    case 'clocks.max.graphics':
      return `${g.maxSmClockMHz} MHz`;
    case 'clocks_event_reasons.gpu_idle':
      return active(g.idle);
    case 'clocks_event_reasons.hw_thermal_slowdown':
    case 'clocks_event_reasons.sw_thermal_slowdown':
      return active(g.thermalSlowdown);
    case 'clocks_event_reasons.active':
      return `0x${g.clockEventReasons.toString(16).toUpperCase().padStart(16, '0')}`;
    case 'hostname':
      return snap.hostname;
    default:
      return undefined;
  }
}

const stripUnit = (v: string) => v.replace(/ (%|MiB|W|MHz|us|ms|C)$/, '');

export interface CsvFormat {
  readonly header: boolean;
  readonly units: boolean;
}

export function queryGpu(
  snap: GpuSnapshot,
  fieldList: string,
  format: CsvFormat,
  only?: readonly number[],
): string {
  const fields = fieldList
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of fields) {
    if (!FIELDS.has(canonical(f))) throw new QueryError(`Field "${f}" is not a valid field to query.`);
  }
  const rows: string[] = [];
  if (format.header)
    rows.push(fields.map((f) => FIELDS.get(canonical(f))!.header.replace(/^[^ ]+/, f)).join(', '));
  for (const g of snap.gpus) {
    if (only && !only.includes(g.index)) continue;
    const cells = fields.map((f) => {
      const field = canonical(f);
      const v =
        g.resetRequired && !knownOfSickGpu(field)
          ? '[GPU requires reset]'
          : (value(field, g, snap) ?? FIELDS.get(field)!.sample);
      return format.units ? v : stripUnit(v);
    });
    rows.push(cells.join(', '));
  }
  return rows.join('\n') + '\n';
}

const APP_FIELDS: Record<
  string,
  { header: string; get: (g: Gpu, p: Gpu['processes'][number], s: GpuSnapshot) => string }
> = {
  timestamp: { header: 'timestamp', get: (_g, _p, s) => timestamp(s.timeMs) },
  gpu_name: { header: 'gpu_name', get: (g) => g.name },
  gpu_bus_id: { header: 'gpu_bus_id', get: (g) => g.pciBusId },
  gpu_serial: { header: 'gpu_serial', get: () => '1654223014201' },
  gpu_uuid: { header: 'gpu_uuid', get: (g) => g.uuid },
  pid: { header: 'pid', get: (_g, p) => String(p.pid) },
  process_name: { header: 'process_name', get: (_g, p) => p.name },
  name: { header: 'process_name', get: (_g, p) => p.name },
  used_gpu_memory: { header: 'used_gpu_memory [MiB]', get: (_g, p) => `${p.usedMiB} MiB` },
  used_memory: { header: 'used_gpu_memory [MiB]', get: (_g, p) => `${p.usedMiB} MiB` },
};

export function queryComputeApps(snap: GpuSnapshot, fieldList: string, format: CsvFormat): string {
  const fields = fieldList
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of fields) {
    if (!APP_FIELDS[f]) throw new QueryError(`Field "${f}" is not a valid field to query.`);
  }
  const rows: string[] = [];
  if (format.header) rows.push(fields.map((f) => APP_FIELDS[f]!.header).join(', '));
  for (const g of snap.gpus) {
    for (const p of g.processes) {
      rows.push(
        fields
          .map((f) => {
            const v = APP_FIELDS[f]!.get(g, p, snap);
            return format.units ? v : stripUnit(v);
          })
          .join(', '),
      );
    }
  }
  return rows.length ? rows.join('\n') + '\n' : format.header ? '' : 'No running processes found\n';
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Replaces the text of `<tag>` inside the first `<section>` (or anywhere when no section). */
function setElement(xml: string, tag: string, text: string, section?: string): string {
  if (section) {
    const start = xml.indexOf(`<${section}>`);
    const end = xml.indexOf(`</${section}>`, start);
    if (start < 0 || end < 0) return xml;
    return xml.slice(0, start) + setElement(xml.slice(start, end), tag, text) + xml.slice(end);
  }
  return xml.replace(new RegExp(`<${tag}>[^<]*</${tag}>`), `<${tag}>${xmlEscape(text)}</${tag}>`);
}

export function queryXml(snap: GpuSnapshot, only?: readonly number[]): string {
  const blocks = snap.gpus
    .filter((g) => !only || only.includes(g.index))
    .map((g) => {
      let x = GPU_XML_TEMPLATE.replace(/<gpu id="[^"]*">/, `<gpu id="${g.pciBusId}">`);
      const [domain = '', bus = '', devfn = ''] = g.pciBusId.split(':');
      x = setElement(x, 'uuid', g.uuid);
      x = setElement(x, 'minor_number', String(g.index));
      x = setElement(x, 'pci_bus_id', g.pciBusId, 'pci');
      x = setElement(x, 'pci_bus', bus, 'pci');
      x = setElement(x, 'pci_domain', domain.slice(-4), 'pci');
      x = setElement(x, 'pci_device', devfn.split('.')[0] ?? '00', 'pci');
      x = setElement(x, 'performance_state', g.pstate);
      x = setElement(x, 'clocks_event_reason_gpu_idle', active(g.idle), 'clocks_event_reasons');
      x = setElement(
        x,
        'clocks_event_reason_hw_thermal_slowdown',
        active(g.thermalSlowdown),
        'clocks_event_reasons',
      );
      x = setElement(
        x,
        'clocks_event_reason_sw_thermal_slowdown',
        active(g.thermalSlowdown),
        'clocks_event_reasons',
      );
      x = setElement(x, 'used', `${g.memoryUsedMiB} MiB`, 'fb_memory_usage');
      x = setElement(
        x,
        'free',
        `${g.memoryTotalMiB - g.memoryReservedMiB - g.memoryUsedMiB} MiB`,
        'fb_memory_usage',
      );
      x = setElement(x, 'gpu_util', `${g.utilizationPct} %`, 'utilization');
      x = setElement(x, 'memory_util', `${g.memoryUtilizationPct} %`, 'utilization');
      x = setElement(x, 'gpu_temp', `${g.temperatureC} C`, 'temperature');
      x = setElement(x, 'memory_temp', `${g.memoryTemperatureC} C`, 'temperature');
      x = setElement(x, 'average_power_draw', `${g.powerW.toFixed(2)} W`, 'gpu_power_readings');
      x = setElement(x, 'instant_power_draw', `${g.powerW.toFixed(2)} W`, 'gpu_power_readings');
      x = setElement(x, 'graphics_clock', `${g.smClockMHz} MHz`, 'clocks');
      x = setElement(x, 'sm_clock', `${g.smClockMHz} MHz`, 'clocks');
      x = setElement(x, 'mem_clock', `${g.memClockMHz} MHz`, 'clocks');
      const procs = g.processes
        .map(
          (p) => `\t\t\t<process_info>
\t\t\t\t<gpu_instance_id>N/A</gpu_instance_id>
\t\t\t\t<compute_instance_id>N/A</compute_instance_id>
\t\t\t\t<pid>${p.pid}</pid>
\t\t\t\t<type>C</type>
\t\t\t\t<process_name>${xmlEscape(p.name)}</process_name>
\t\t\t\t<used_memory>${p.usedMiB} MiB</used_memory>
\t\t\t</process_info>`,
        )
        .join('\n');
      return x.replace(
        /<processes>[\s\S]*?<\/processes>/,
        `<processes>${procs ? `\n${procs}\n\t\t` : '\n\t\t'}</processes>`,
      );
    });
  const when = new Date(snap.timeMs)
    .toString()
    .replace(/ GMT.*$/, '')
    .replace(/^(\w+ \w+ \d+) (\d+) ([\d:]+)$/, '$1 $3 $2');
  return `<?xml version="1.0" ?>
<!DOCTYPE nvidia_smi_log SYSTEM "nvsmi_device_v12.dtd">
<nvidia_smi_log>
\t<timestamp>${when}</timestamp>
\t<driver_version>${snap.driver}</driver_version>
\t<cuda_version>${snap.cuda}</cuda_version>
\t<attached_gpus>${snap.gpus.length}</attached_gpus>
${blocks.join('\n')}
</nvidia_smi_log>
`;
}
