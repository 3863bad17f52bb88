import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QueryError, queryComputeApps, queryGpu, queryXml } from '../src/upstreams/nvidia-smi/format';
import { gpuSnapshot } from '../src/upstreams/nvidia-smi/state';
import { scenarioByName } from '../src/world/scenarios';
import { nvmlStateText } from '../src/upstreams/nvml/driver';
import { World } from '../src/world/world';
import type { LayoutName } from '../src/world/layout';
import { DIST, startSimulator } from './helpers';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;
const START = Date.parse('2025-11-18T14:30:00Z');
const world = new World(42, START, { scenario: 'normal', settings: scenarioByName('normal')!.settings });
world.advanceTo(START + 60_000);
const snap = gpuSnapshot(world);

/** A normal world of `layout`, two minutes in. */
function snapshotOf(layout: LayoutName) {
  const w = new World(
    42,
    START,
    { scenario: 'normal', settings: scenarioByName('normal')!.settings },
    layout,
  );
  w.advanceTo(START + 120_000);
  return gpuSnapshot(w);
}

/**
 * The shape of a CSV cell: digits become 9 (so "612.31 W" and "75.00 W" compare equal), a GPU
 * UUID is a UUID (the capture masks its own with zeros), and Active/Not Active are one kind.
 */
const shape = (cell: string) =>
  cell
    .replace(/^GPU-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/, 'GPU-<uuid>')
    .replace(/^(Not )?Active$/, '<active?>')
    .replace(/0x[0-9A-F]+/g, '0xH')
    .replace(/\d+/g, '9');

describe('nvidia-smi --query-gpu', () => {
  it('prints the same header as the real tool for the fixture field list, and one row per GPU', () => {
    const fixture = readFileSync(join(FIXTURES, 'nvidia-smi-query-gpu-with-header.csv'), 'utf8')
      .trim()
      .split('\n');
    const fields = fixture[0]!.split(', ').map((h) => h.replace(/ \[.*\]$/, ''));
    const out = queryGpu(snap, fields.join(','), { header: true, units: true }).trim().split('\n');
    expect(out[0]).toBe(fixture[0]);
    expect(out).toHaveLength(9);
    // Same cell shapes as the fixture's rows (units, [N/A], Enabled, hex…), GPU by GPU.
    for (let i = 1; i <= 8; i++) {
      expect(out[i]!.split(', ').map(shape)).toEqual(fixture[i]!.split(', ').map(shape));
    }
  });

  it('matches the real H200 capture cell by cell in shape, for all 212 fields', () => {
    const capture = readFileSync(
      join(FIXTURES, 'real-upstream/nvidia-smi-capture__linux-x86_64__nvidia-h200__590.48.01.txt'),
      'utf8',
    ).split('\n');
    const at = capture.findIndex((l) => l.startsWith('# load :: query-gpu'));
    const fields = capture[at + 1]!.split('--query-gpu=')[1]!.split(' ')[0]!;
    const [header, row] = [capture[at + 3]!, capture[at + 4]!];
    const out = queryGpu(snap, fields, { header: true, units: true }, [0]).trim().split('\n');
    expect(out[0]).toBe(header);
    const ours = out[1]!.split(', ').map(shape);
    const real = row.split(', ').map(shape);
    const differing = ours.map((s, i) => [fields.split(',')[i], s, real[i]]).filter(([, a, b]) => a !== b);
    // The hostname is [N/A] on the capture's host and set here; everything else keeps its shape.
    expect(differing).toEqual([['hostname', 'gpu-node-9', '[N/A]']]);
  });

  it('gpu_failure: GPU 5 answers "[GPU requires reset]" for every reading, keeps its identity, runs nothing', () => {
    const sick = new World(42, START, {
      scenario: 'gpu_failure',
      settings: scenarioByName('gpu_failure')!.settings,
    });
    sick.advanceTo(START + 60_000);
    const s = gpuSnapshot(sick);
    const fields = 'index,uuid,name,pci.bus_id,temperature.gpu,utilization.gpu,memory.used,power.draw';
    const rows = queryGpu(s, fields, { header: false, units: false }).trim().split('\n');
    const five = rows[5]!.split(', ');
    expect(five.slice(0, 4)).toEqual(['5', s.gpus[5]!.uuid, 'NVIDIA H200', s.gpus[5]!.pciBusId]);
    expect(new Set(five.slice(4))).toEqual(new Set(['[GPU requires reset]']));
    expect(rows[4]).not.toContain('[GPU requires reset]');
    expect(queryComputeApps(s, 'gpu_uuid,pid', { header: false, units: false })).not.toContain(
      s.gpus[5]!.uuid,
    );
    // The driver raised one XID 48 (double-bit ECC) on the way, for NVML's event queue.
    expect(s.xids.map((x) => [x.gpu, x.code])).toEqual([[5, 48]]);
    sick.advanceTo(START + 120_000);
    expect(sick.xids).toHaveLength(1);
    // NVML's stand-in reads the same: RESET_REQUIRED (16) for GPU 5, the XID queued.
    const text = nvmlStateText(gpuSnapshot(sick));
    expect(text).toMatch(new RegExp(`^gpu index=5 uuid=${s.gpus[5]!.uuid} .*fault=16 `, 'm'));
    expect(text).toMatch(/^gpu index=4 .*fault=0 /m);
    expect(text).toContain('xid seq=1 gpu=5 code=48');
  });

  it('mig layout: GPU 7 as seven 1g.18gb MIG devices, no utilization, three small models on devices of their own', () => {
    const s = snapshotOf('mig');
    const g7 = s.gpus[7]!;
    expect(g7.migMode).toBe(true);
    expect(s.gpus[6]!.migMode).toBe(false);
    expect(g7.mig.map((m) => `${m.gpuInstanceId}/${m.computeInstanceId} ${m.profile}`)).toEqual(
      [7, 8, 9, 10, 11, 12, 13].map((gi) => `${gi}/0 1g.18gb`),
    );
    expect(g7.mig.reduce((a, m) => a + m.memoryTotalMiB, 0)).toBeLessThanOrEqual(g7.memoryTotalMiB);
    expect(g7.mig.reduce((a, m) => a + m.memoryUsedMiB, 0)).toBeLessThanOrEqual(g7.memoryUsedMiB);
    expect(g7.processes.map((p) => p.gpuInstanceId)).toEqual([7, 8, 9]);
    for (const p of g7.processes)
      expect(p.usedMiB).toBeLessThanOrEqual(
        g7.mig.find((m) => m.gpuInstanceId === p.gpuInstanceId)!.memoryUsedMiB,
      );
    const row = queryGpu(s, 'index,mig.mode.current,utilization.gpu', { header: false, units: false })
      .trim()
      .split('\n');
    expect(row[7]).toBe('7, Enabled, [N/A]');
    expect(row[6]).toMatch(/^6, Disabled, \d+$/);
  });

  it('h100 layout: four H100 80GB, a 70B model across two, the 8B model and the embedder on one each', () => {
    const s = snapshotOf('h100');
    const rows = queryGpu(s, 'index,name,memory.total,power.limit', { header: false, units: true })
      .trim()
      .split('\n');
    expect(rows).toEqual([0, 1, 2, 3].map((i) => `${i}, NVIDIA H100 80GB HBM3, 81559 MiB, 700.00 W`));
    expect(s.gpus.map((g) => g.processes.map((p) => p.container))).toEqual([
      ['vllm-llama70b'],
      ['vllm-llama70b'],
      ['vllm-llama8b'],
      ['vllm-embed'],
    ]);
    for (const g of s.gpus) expect(g.memoryUsedMiB).toBeLessThanOrEqual(81559 - 527);
    expect(s.gpus[0]!.memoryUsedMiB).toBeGreaterThan(81559 * 0.85);
    // Its GPUs' UUIDs are not the H200s'.
    expect(s.gpus.map((g) => g.uuid)).not.toContain(snap.gpus[0]!.uuid);
  });

  it('supports noheader,nounits, [N/A] fields, GPU selection and old field names', () => {
    const out = queryGpu(
      snap,
      'index,utilization.gpu,memory.used,fan.speed,clocks_throttle_reasons.hw_slowdown',
      { header: false, units: false },
      [2, 3],
    );
    const rows = out.trim().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^2, \d+, \d+, \[N\/A\], (Not Active|Active)$/);
  });

  it('rejects unknown fields like the real tool', () => {
    expect(() => queryGpu(snap, 'index,gpu_fun', { header: true, units: true })).toThrow(QueryError);
    expect(() => queryGpu(snap, 'index,gpu_fun', { header: true, units: true })).toThrow(
      'Field "gpu_fun" is not a valid field to query.',
    );
  });

  it('lists compute processes with the fixture columns', () => {
    const out = queryComputeApps(snap, 'gpu_uuid,pid,process_name,used_memory', {
      header: false,
      units: false,
    })
      .trim()
      .split('\n');
    expect(out).toHaveLength(8); // TP workers on 0-5, an engine core on 6 and on 7
    expect(out[0]).toMatch(/^GPU-8b9eab1c-05d9-a78b-eb5c-e7afb1c95719, \d+, VLLM::Worker_TP0, \d+$/);
  });

  it('renders -q -x with the world values in the real element layout', () => {
    const xml = queryXml(snap, [0, 1]);
    expect(xml.match(/<gpu id=/g)).toHaveLength(2);
    expect(xml).toContain('<gpu id="00000000:2A:00.0">');
    expect(xml).toContain(`<gpu_util>${snap.gpus[0]!.utilizationPct} %</gpu_util>`);
    expect(xml).toContain(`<used>${snap.gpus[1]!.memoryUsedMiB} MiB</used>`);
    expect(xml).toMatch(/<process_name>VLLM::Worker_TP1<\/process_name>/);
    expect(xml.trim().endsWith('</nvidia_smi_log>')).toBe(true);
  });
});

describe('the installed shim', () => {
  const shim = join(DIST, 'simulator/nvidia-smi.js');
  beforeAll(() => {
    if (!existsSync(shim)) throw new Error(`${shim} is missing: run "npx nx build simulator" first`);
  });

  it('answers like nvidia-smi from the running simulator, and fails like it when the driver is gone', async () => {
    const s = await startSimulator();
    try {
      const out = execFileSync(
        s.sim.gpuState.shimPath,
        ['--query-gpu=index,name,memory.total', '--format=csv,noheader,nounits'],
        {
          encoding: 'utf8',
        },
      );
      expect(out.trim().split('\n')).toEqual(
        Array.from({ length: 8 }, (_, i) => `${i}, NVIDIA H200, 143771`),
      );
      const bad = spawnSync(s.sim.gpuState.shimPath, ['--query-gpu=bogus', '--format=csv'], {
        encoding: 'utf8',
      });
      expect(bad.status).toBe(2);
      expect(bad.stdout).toContain('Field "bogus" is not a valid field to query.');
      const noDriver = spawnSync(process.execPath, [shim, '--query-gpu=index', '--format=csv'], {
        encoding: 'utf8',
        env: { ...process.env, LLMMON_SIM_GPU_STATE: '/nonexistent' },
      });
      expect(noDriver.status).toBe(9);
    } finally {
      await s.stop();
      s.cleanup();
    }
  });
});
