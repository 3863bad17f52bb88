/**
 * Integration: the built GPU exporter reads the simulator's GPUs through each source (its
 * nvidia-smi shim, its NVML stand-in library), its /proc and Docker API; a real Prometheus
 * scrapes it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scrape } from '@llmmon/metrics-core/testing';
import {
  freePort,
  scrapeEverySecond,
  startPrometheus,
  startSimulator,
  waitForQuery,
  type ManagedProcess,
  type RunningPrometheus,
  type RunningSimulator,
} from '@llmmon/native-stack';
import { startBuiltGpuExporter } from './helpers';

const ROOT = join(__dirname, '../../..');
const DIST = join(ROOT, 'dist/apps');

/** The built GPU exporter on the simulator's GPUs through one source. */
function startGpuExporter(sim: RunningSimulator, source: 'nvidia-smi' | 'nvml', dataDir: string) {
  const up = sim.upstreams;
  return startBuiltGpuExporter({
    GPU_SOURCE: source,
    NVIDIA_SMI_PATH: up.nvidia_smi,
    ...(source === 'nvml' ? { NVML_LIBRARY: up.nvml ?? 'the simulator could not build its NVML' } : {}),
    GPU_STATE_DIR: join(dataDir, 'gpu-state'),
    PROCFS_PATH: up.host.procfs,
    DOCKER_HOST: `unix://${up.docker.socket}`,
  });
}

describe.each(['nvidia-smi', 'nvml'] as const)(
  'GPU exporter on the simulated 8x H200 server, through %s',
  (source) => {
    let sim: RunningSimulator;
    let exporter: ManagedProcess;
    let prometheus: RunningPrometheus;
    let url: string;
    const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-gpu-sim-'));
    const put = (path: string, body: object) => sim.put(path, body);

    beforeAll(async () => {
      if (!existsSync(join(DIST, 'gpu-exporter/main.js')))
        throw new Error('dist/apps/gpu-exporter is missing: run "npx nx build gpu-exporter"');
      sim = await startSimulator({ root: ROOT, dataDir: join(dataDir, 'sim'), env: { SIM_CLOCK: 'manual' } });
      ({ exporter, url } = await startGpuExporter(sim, source, dataDir));
      prometheus = await startPrometheus({
        port: await freePort(),
        dataDir: join(dataDir, 'prometheus'),
        config: scrapeEverySecond({ gpu: new URL(url).host }),
      });
    });

    afterAll(async () => {
      await prometheus?.stop();
      await exporter?.stop();
      await sim?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('reports 8 GPUs, marked as mock, and names the container behind every GPU process', async () => {
      // The Docker directory loads in the background: wait until the processes have owners.
      let r = await scrape(url);
      for (let i = 0; i < 50 && !r.families.get('llmmon_gpu_container_memory_used_bytes'); i++) {
        await new Promise((res) => setTimeout(res, 100));
        r = await scrape(url);
      }
      expect(r.families.get('llmmon_gpus')!.samples[0]!.value).toBe(8);
      expect(r.families.get('llmmon_gpu_info')!.samples.every((s) => s.labels['source'] === source)).toBe(
        true,
      );
      expect(r.families.get('llmmon_gpu_info')!.samples.every((s) => s.labels['mock'] === 'true')).toBe(true);
      // CUDA version from the shim's `nvidia-smi --version`.
      expect(r.families.get('llmmon_gpu_info')!.samples[0]!.labels['cuda_version']).toBe('12.9');
      const procs = r.families.get('llmmon_gpu_process_memory_used_bytes')!.samples;
      expect(procs).toHaveLength(8);
      expect(procs.every((p) => p.labels['container']!.startsWith('vllm-'))).toBe(true);
      // GPU memory per container equals the sum of its processes, GPU by GPU.
      const perContainer = r.families.get('llmmon_gpu_container_memory_used_bytes')!.samples;
      for (const c of perContainer) {
        const sum = procs
          .filter(
            (p) => p.labels['container'] === c.labels['container'] && p.labels['gpu'] === c.labels['gpu'],
          )
          .reduce((a, p) => a + p.value, 0);
        expect(c.value).toBe(sum);
      }
      const llama = perContainer
        .filter((c) => c.labels['container'] === 'vllm-llama70b')
        .map((c) => c.labels['gpu'])
        .sort();
      expect(llama).toEqual(['0', '1']);
      expect(
        perContainer.find((c) => c.labels['container'] === 'vllm-llama70b')!.labels['compose_service'],
      ).toBe('vllm-llama70b');
    });

    /** Switches the scenario and moves the (manual) clock ahead: the world steps when it moves. */
    async function switchTo(scenario: string, aheadMs: number): Promise<void> {
      expect((await put('/api/v1/scenario', { scenario })).status).toBe(200);
      const time = new Date(Date.now() + aheadMs).toISOString();
      expect((await put('/api/v1/clock', { mode: 'manual', time })).status).toBe(200);
    }

    it('names the GPU of gpu_failure reset_required, and keeps the other seven ok', async () => {
      await switchTo('gpu_failure', 60_000);
      const state = async () => {
        const r = await scrape(url);
        return r.families
          .get('llmmon_gpu_health')!
          .samples.filter((s) => s.value === 1)
          .map((s) => `${s.labels['gpu']}:${s.labels['state']}`);
      };
      let states: string[] = [];
      for (let i = 0; i < 50 && !states.includes('5:reset_required'); i++) {
        await new Promise((res) => setTimeout(res, 200));
        states = await state();
      }
      expect(states).toContain('5:reset_required');
      expect(states.filter((s) => s.endsWith(':ok'))).toHaveLength(7);
      // The driver raised a double-bit ECC error on the way: an NVML event (nvidia-smi has none).
      const r = await scrape(url);
      const xids = r.families.get('llmmon_gpu_xid_errors_total')?.samples.filter((s) => s.value > 0);
      const last = r.families.get('llmmon_gpu_last_xid')?.samples.filter((s) => s.value > 0);
      if (source === 'nvml') {
        expect(xids!.map((s) => `${s.labels['gpu']}:${s.labels['xid']}:${s.value}`)).toEqual(['5:48:1']);
        expect(last!.map((s) => `${s.labels['gpu']}:${s.value}`)).toEqual(['5:48']);
      } else {
        expect(xids).toBeUndefined();
      }
      expect((await put('/api/v1/scenario', { scenario: 'normal' })).status).toBe(200);
    });

    it('shows gpu_overheat at the next scrape, and Prometheus sees all 8 GPUs', async () => {
      await switchTo('gpu_overheat', 120_000);
      let hot: number | undefined;
      for (let i = 0; i < 30 && !(hot! > 85); i++) {
        await new Promise((res) => setTimeout(res, 200));
        const r = await scrape(url);
        hot = r.families
          .get('llmmon_gpu_temperature_celsius')!
          .samples.find((s) => s.labels['gpu'] === '3')!.value;
      }
      expect(hot).toBeGreaterThan(85);
      const gpus = await waitForQuery(
        prometheus.url,
        'count(llmmon_gpu_temperature_celsius)',
        (res) => res[0]?.value[1] === '8',
      );
      expect(gpus[0]!.value[1]).toBe('8');
    });
  },
);

describe('GPU exporter on the simulated server with GPU 7 in MIG mode, through nvml', () => {
  let sim: RunningSimulator;
  let exporter: ManagedProcess;
  let url: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-gpu-mig-'));

  beforeAll(async () => {
    sim = await startSimulator({
      root: ROOT,
      dataDir: join(dataDir, 'sim'),
      env: { SIM_CLOCK: 'manual', SIM_LAYOUT: 'mig' },
    });
    ({ exporter, url } = await startGpuExporter(sim, 'nvml', dataDir));
  });
  afterAll(async () => {
    await exporter?.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists the seven MIG devices, names each small model's container on its device, and counts energy once per GPU", async () => {
    let r = await scrape(url);
    const onMig = () =>
      (r.families.get('llmmon_gpu_container_memory_used_bytes')?.samples ?? []).filter(
        (s) => s.labels['mig_instance'] !== '',
      );
    for (let i = 0; i < 50 && onMig().length < 3; i++) {
      await new Promise((res) => setTimeout(res, 100));
      r = await scrape(url);
    }
    const samples = (name: string) => r.families.get(name)?.samples ?? [];
    expect(samples('llmmon_gpu_mig_mode').map((s) => s.value)).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    const devices = samples('llmmon_gpu_mig_device_info');
    expect(
      devices.map((s) => `${s.labels['gpu']} ${s.labels['mig_instance']} ${s.labels['mig_profile']}`),
    ).toEqual([7, 8, 9, 10, 11, 12, 13].map((gi) => `7 ${gi}/0 1g.18gb`));
    expect(
      onMig()
        .map((s) => `${s.labels['container']} on ${s.labels['mig_instance']}`)
        .sort(),
    ).toEqual(['vllm-embed on 7/0', 'vllm-minilm on 9/0', 'vllm-reranker on 8/0']);
    // Each device's memory within its total, the devices' within the GPU's.
    const total = (name: string) => samples(name).reduce((a, s) => a + s.value, 0);
    const used = samples('llmmon_gpu_mig_memory_used_bytes');
    for (const u of used) {
      const t = samples('llmmon_gpu_mig_memory_total_bytes').find(
        (s) => s.labels['mig_instance'] === u.labels['mig_instance'],
      )!;
      expect(u.value).toBeLessThanOrEqual(t.value);
    }
    const gpu7 = (name: string) => samples(name).find((s) => s.labels['gpu'] === '7')!.value;
    expect(total('llmmon_gpu_mig_memory_total_bytes')).toBeLessThanOrEqual(
      gpu7('llmmon_gpu_memory_total_bytes'),
    );
    expect(total('llmmon_gpu_mig_memory_used_bytes')).toBeLessThanOrEqual(
      gpu7('llmmon_gpu_memory_used_bytes'),
    );
    // Device-level readings once per GPU: summing energy over the host counts GPU 7 once.
    expect(samples('llmmon_gpu_energy_joules_total')).toHaveLength(8);
    expect(samples('llmmon_gpu_power_watts')).toHaveLength(8);
    // NVML gives no utilization for a MIG-enabled GPU: absent, not 0.
    expect(samples('llmmon_gpu_utilization_ratio').map((s) => s.labels['gpu'])).not.toContain('7');
  });
});
