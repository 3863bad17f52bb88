/**
 * The NVML path for real, through koffi, against a stub libnvidia-ml.so compiled here with gcc
 * (same symbols and signatures as NVML; fixed values and error codes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@llmmon/metrics-core';
import { compileNvmlStub } from '@llmmon/fixtures';
import { NvmlSource } from '../src/sources/nvml';
import { selectSource } from '../src/sources/select';
import { renderGpus } from './helpers';
import { XID_CATALOG } from '../src/xid-catalog';

const dir = mkdtempSync(join(tmpdir(), 'llmmon-nvml-'));
const MiB = 1024 * 1024;
const compile = (name: string, ...defines: string[]) => compileNvmlStub(dir, name, ...defines);
let healthy: string;
let sick: string;
let noMemoryV2: string;
let mig: string;

beforeAll(() => {
  healthy = compile('healthy');
  sick = compile('sick', '-DSTUB_LOST_GPU=5', '-DSTUB_RESET_GPU=4', '-DSTUB_UNKNOWN_GPU=2');
  noMemoryV2 = compile('pre-r510', '-DSTUB_NO_MEMORY_V2');
  mig = compile('mig', '-DSTUB_MIG_GPU=7');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('NVML source', () => {
  it('reads every GPU in base units; what the GPU does not support is absent', async () => {
    const source = new NvmlSource(healthy);
    const snap = await source.read();
    expect(snap.driverVersion).toBe('575.57.08');
    expect(snap.cudaVersion).toBe('12.9');
    expect(snap.gpus).toHaveLength(8);
    expect(snap.gpus[3]).toMatchObject({
      index: 3,
      uuid: 'GPU-stub0000-0000-0000-0000-000000000003',
      name: 'NVIDIA H200',
      pciBusId: '00000000:48:00.0',
      utilization: 0.83,
      memoryTotalBytes: 143771 * MiB,
      // The v2 call: used without the driver's reserved memory, as nvidia-smi shows it.
      memoryUsedBytes: 128752 * MiB,
      memoryReservedBytes: 616 * MiB,
      memoryFreeBytes: (143771 - 128752 - 616) * MiB,
      temperatureCelsius: 63,
      powerWatts: 612.31,
      powerLimitWatts: 700,
      smClockHertz: 1980e6,
      memoryClockHertz: 3201e6,
      pstate: 0,
      eccCorrectedVolatile: 2,
      eccCorrectedAggregate: 7,
      eccUncorrectedAggregate: 1,
      fanSpeedRatio: undefined, // NVML_ERROR_NOT_SUPPORTED on an H200
      energyJoules: 123456789, // NVML counts millijoules
      remappedRowsUncorrectable: 0,
      rowRemapPending: 0,
    });
    // XID events are drained at each read and counted once, per code; the latest is the last.
    expect(snap.gpus[1]!.xid).toMatchObject({ counts: { 79: 1, 48: 1 }, last: { code: 48 } });
    expect(snap.gpus[1]!.xid!.last!.timeSeconds).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(snap.gpus[0]!.xid).toEqual({ counts: {}, last: undefined });
    expect((await source.read()).gpus[1]!.xid).toEqual(snap.gpus[1]!.xid);
    expect(snap.gpus[2]).toMatchObject({ pcieLinkWidth: 8, pcieLinkWidthMax: 16, pcieLinkGeneration: 5 });
    // PCIe and NVLink traffic counters (NVLink counts KiB), link states, errors summed over links.
    expect(snap.gpus[2]).toMatchObject({ pcieTransmitBytes: 3e9, pcieReceiveBytes: 6e9, pcieReplays: 0 });
    expect(snap.gpus[2]!.nvlinks).toHaveLength(18);
    expect(snap.gpus[2]!.nvlinks![17]).toEqual({
      link: 17,
      up: true,
      transmitBytes: 18000 * 1024,
      receiveBytes: 36000 * 1024,
    });
    expect(snap.gpus[4]!.nvlinks!.filter((l) => !l.up).map((l) => l.link)).toEqual([17]);
    expect(snap.gpus[4]!.nvlinkErrors).toEqual({
      replay: 2,
      recovery: 0,
      crc_flit: 5,
      crc_data: 0,
      ecc_data: 0,
    });
    expect(snap.gpus[4]!.pcieReplays).toBe(3);
    expect(snap.gpus[6]).toMatchObject({
      remappedRowsCorrectable: 2,
      remappedRowsUncorrectable: 1,
      rowRemapPending: 1,
      rowRemapFailed: 0,
    });
    expect(snap.gpus[3]!.throttle.hw_thermal_slowdown).toBe(true);
    expect(snap.gpus[0]!.throttle.hw_thermal_slowdown).toBe(false);
    expect(snap.processes).toHaveLength(8);
    expect(snap.processes[0]).toMatchObject({ pid: 1843377, usedMemoryBytes: 128732 * MiB });
  });

  it('falls back to the v1 memory call on a driver without v2 (reserved then counts as used)', async () => {
    const snap = await new NvmlSource(noMemoryV2).read();
    expect(snap.gpus[0]).toMatchObject({
      memoryTotalBytes: 143771 * MiB,
      memoryUsedBytes: (128752 + 616) * MiB,
      memoryFreeBytes: (143771 - 128752 - 616) * MiB,
    });
    expect(snap.gpus[0]!.memoryReservedBytes).toBeUndefined();
  });

  it('names each sick GPU by its state (lost, needs a reset, unreadable) and reads the others as usual', async () => {
    const source = new NvmlSource(sick);
    const { families: f, upstream } = await renderGpus(() => source.read());
    // One-hot: seven states per GPU, exactly one of them 1. GPU 3 runs hardware-throttled and
    // GPU 6 waits for a reset to finish a row remap (the stub's healthy values).
    const health = f.get('llmmon_gpu_health')!.samples;
    expect(health).toHaveLength(8 * 7);
    expect(
      health.filter((s) => s.value === 1).map((s) => [s.labels['gpu'], s.labels['uuid'], s.labels['state']]),
    ).toEqual([
      ['0', 'GPU-stub0000-0000-0000-0000-000000000000', 'ok'],
      ['1', 'GPU-stub0000-0000-0000-0000-000000000001', 'ok'],
      ['2', 'GPU-stub0000-0000-0000-0000-000000000002', 'unknown_error'],
      ['3', 'GPU-stub0000-0000-0000-0000-000000000003', 'throttled_hw'],
      ['4', 'GPU-stub0000-0000-0000-0000-000000000004', 'reset_required'],
      ['5', 'GPU-stub0000-0000-0000-0000-000000000005', 'lost'],
      ['6', 'GPU-stub0000-0000-0000-0000-000000000006', 'row_remap_pending'],
      ['7', 'GPU-stub0000-0000-0000-0000-000000000007', 'ok'],
    ]);
    // The sick GPUs' readings are absent, never 0; their processes too.
    expect(f.get('llmmon_gpu_temperature_celsius')!.samples.map((s) => s.labels['gpu'])).toEqual([
      '0',
      '1',
      '3',
      '6',
      '7',
    ]);
    expect((await source.read()).processes.map((p) => p.gpuUuid.slice(-1))).toEqual([
      '0',
      '1',
      '3',
      '6',
      '7',
    ]);
    // Sick GPUs are not the source failing: NVML answered.
    expect(upstream.up).toBe(true);
    // Every catalog code from 0 on every GPU registered for events, the sick ones too.
    const xids = f.get('llmmon_gpu_xid_errors_total')!.samples;
    expect(xids).toHaveLength(8 * XID_CATALOG.length);
    expect(xids.filter((s) => s.value > 0).map((s) => [s.labels['gpu'], s.labels['xid'], s.value])).toEqual([
      ['1', '48', 1],
      ['1', '79', 1],
    ]);
    expect(f.get('llmmon_gpu_last_xid')!.samples.map((s) => s.value)).toEqual([0, 48, 0, 0, 0, 0, 0, 0]);
    const lastTime = f.get('llmmon_gpu_last_xid_timestamp_seconds')!.samples;
    expect(lastTime.filter((s) => s.value > 0).map((s) => s.labels['gpu'])).toEqual(['1']);
    // Traffic: one series per link and direction, link states, errors per GPU by type (healthy GPUs only).
    expect(f.get('llmmon_gpu_nvlink_bytes_total')!.samples).toHaveLength(5 * 18 * 2);
    const down = f.get('llmmon_gpu_nvlink_up')!.samples.filter((s) => s.value === 0);
    expect(down).toEqual([]); // GPU 4 (whose link 17 is down) is the sick one here: no readings
    expect(f.get('llmmon_gpu_nvlink_errors_total')!.samples).toHaveLength(5 * 5);
    expect(
      f
        .get('llmmon_gpu_pcie_bytes_total')!
        .samples.find((s) => s.labels['gpu'] === '0' && s.labels['direction'] === 'receive')!.value,
    ).toBe(2e9);
    // The GPU waiting for a reset to finish a row remap is the one to page about.
    const pending = f.get('llmmon_gpu_row_remap_pending')!.samples;
    expect(pending.filter((s) => s.value === 1).map((s) => s.labels['gpu'])).toEqual(['6']);
    expect(f.get('llmmon_gpu_energy_joules_total')!.samples[0]!.value).toBe(123456789);
  });
});

describe('MIG', () => {
  it("lists the MIG devices of a MIG-enabled GPU apart, with their own memory and processes; device values stay the GPU's", async () => {
    const source = new NvmlSource(mig);
    const snap = await source.read();
    const g7 = snap.gpus[7]!;
    expect(g7.migMode).toBe(true);
    expect(snap.gpus[0]!.migMode).toBe(false);
    expect(g7.mig!.map((m) => `${m.gpuInstanceId}/${m.computeInstanceId} ${m.profile}`)).toEqual(
      [7, 8, 9, 10, 11, 12, 13].map((gi) => `${gi}/0 1g.18gb`),
    );
    expect(g7.mig![0]!.uuid).toBe('MIG-stub0000-0000-0000-0000-000000000070');
    // The instances' memory fits in the GPU's; NVML gives no utilization on a MIG GPU.
    const total = g7.mig!.reduce((a, m) => a + m.memoryTotalBytes!, 0);
    expect(total).toBeLessThanOrEqual(g7.memoryTotalBytes!);
    expect(g7.mig![0]).toMatchObject({ memoryTotalBytes: 16768 * MiB, memoryUsedBytes: 15100 * MiB });
    expect(g7.utilization).toBeUndefined();
    expect(g7.powerWatts).toBe(612.31);
    expect(snap.processes.filter((p) => p.gpuUuid === g7.uuid).map((p) => p.migInstance)).toEqual([
      '7/0',
      '8/0',
      '9/0',
    ]);
    expect(snap.processes[0]!.migInstance).toBeUndefined();

    const f = (await renderGpus(() => source.read())).families;
    expect(f.get('llmmon_gpu_mig_mode')!.samples.map((s) => s.value)).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    const info = f.get('llmmon_gpu_mig_device_info')!.samples;
    expect(info).toHaveLength(7);
    expect(info[0]!.labels).toMatchObject({ gpu: '7', mig_instance: '7/0', mig_profile: '1g.18gb' });
    expect(f.get('llmmon_gpu_mig_memory_used_bytes')!.samples).toHaveLength(7);
    // Energy, power and temperature once per GPU, never per instance: sums stay right.
    for (const name of [
      'llmmon_gpu_energy_joules_total',
      'llmmon_gpu_power_watts',
      'llmmon_gpu_temperature_celsius',
    ])
      expect(f.get(name)!.samples.map((s) => s.labels['gpu'])).toEqual([
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
      ]);
    expect(f.get('llmmon_gpu_utilization_ratio')!.samples.map((s) => s.labels['gpu'])).not.toContain('7');
  });
});

describe('source selection', () => {
  it('prefers NVML when it loads, falls back to nvidia-smi otherwise, and never dies over it', async () => {
    const base = { NVIDIA_SMI_PATH: 'nvidia-smi', NVIDIA_SMI_TIMEOUT_SECONDS: 1 };
    expect(
      (await selectSource({ ...base, GPU_SOURCE: 'auto', NVML_LIBRARY: healthy }, silentLogger())).name,
    ).toBe('nvml');
    expect(
      (
        await selectSource(
          { ...base, GPU_SOURCE: 'auto', NVML_LIBRARY: join(dir, 'missing.so') },
          silentLogger(),
        )
      ).name,
    ).toBe('nvidia-smi');
    expect(
      (await selectSource({ ...base, GPU_SOURCE: 'nvidia-smi', NVML_LIBRARY: healthy }, silentLogger())).name,
    ).toBe('nvidia-smi');
    const forced = await selectSource(
      { ...base, GPU_SOURCE: 'nvml', NVML_LIBRARY: join(dir, 'missing.so') },
      silentLogger(),
    );
    await expect(forced.read(new AbortController().signal)).rejects.toThrow(/NVML could not be loaded/);
  });
});
