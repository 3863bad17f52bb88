import { gpuLink, gpusFromFrames, gridShape, groupByHost, lastValue } from '../src/utils/gpus';
import { series } from '@llmmon/panel-testing';

const util = (gpu: string, v: Array<number | null>) =>
  series('A', { __name__: 'llmmon_gpu_utilization_ratio', gpu }, v);

describe('gpusFromFrames', () => {
  it("keeps each host's GPUs apart (every host has a GPU 0), sorted by host, then index", () => {
    const at = (host: string, gpu: string, v: number) =>
      series('A', { __name__: 'llmmon_gpu_utilization_ratio', gpu, host }, [v]);
    const gpus = gpusFromFrames(
      [at('gpu-node-10', '0', 0.1), at('gpu-node-2', '1', 0.2), at('gpu-node-2', '0', 0.3)],
      'utilization',
    );
    expect(gpus.map((g) => [g.key, g.utilization])).toEqual([
      ['gpu-node-2/0', 0.3],
      ['gpu-node-2/1', 0.2],
      ['gpu-node-10/0', 0.1],
    ]);
    expect(groupByHost(gpus).map((grp) => [grp.host, grp.gpus.length])).toEqual([
      ['gpu-node-2', 2],
      ['gpu-node-10', 1],
    ]);
    expect(gpuLink('/d/llmmon-gpu?var-host=${host}&var-gpu=${gpu}', gpus[2]!)).toBe(
      '/d/llmmon-gpu?var-host=gpu-node-10&var-gpu=0',
    );
    // No host label: one group, keyed by index alone.
    expect(groupByHost(gpusFromFrames([util('0', [1])], 'utilization'))).toEqual([
      { gpus: [expect.objectContaining({ key: '0' })] },
    ]);
  });

  it("reads each GPU's newest value, sorted by index as numbers", () => {
    const gpus = gpusFromFrames([util('10', [0.5]), util('2', [0.1, 0.2]), util('0', [0.9])], 'utilization');
    expect(gpus.map((g) => [g.index, g.utilization])).toEqual([
      ['0', 0.9],
      ['2', 0.2],
      ['10', 0.5],
    ]);
  });

  it('skips NaN and null (a gap is not a reading)', () => {
    expect(gpusFromFrames([util('0', [0.4, NaN, null])], 'utilization')[0]!.utilization).toBe(0.4);
    expect(gpusFromFrames([util('0', [NaN])], 'utilization')[0]!.utilization).toBeUndefined();
  });

  it('knows the readings by metric name, or else by refId', () => {
    const gpus = gpusFromFrames(
      [
        series('X', { __name__: 'llmmon_gpu_temperature_celsius', gpu: '0' }, [71]),
        series('D', { gpu: '0' }, [402]),
        series('E', { gpu: '0' }, [80e9]),
        series('F', { gpu: '0' }, [160e9]),
        series('G', { gpu: '0', container: 'vllm-small' }, [10e9]),
        series('G', { gpu: '0', container: 'vllm-big' }, [60e9]),
        series('Z', { gpu: '0' }, [1]), // unknown: ignored
      ],
      'temperature',
    );
    expect(gpus[0]).toMatchObject({
      temperature: 71,
      power: 402,
      memoryUsed: 80e9,
      memoryTotal: 160e9,
      memoryRatio: 0.5,
    });
    expect(gpus[0]!.containers.map((c) => c.name)).toEqual(['vllm-big', 'vllm-small']);
    expect(gpus[0]!.history).toEqual([[expect.any(Number), 71]]);
  });

  it("takes the GPU's health from the state at 1, by metric name or refId H", () => {
    const h = (state: string, v: number) =>
      series('X', { __name__: 'llmmon_gpu_health', gpu: '0', state }, [v]);
    expect(gpusFromFrames([h('ok', 0), h('lost', 1), h('throttled_hw', 0)], 'utilization')[0]!.health).toBe(
      'lost',
    );
    expect(gpusFromFrames([series('H', { gpu: '1', state: 'ok' }, [1])], 'utilization')[0]!.health).toBe(
      'ok',
    );
  });

  it('leaves a missing series undefined instead of inventing zero', () => {
    const [g] = gpusFromFrames([util('3', [0.3])], 'temperature');
    expect(g!.temperature).toBeUndefined();
    expect(g!.memoryRatio).toBeUndefined();
    expect(g!.containers).toEqual([]);
  });

  it('ignores series without a gpu label', () => {
    expect(
      gpusFromFrames([series('A', { __name__: 'llmmon_gpu_utilization_ratio' }, [1])], 'utilization'),
    ).toEqual([]);
  });

  it("keeps the chosen metric's history", () => {
    const [g] = gpusFromFrames([util('0', [0.1, null, 0.3])], 'utilization');
    expect(g!.history.map(([, v]) => v)).toEqual([0.1, 0.3]);
  });
});

it('lastValue reads from the end', () => {
  expect(lastValue(util('0', [1, 2, 3]).fields[1]!)).toBe(3);
});

describe('gridShape', () => {
  it.each([
    [1, 800, 300, 1, 1],
    [8, 1200, 300, 4, 2],
    [8, 400, 800, 2, 4],
  ])('%i GPUs in %ix%i: %i columns, %i rows', (n, w, h, columns, rows) => {
    expect(gridShape(n, w, h)).toEqual({ columns, rows });
  });
  it('fits 64 GPUs in 8 rows or so', () => {
    const { columns, rows } = gridShape(64, 1200, 600);
    expect(columns * rows).toBeGreaterThanOrEqual(64);
    expect(rows).toBeLessThanOrEqual(8);
  });
});

it('gpuLink fills in the GPU and its first container, or gives no link without one', () => {
  const [g] = gpusFromFrames(
    [util('1', [0.2]), series('G', { gpu: '1', container: 'vllm a' }, [5])],
    'utilization',
  );
  expect(gpuLink('/d/x?var-container=${container}&var-gpu=${gpu}', g!)).toBe(
    '/d/x?var-container=vllm%20a&var-gpu=1',
  );
  expect(gpuLink('/d/x?var-container=${container}', { ...g!, containers: [] })).toBeUndefined();
  expect(gpuLink('', g!)).toBeUndefined();
});
