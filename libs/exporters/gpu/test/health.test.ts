/**
 * Sick GPUs as real drivers print them in nvidia-smi's rows ("[Unknown Error]" in every field,
 * "[GPU requires reset]", "[GPU is lost]", a GPU gone from the list) become one health state
 * each, never "ok" with a gap; a healthy GPU with one unreadable field stays ok.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR } from '@llmmon/fixtures';
import { GPU_HEALTH_STATES } from '../src/collectors/gpus';
import { renderGpus } from './helpers';
import { parseQueryGpu } from '../src/sources/nvidia-smi-parse';
import { GpuRoster } from '../src/sources/roster';
import type { GpuSnapshot } from '../src/sources/types';

const read = (f: string) => readFileSync(join(FIXTURES_DIR, f), 'utf8');
const FIELDS = read('nvidia-smi-query-gpu-with-header.csv')
  .split('\n')[0]!
  .split(', ')
  .map((h) => h.replace(/ \[.*\]$/, ''));
const ROWS = read('nvidia-smi-query-gpu.csv').trim().split('\n');
const IDENTITY = ['index', 'uuid', 'name', 'pci.bus_id', 'driver_version'];
const UUID = (i: number) => ROWS[i]!.split(', ')[1]!;

/** Row i of the 8x H200 fixture with the cells of `fields` replaced by `value` ('*': every reading, '**': every cell). */
function sick(i: number, value: string, fields: readonly string[] | '*' | '**'): string {
  return ROWS[i]!.split(', ')
    .map((cell, c) => {
      const f = FIELDS[c]!;
      const hit = fields === '**' || (fields === '*' ? !IDENTITY.includes(f) : fields.includes(f));
      return hit ? value : cell;
    })
    .join(', ');
}

function snapshotOf(csv: string, roster = new GpuRoster()): GpuSnapshot {
  return roster.apply({ source: 'nvidia-smi', gpus: parseQueryGpu(csv, FIELDS).gpus, processes: [] });
}

async function healthOf(snap: GpuSnapshot): Promise<Record<string, string>> {
  const f = (await renderGpus(() => Promise.resolve(snap), 'nvidia-smi')).families;
  const samples = f.get('llmmon_gpu_health')!.samples;
  // One-hot: every state of every GPU present, exactly one at 1.
  expect(samples).toHaveLength(snap.gpus.length * GPU_HEALTH_STATES.length);
  return Object.fromEntries(
    samples
      .filter((s) => s.value === 1)
      .map((s) => [`${s.labels['gpu']} ${s.labels['uuid']}`, s.labels['state']!]),
  );
}

describe('GPU health from nvidia-smi', () => {
  it('names the GPU whose every reading is an error, and the one that needs a reset; [N/A] alone stays ok', async () => {
    const rows = [...ROWS];
    rows[1] = sick(1, '[N/A]', ['temperature.gpu']);
    rows[3] = sick(3, '[Unknown Error]', '*');
    rows[5] = sick(5, '[GPU requires reset]', ['utilization.gpu']);
    rows[6] = sick(6, '[GPU is lost]', '*');
    const snap = snapshotOf(rows.join('\n'));
    const states = await healthOf(snap);
    expect(states[`3 ${UUID(3)}`]).toBe('unknown_error');
    expect(states[`5 ${UUID(5)}`]).toBe('reset_required');
    expect(states[`6 ${UUID(6)}`]).toBe('lost');
    for (const i of [0, 1, 2, 4, 7]) expect(states[`${i} ${UUID(i)}`]).toBe('ok');
    // The failing readings are left out, never written as 0.
    expect(snap.gpus[3]!.utilization).toBeUndefined();
    expect(snap.gpus[1]!.temperatureCelsius).toBeUndefined();
  });

  it('keeps a sick row whose index and UUID are unreadable, under the identity last seen at its place', async () => {
    const roster = new GpuRoster();
    snapshotOf(ROWS.join('\n'), roster);
    const rows = [...ROWS];
    rows[2] = sick(2, '[Unknown Error]', '**');
    const snap = snapshotOf(rows.join('\n'), roster);
    expect(snap.gpus).toHaveLength(8);
    expect(snap.gpus[2]).toMatchObject({
      index: 2,
      uuid: UUID(2),
      name: 'NVIDIA H200',
      fault: 'unknown_error',
    });
    // Seen for the first time sick: still a GPU, named by its place.
    const fresh = snapshotOf(rows.join('\n'));
    expect(fresh.gpus[2]).toMatchObject({ index: 2, uuid: 'unknown-2', fault: 'unknown_error' });
  });

  it('reports a GPU that vanished from the list as lost, by UUID, until the exporter restarts', async () => {
    const roster = new GpuRoster();
    expect(await healthOf(snapshotOf(ROWS.join('\n'), roster))).toEqual(
      Object.fromEntries(ROWS.map((_, i) => [`${i} ${UUID(i)}`, 'ok'])),
    );
    const without4 = ROWS.filter((_, i) => i !== 4).join('\n');
    for (let scrape = 0; scrape < 2; scrape++) {
      const states = await healthOf(snapshotOf(without4, roster));
      expect(states[`4 ${UUID(4)}`]).toBe('lost');
      expect(Object.values(states).filter((s) => s === 'ok')).toHaveLength(7);
    }
    // A new exporter (restart) knows nothing of it.
    expect(snapshotOf(without4).gpus.map((g) => g.index)).toEqual([0, 1, 2, 3, 5, 6, 7]);
  });

  it('puts a failed row remap before a pending one, and both before hardware throttling', () => {
    const [g] = parseQueryGpu(ROWS[0]!, FIELDS).gpus;
    const cases: [Partial<NonNullable<typeof g>>, string][] = [
      [{}, 'ok'],
      [{ throttle: { ...g!.throttle, hw_slowdown: true } }, 'throttled_hw'],
      [
        { rowRemapPending: 1, throttle: { ...g!.throttle, hw_power_brake_slowdown: true } },
        'row_remap_pending',
      ],
      [{ rowRemapPending: 1, rowRemapFailed: 1 }, 'row_remap_failed'],
      [{ rowRemapFailed: 1, fault: 'reset_required' }, 'reset_required'],
    ];
    return Promise.all(
      cases.map(async ([change, state]) => {
        const states = await healthOf({ source: 'nvml', gpus: [{ ...g!, ...change }], processes: [] });
        expect(Object.values(states)).toEqual([state]);
      }),
    );
  });
});
