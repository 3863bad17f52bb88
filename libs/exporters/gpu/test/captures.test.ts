/**
 * Real nvidia-smi captures (H200, H100; libs/fixtures/data/real-upstream) replayed through a
 * fake nvidia-smi, and the constructed 8x H200 CSV fixtures: the exporter's GPU families must
 * match the golden exposition.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackgroundSnapshot, parseExposition, silentLogger, UpstreamHealth } from '@llmmon/metrics-core';
import { GoldenFiles, renderCollector, scrape, startTestExporter } from '@llmmon/metrics-core/testing';
import { gpuCollector } from '../src/collectors/gpus';
import { processCollector } from '../src/collectors/processes';
import { NvidiaSmiSource } from '../src/sources/nvidia-smi';
import { parseComputeApps, parseQueryGpu } from '../src/sources/nvidia-smi-parse';
import type { GpuSnapshot } from '../src/sources/types';
import { FAKE_NVIDIA_SMI as FAKE, FIXTURES_DIR } from '@llmmon/fixtures';

const CAPTURES = join(FIXTURES_DIR, 'real-upstream');
const goldens = new GoldenFiles(join(__dirname, 'golden'));
afterAll(() => goldens.assertNoOrphans());

function snapshotFor(
  capture: string,
  extraEnv: Record<string, string> = {},
  timeoutMs = 10_000,
  upstreams = new UpstreamHealth('gpu', silentLogger()),
) {
  const env = { ...process.env, FAKE_NVIDIA_SMI_CAPTURE: join(CAPTURES, capture), ...extraEnv };
  const source = new NvidiaSmiSource(FAKE, timeoutMs, env);
  return new BackgroundSnapshot<GpuSnapshot>({
    upstream: upstreams.upstream(source.name),
    read: (s) => source.read(s),
    intervalMs: 60_000,
    timeoutMs,
  });
}

describe.each([
  ['h200', 'nvidia-smi-capture__linux-x86_64__nvidia-h200__590.48.01.txt'],
  ['h100', 'nvidia-smi-capture__linux-x86_64__nvidia-h100-80gb-hbm3__590.48.01.txt'],
])('the %s capture', (name, capture) => {
  it('renders the golden GPU exposition, in base units', async () => {
    const snap = snapshotFor(capture);
    await snap.refresh();
    expect(snap.current).toMatchObject({ ok: true });
    const text = await renderCollector(gpuCollector(snap));
    goldens.match(`${name}.prom`, text);
    const f = parseExposition(text);
    // NVIDIA's nvidia-smi: real GPUs.
    expect(f.get('llmmon_gpu_info')!.samples.every((x) => x.labels['mock'] === 'false')).toBe(true);
    const value = (n: string) => f.get(n)!.samples[0]!.value;
    expect(value('llmmon_gpu_memory_total_bytes') / 1024 / 1024).toBeGreaterThan(80_000);
    expect(value('llmmon_gpu_sm_clock_hertz')).toBeGreaterThan(1e9);
    expect(value('llmmon_gpu_utilization_ratio')).toBeLessThanOrEqual(1);
  });
});

describe('a wedged nvidia-smi', () => {
  it('never holds a scrape: the last snapshot is served, marked stale', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmmon-gpu-'));
    const sleepFile = join(dir, 'hang');
    // The timeout leaves room for two nvidia-smi runs on a busy CI machine; the hang lasts 30 s.
    let snap!: BackgroundSnapshot<GpuSnapshot>;
    const t = await startTestExporter({
      name: 'gpu',
      build: ({ upstreams }) => {
        snap = snapshotFor(
          'nvidia-smi-capture__linux-x86_64__nvidia-h200__590.48.01.txt',
          { FAKE_NVIDIA_SMI_SLEEP_FILE: sleepFile },
          2_000,
          upstreams,
        );
        return { collectors: [gpuCollector(snap)] };
      },
    });
    const upstream = (r: Awaited<ReturnType<typeof scrape>>, family: string, kind?: string) =>
      r.families.get(family)!.samples.find((x) => kind === undefined || x.labels['kind'] === kind)!.value;
    try {
      await snap.refresh();
      expect(snap.current.ok).toBe(true);
      writeFileSync(sleepFile, ''); // from now on nvidia-smi sleeps 30 s
      let readDone = false;
      const hung = snap.refresh().then(() => (readDone = true));
      const res = await scrape(t.url);
      // The scrape answered while the read is still stuck in nvidia-smi.
      expect(res.status).toBe(200);
      expect(readDone).toBe(false);
      await hung; // the hung read is abandoned at its 2 s timeout
      const after = await scrape(t.url);
      expect(upstream(after, 'llmmon_upstream_up')).toBe(0);
      expect(after.families.get('llmmon_gpu_temperature_celsius')!.samples).toHaveLength(1); // last snapshot still served
      expect(upstream(after, 'llmmon_upstream_errors_total', 'timeout')).toBe(1);
    } finally {
      snap.stop();
      await t.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it('has its fake nvidia-smi in place', () => {
  expect(existsSync(FAKE)).toBe(true);
});

describe('the constructed 8x H200 fixture (libs/fixtures/data/nvidia-smi-query-*.csv)', () => {
  it('renders the golden GPU and process exposition', async () => {
    const read = (f: string) => readFileSync(join(CAPTURES, '..', f), 'utf8');
    // The fixture's columns are named by its header file, units stripped.
    const fields = read('nvidia-smi-query-gpu-with-header.csv')
      .split('\n')[0]!
      .split(', ')
      .map((h) => h.replace(/ \[.*\]$/, ''));
    const snap = new BackgroundSnapshot<GpuSnapshot>({
      upstream: new UpstreamHealth('gpu', silentLogger()).upstream('nvidia-smi'),
      read: async () => ({
        source: 'nvidia-smi',
        ...parseQueryGpu(read('nvidia-smi-query-gpu.csv'), fields),
        processes: parseComputeApps(read('nvidia-smi-query-compute-apps.csv')),
      }),
      intervalMs: 60_000,
      timeoutMs: 5_000,
    });
    await snap.refresh();
    // No Docker here: processes are listed with container="" (host processes).
    const collectors = [gpuCollector(snap), processCollector(snap, '/nonexistent', undefined)];
    const text = (await Promise.all(collectors.map((c) => renderCollector(c)))).join('\n');
    goldens.match('constructed-8xh200.prom', text);
    const f = parseExposition(text);
    expect(f.get('llmmon_gpus')!.samples[0]!.value).toBe(8);
    expect(f.get('llmmon_gpu_process_memory_used_bytes')!.samples).toHaveLength(8);
    expect(text).not.toMatch(/\bNaN\b/);
  });
});
