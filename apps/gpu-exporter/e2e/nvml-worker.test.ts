/**
 * The built GPU exporter with NVML on its worker thread (the entry script doubles as the
 * worker's), against the NVML stub: a driver stuck inside a call holds only the worker.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrape } from '@llmmon/metrics-core/testing';
import { compileNvmlStub } from '@llmmon/fixtures';
import { startBuiltGpuExporter } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'llmmon-nvml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The built exporter on the NVML stub, Docker off, every scrape fresh. */
async function startExporter(env: Record<string, string>) {
  const { exporter, url } = await startBuiltGpuExporter({
    LOG_LEVEL: 'error',
    DOCKER_ENABLED: 'false',
    GPU_SOURCE: 'nvml',
    SCRAPE_CACHE_SECONDS: '0',
    GPU_STATE_DIR: join(dir, 'state'),
    ...env,
  });
  return { url, stop: () => exporter.stop() };
}

describe('XID history (built exporter, NVML stub)', () => {
  it('counts XIDs per code and keeps them across a restart of the exporter', async () => {
    const lib = compileNvmlStub(dir, 'xids');
    const xids = async (url: string) => {
      const r = await scrape(url);
      const counts = r.families
        .get('llmmon_gpu_xid_errors_total')!
        .samples.filter((s) => s.labels['gpu'] === '1' && s.value > 0)
        .map((s) => `${s.labels['xid']}:${s.value}`);
      const last = r.families.get('llmmon_gpu_last_xid')!.samples.find((s) => s.labels['gpu'] === '1')!.value;
      return { counts, last };
    };
    // The stub's GPU 1 reports XID 79, then 48.
    let exporter = await startExporter({ NVML_LIBRARY: lib });
    try {
      expect(await xids(exporter.url)).toEqual({ counts: ['48:1', '79:1'], last: 48 });
    } finally {
      await exporter.stop();
    }
    // Restarted on a driver that reports none since: the counters continue, never fall to 0.
    exporter = await startExporter({ NVML_LIBRARY: lib, NVML_STUB_XIDS: '' });
    try {
      expect(await xids(exporter.url)).toEqual({ counts: ['48:1', '79:1'], last: 48 });
    } finally {
      await exporter.stop();
    }
  });
});

describe('a driver stuck inside an NVML call (built exporter, NVML on its worker thread)', () => {
  it('keeps answering scrapes with the last snapshot, marked stale, and recovers when the call returns', async () => {
    const healthy = compileNvmlStub(dir, 'healthy');
    const hangFile = join(dir, 'hang');
    const { url, stop } = await startExporter({
      NVML_LIBRARY: healthy,
      NVML_STUB_HANG_FILE: hangFile,
      NVIDIA_SMI_TIMEOUT_SECONDS: '0.5', // a read is abandoned after 1.5 s
    });
    const value = (r: Awaited<ReturnType<typeof scrape>>, name: string) =>
      r.families.get(name)?.samples[0]?.value;
    const sourceUp = (r: Awaited<ReturnType<typeof scrape>>) =>
      r.families.get('llmmon_upstream_up')?.samples.find((s) => s.labels['upstream'] === 'nvml')?.value;
    try {
      expect(sourceUp(await scrape(url))).toBe(1);
      writeFileSync(hangFile, ''); // from now on NVML does not return
      let r = await scrape(url);
      for (let i = 0; i < 100 && sourceUp(r) !== 0; i++) {
        await new Promise((res) => setTimeout(res, 100));
        // Every scrape must answer at once; a blocked event loop would trip this timeout.
        const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1_000) });
        expect(res.status).toBe(200);
        r = await scrape(url);
      }
      expect(sourceUp(r)).toBe(0);
      expect(value(r, 'llmmon_gpus')).toBe(8); // the last snapshot is still served
      unlinkSync(hangFile);
      for (let i = 0; i < 100 && sourceUp(r) !== 1; i++) {
        await new Promise((res) => setTimeout(res, 100));
        r = await scrape(url);
      }
      expect(sourceUp(r)).toBe(1);
    } finally {
      rmSync(hangFile, { force: true });
      await stop();
    }
  });
});
