import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUnavailable, parseComputeApps, parseQueryGpu } from '../src/sources/nvidia-smi-parse';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;
const read = (f: string) => readFileSync(join(FIXTURES, f), 'utf8');
const headerFields = read('nvidia-smi-query-gpu-with-header.csv')
  .split('\n')[0]!
  .split(', ')
  .map((h) => h.replace(/ \[.*\]$/, ''));

describe('nvidia-smi --query-gpu parser', () => {
  it('reads the 8 H200s of the fixture in base units', () => {
    const { gpus, driverVersion } = parseQueryGpu(read('nvidia-smi-query-gpu.csv'), headerFields);
    expect(driverVersion).toBe('575.57.08');
    expect(gpus).toHaveLength(8);
    expect(gpus[0]).toMatchObject({
      index: 0,
      uuid: 'GPU-8b9eab1c-05d9-a78b-eb5c-e7afb1c95719',
      name: 'NVIDIA H200',
      pstate: 0,
      utilization: 0.87,
      memoryTotalBytes: 143771 * 1024 * 1024,
      powerWatts: 612.31,
      smClockHertz: 1980e6,
      fanSpeedRatio: undefined, // [N/A] on the H200
    });
    expect(gpus[0]!.throttle.sw_power_cap).toBe(false);
  });

  it.each([
    '[N/A]',
    'N/A',
    '[Not Supported]',
    '[Insufficient Permissions]',
    '[Requested functionality has been deprecated]',
    '[Unknown Error]',
    '',
  ])('treats %p as unavailable, never as NaN', (marker) => {
    expect(isUnavailable(marker)).toBe(true);
    const line = `0, GPU-1, NVIDIA H200, 00000000:18:00.0, 575.57.08, P0, ${marker}, 71`;
    const [g] = parseQueryGpu(line, [
      'index',
      'uuid',
      'name',
      'pci.bus_id',
      'driver_version',
      'pstate',
      'temperature.gpu',
      'temperature.memory',
    ]).gpus;
    expect(g!.temperatureCelsius).toBeUndefined();
    expect(g!.memoryTemperatureCelsius).toBe(71);
    expect(Object.values(g!).filter((v) => typeof v === 'number' && Number.isNaN(v))).toEqual([]);
  });

  it('skips lines with missing columns, rejoins a name with a comma, and ignores empty output', () => {
    const fields = ['index', 'uuid', 'name', 'temperature.gpu'];
    const { gpus } = parseQueryGpu(
      '0, GPU-a, NVIDIA H100, 50\n1, GPU-b\n2, GPU-c, Tesla, PCIe, 61\n',
      fields,
    );
    expect(gpus.map((g) => [g.index, g.name, g.temperatureCelsius])).toEqual([
      [0, 'NVIDIA H100', 50],
      [2, 'Tesla, PCIe', 61],
    ]);
    expect(parseQueryGpu('', fields).gpus).toEqual([]);
    expect(parseQueryGpu('0, GPU-a, H100, not-a-number', fields).gpus[0]!.temperatureCelsius).toBeUndefined();
  });

  it('fails with a parse error on garbage, which the snapshot absorbs', () => {
    expect(() =>
      parseQueryGpu('NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.', [
        'index',
        'uuid',
      ]),
    ).toThrow(/no readable GPU line/);
  });

  it('accepts the old clocks_throttle_reasons names', () => {
    const [g] = parseQueryGpu('0, GPU-a, Active', [
      'index',
      'uuid',
      'clocks_throttle_reasons.hw_slowdown',
    ]).gpus;
    expect(g!.throttle.hw_slowdown).toBe(true);
  });

  it('reads a pending row remap and a link that trained down, as numbers', () => {
    const fields = [
      'index',
      'uuid',
      'remapped_rows.pending',
      'remapped_rows.failure',
      'pcie.link.width.current',
    ];
    const [g] = parseQueryGpu('6, GPU-a, Yes, No, 8', fields).gpus;
    expect(g).toMatchObject({ rowRemapPending: 1, rowRemapFailed: 0, pcieLinkWidth: 8 });
    const [unknown] = parseQueryGpu('6, GPU-a, [N/A], Maybe, [N/A]', fields).gpus;
    expect(unknown).toMatchObject({
      rowRemapPending: undefined,
      rowRemapFailed: undefined,
      pcieLinkWidth: undefined,
    });
  });
});

describe('nvidia-smi --query-compute-apps parser', () => {
  it('reads the fixture processes', () => {
    const procs = parseComputeApps(read('nvidia-smi-query-compute-apps.csv'));
    expect(procs).toHaveLength(8);
    expect(procs[0]).toEqual({
      gpuUuid: 'GPU-8b9eab1c-05d9-a78b-eb5c-e7afb1c95719',
      pid: 1843377,
      processName: 'VLLM::Worker_TP0',
      usedMemoryBytes: 128732 * 1024 * 1024,
    });
  });

  it('handles no processes, unavailable memory and garbage', () => {
    expect(parseComputeApps('No running processes found\n')).toEqual([]);
    expect(parseComputeApps('GPU-a, 12, python3, [N/A]')[0]!.usedMemoryBytes).toBeUndefined();
    expect(parseComputeApps('garbage\n, , ,\nGPU-a, x, y, 1')).toEqual([]);
  });
});
