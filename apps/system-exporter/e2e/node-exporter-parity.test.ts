/**
 * Integration: Debian's prometheus-node-exporter and our system exporter read the same real
 * /proc and /sys at nearly the same moment; every series both expose must agree.
 */
import {
  allSamples,
  parseExposition,
  seriesKey,
  type ParsedFamily,
  type ParsedSample,
} from '@llmmon/metrics-core';
import type { ManagedProcess } from '@llmmon/native-stack';
import { startBuiltExporter, startReferenceNodeExporter } from './helpers';

/** Families about the exporter process itself, not the host. */
const SELF = /^(go_|process_|promhttp_|nodejs_|llmmon_|node_exporter_build_info|node_scrape_collector_)/;

/** Values that cannot change between two reads a few milliseconds apart. */
const EXACT = new Set([
  'node_memory_MemTotal_bytes',
  'node_memory_SwapTotal_bytes',
  'node_memory_HugePages_Total',
  'node_memory_Hugepagesize_bytes',
  'node_memory_VmallocTotal_bytes',
  'node_filesystem_size_bytes',
  'node_filesystem_files',
  'node_filesystem_readonly',
  'node_filesystem_device_error',
  'node_boot_time_seconds',
  'node_uname_info',
  'node_disk_info',
  'node_processes_max_processes',
  'node_processes_max_threads',
  'node_time_clocksource_available_info',
  'node_time_clocksource_current_info',
  'node_time_zone_offset_seconds',
  'node_hwmon_chip_names',
  'node_hwmon_sensor_label',
]);

/** Absolute slack for gauges that move on their own (sizes in bytes, counts of things). */
function gaugeSlack(family: string): number {
  if (family.startsWith('node_memory_') || family.startsWith('node_filesystem_')) return 64 * 1024 * 1024;
  if (family.startsWith('node_processes_') || family.startsWith('node_procs_')) return 20;
  if (family === 'node_time_seconds') return 5;
  if (family.startsWith('node_load')) return 0.5;
  return 1;
}

function agrees(family: string, type: string, a: number, b: number): boolean {
  if (EXACT.has(family)) return a === b;
  const diff = Math.abs(a - b);
  if (type === 'counter' || family.startsWith('node_vmstat_')) {
    // Counters keep counting between the two reads: within 1% or a small absolute slack.
    return diff <= Math.max(0.01 * Math.max(Math.abs(a), Math.abs(b)), 5);
  }
  return diff <= Math.max(0.02 * Math.max(Math.abs(a), Math.abs(b)), gaugeSlack(family));
}

function hostSeries(
  families: Map<string, ParsedFamily>,
): Map<string, { family: ParsedFamily; sample: ParsedSample }> {
  const out = new Map<string, { family: ParsedFamily; sample: ParsedSample }>();
  for (const family of families.values()) {
    if (SELF.test(family.name)) continue;
    for (const sample of family.samples) out.set(seriesKey(sample), { family, sample });
  }
  return out;
}

describe('parity with prometheus-node-exporter on this host', () => {
  let reference: ManagedProcess & { url: string };
  let ours: ManagedProcess;
  let oursUrl: string;

  beforeAll(async () => {
    reference = await startReferenceNodeExporter();
    const started = await startBuiltExporter({ SCRAPE_CACHE_SECONDS: '0' });
    ours = started.proc;
    oursUrl = started.url;
  });

  afterAll(async () => {
    await Promise.all([reference?.stop(), ours?.stop()]);
  });

  it('agrees on every series both expose, and lacks none of the reference series', async () => {
    const get = async (url: string) => parseExposition(await (await fetch(`${url}/metrics`)).text());
    // Warm both up once (first reads allocate, page in, populate caches), then read together.
    await Promise.all([get(reference.url), get(oursUrl)]);
    const [theirs, mine] = await Promise.all([get(reference.url), get(oursUrl)]);

    const a = hostSeries(theirs);
    const b = hostSeries(mine);
    const shared = [...a.keys()].filter((k) => b.has(k));
    const missing = [...a.keys()].filter((k) => !b.has(k));
    const extra = [...b.keys()].filter((k) => !a.has(k));
    const disagreements = shared
      .map((k) => ({ k, ref: a.get(k)!, our: b.get(k)! }))
      .filter(({ ref, our }) => !agrees(ref.family.name, ref.family.type, ref.sample.value, our.sample.value))
      .map(({ k, ref, our }) => `${k}: node_exporter ${ref.sample.value}, ours ${our.sample.value}`);

    console.log(
      [
        `node_exporter series (host, same collectors): ${a.size}; ours: ${b.size}; shared: ${shared.length}`,
        `node_exporter series we lack (${missing.length}):`,
        ...missing.map((k) => `  ${k}`),
        `series only we expose (${extra.length}):`,
        ...extra.slice(0, 30).map((k) => `  ${k}`),
      ].join('\n'),
    );

    expect(disagreements).toEqual([]);
    expect(missing).toEqual([]);
    expect(shared.length).toBeGreaterThan(50);
    expect(allSamples(mine).length).toBeGreaterThan(0);
  });
});
