/**
 * The panel rendered as Grafana renders it (PanelProps, a theme), with frames shaped like the
 * Prometheus datasource's: 1, 8 and 64 GPUs, missing series, NaN, an unknown unit, no data,
 * an error; thresholds from the field config; tooltips; the history mode.
 */
import { fireEvent, render, screen } from '@testing-library/react';
import { LoadingState, createTheme, type FieldConfigSource } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { GpuHeatmapPanel } from '../src/components/GpuHeatmapPanel';
import type { GpuHeatmapOptions } from '../src/types';
import { panelData, panelProps, series } from '@llmmon/panel-testing';

const theme = createTheme({ colors: { mode: 'dark' } });
const GiB = 2 ** 30;

function gpuFrames(n: number, { temperature = (i: number) => 60 + i, host = (_i: number) => ({}) } = {}) {
  return Array.from({ length: n }, (_, i) => [
    series('A', { __name__: 'llmmon_gpu_utilization_ratio', gpu: String(i), ...host(i) }, [0.1, i / n]),
    series('C', { __name__: 'llmmon_gpu_temperature_celsius', gpu: String(i), ...host(i) }, [temperature(i)]),
    series('E', { __name__: 'llmmon_gpu_memory_used_bytes', gpu: String(i), ...host(i) }, [96 * GiB]),
    series('F', { __name__: 'llmmon_gpu_memory_total_bytes', gpu: String(i), ...host(i) }, [144 * GiB]),
    series(
      'G',
      {
        __name__: 'llmmon_gpu_container_memory_used_bytes',
        gpu: String(i),
        ...host(i),
        container: `vllm-${Math.floor(i / 2)}`,
      },
      [90 * GiB],
    ),
  ]).flat();
}

function renderPanel(
  frames = gpuFrames(8),
  options: Partial<GpuHeatmapOptions> = {},
  fieldConfig: FieldConfigSource = { defaults: {}, overrides: [] },
  state = LoadingState.Done,
) {
  const props = panelProps<GpuHeatmapOptions>({
    data: panelData(frames, state),
    options: {
      metric: 'utilization',
      mode: 'grid',
      link: '/d/llmmon-docker-containers?var-container=${container}',
      ...options,
    },
    fieldConfig,
    width: 1000,
    height: 300,
  });
  return render(
    <ThemeContext.Provider value={theme}>
      <GpuHeatmapPanel {...props} />
    </ThemeContext.Provider>,
  );
}

const cells = () => screen.queryAllByTestId(/^gpu-cell-/);

it.each([1, 8, 64])('draws one cell per GPU for %i GPUs', (n) => {
  renderPanel(gpuFrames(n));
  expect(cells()).toHaveLength(n);
  expect(cells().map((c) => c.getAttribute('data-testid'))).toEqual(
    Array.from({ length: n }, (_, i) => `gpu-cell-${i}`),
  );
});

it('shows index, value with its unit, memory and containers, and says it all in the aria label', () => {
  renderPanel(gpuFrames(8));
  const cell = screen.getByTestId('gpu-cell-4');
  expect(cell.textContent).toContain('GPU 4');
  expect(cell.textContent).toContain('50%');
  expect(cell.textContent).toContain('vllm-2');
  expect(cell.getAttribute('aria-label')).toBe(
    'GPU 4: utilization 50%, memory 96 GiB of 144 GiB, containers vllm-2',
  );
  expect(screen.getAllByRole('meter')[4]!.getAttribute('aria-valuenow')).toBe(String(96 / 144));
  // A link to the container's dashboard, focusable with the keyboard.
  expect(cell.tagName).toBe('A');
  expect(cell.getAttribute('href')).toBe('/d/llmmon-docker-containers?var-container=vllm-2');
});

it("colours by the metric's default thresholds: 75/85 °C for temperature", () => {
  renderPanel(gpuFrames(3, { temperature: (i) => [70, 80, 90][i]! }), { metric: 'temperature' });
  const colors = cells().map((c) => (c as HTMLElement).style.background);
  const expected = ['green', 'orange', 'red'].map((c) => theme.visualization.getColorByName(c));
  expect(colors.map(normalize)).toEqual(expected.map(normalize));
});

it('takes the thresholds and unit from the field config when set', () => {
  const fieldConfig: FieldConfigSource = {
    defaults: {
      unit: 'fahrenheit-ish',
      thresholds: {
        mode: 'absolute' as never,
        steps: [
          { value: -Infinity, color: 'blue' },
          { value: 65, color: 'purple' },
        ],
      },
    },
    overrides: [],
  };
  renderPanel(gpuFrames(2, { temperature: (i) => [60, 70][i]! }), { metric: 'temperature' }, fieldConfig);
  expect(cells().map((c) => normalize((c as HTMLElement).style.background))).toEqual(
    ['blue', 'purple'].map((c) => normalize(theme.visualization.getColorByName(c))),
  );
  // An unknown unit is shown as a suffix, not an error.
  expect(screen.getByTestId('gpu-cell-1').textContent).toContain('70.0 fahrenheit-ish');
});

it('shows "no data" for a GPU whose series is all NaN, and no bar without memory series', () => {
  renderPanel([
    series('A', { __name__: 'llmmon_gpu_utilization_ratio', gpu: '0' }, [NaN, NaN]),
    series('A', { __name__: 'llmmon_gpu_utilization_ratio', gpu: '1' }, [0.5]),
  ]);
  expect(screen.getByTestId('gpu-cell-0').textContent).toContain('no data');
  expect(screen.queryAllByRole('meter')).toHaveLength(0);
});

it('shows a failing GPU as failed (red, its state), never as idle; a degraded one keeps its colour', () => {
  // As the dashboard queries it: `llmmon_gpu_health == 1` (refId H) drops the metric name.
  const health = (gpu: string, state: string) => series('H', { gpu, uuid: `GPU-${gpu}`, state }, [1]);
  const frames = gpuFrames(8).filter(
    (f) => !(f.fields[1]!.labels?.['gpu'] === '3' && f.refId !== 'G' && f.refId !== 'F'),
  );
  renderPanel([...frames, health('3', 'reset_required'), health('5', 'throttled_hw'), health('0', 'ok')]);
  const failed = screen.getByTestId('gpu-cell-3');
  expect(failed.textContent).toContain('FAILED');
  expect(failed.textContent).toContain('reset required');
  expect(failed.textContent).not.toContain('idle');
  expect(failed.getAttribute('data-health')).toBe('reset_required');
  expect(failed.getAttribute('aria-label')).toBe('GPU 3: failed, reset required');
  expect(normalize(failed.style.background)).toBe(normalize(theme.visualization.getColorByName('red')));
  const degraded = screen.getByTestId('gpu-cell-5');
  expect(degraded.textContent).not.toContain('FAILED');
  expect(degraded.getAttribute('aria-label')).toMatch(/, throttled hw$/);
  expect(screen.getByTestId('gpu-cell-0').getAttribute('aria-label')).not.toMatch(/ok$/);
});

it('shows a MIG-enabled GPU as MIG (NVML gives it no utilization), with the containers of its MIG devices', () => {
  // As the dashboard queries it: llmmon_gpu_mig_mode (refId I), 0 or 1 on every GPU.
  const mig = (gpu: string, v: number) => series('I', { __name__: 'llmmon_gpu_mig_mode', gpu }, [v]);
  const frames = gpuFrames(8).filter((f) => !(f.fields[1]!.labels?.['gpu'] === '7' && f.refId === 'A'));
  renderPanel([
    ...frames,
    mig('0', 0),
    mig('7', 1),
    series('G', { gpu: '7', container: 'vllm-minilm' }, [15e9]),
  ]);
  const cell = screen.getByTestId('gpu-cell-7');
  expect(cell.textContent).toContain('MIG');
  expect(cell.textContent).toContain('vllm-minilm');
  expect(cell.getAttribute('aria-label')).toMatch(/utilization MIG.*, MIG mode$/);
  expect(screen.getByTestId('gpu-cell-0').textContent).not.toContain('MIG');
});

it('shows a tooltip with every reading on hover and on keyboard focus', () => {
  renderPanel(gpuFrames(8), { link: '' });
  expect(screen.queryByRole('tooltip')).toBeNull();
  fireEvent.mouseEnter(screen.getByTestId('gpu-cell-3'));
  expect(screen.getByRole('tooltip').textContent).toMatch(
    /GPU 3.*utilization: 38%.*memory: 96(\.0)? GiB of 144(\.0)? GiB.*temperature: 63(\.0)? °C.*vllm-1: 90(\.0)? GiB/,
  );
  fireEvent.mouseLeave(screen.getByTestId('gpu-cell-3'));
  fireEvent.focus(screen.getByTestId('gpu-cell-5'));
  expect(screen.getByRole('tooltip').textContent).toContain('GPU 5');
  expect(screen.getByTestId('gpu-cell-5').getAttribute('tabindex')).toBe('0');
});

it("draws GPUs × time in history mode, with a time axis and the scale's legend", () => {
  renderPanel(gpuFrames(8), { mode: 'history' });
  const rows = screen.getAllByTestId(/^gpu-row-/);
  expect(rows).toHaveLength(8);
  expect(rows.flatMap((r) => [...r.querySelectorAll('rect')])).toHaveLength(16);
  // Two samples 15 s apart: a tick at each, times of day to the second.
  expect(screen.getByTestId('gpu-history-axis').textContent).toMatch(/^(\d\d:\d\d:\d\d){2}$/);
  expect(screen.getByTestId('gpu-history-legend').textContent).toMatch(/0%.*100%.*failed/);
});

it('colours history on a continuous scale: 60% and 90% differ where the thresholds would not', () => {
  const week = [0.6, 0.65, 0.7, 0.75, 0.9];
  renderPanel([series('A', { __name__: 'llmmon_gpu_utilization_ratio', gpu: '0' }, week, 3_600_000)], {
    mode: 'history',
  });
  const fills = [...screen.getByTestId('gpu-row-0').querySelectorAll('rect')].map((r) =>
    r.getAttribute('fill'),
  );
  expect(new Set(fills).size).toBe(5);
  // Darker for more: the sum of the channels falls as utilization rises.
  const brightness = fills.map((f) =>
    f!
      .match(/\d+/g)!
      .map(Number)
      .reduce((a, b) => a + b, 0),
  );
  expect([...brightness].sort((a, b) => b - a)).toEqual(brightness);
  // Over 5 hours the axis shows times of day.
  expect(screen.getByTestId('gpu-history-axis').textContent).toMatch(/^\d\d:\d\d/);
});

it('shows when a GPU was failing in history mode: red where it had no reading, its row marked', () => {
  const util = (gpu: string, v: Array<number | null>) =>
    series('A', { __name__: 'llmmon_gpu_utilization_ratio', gpu }, v);
  // As the dashboard queries it over the range: `llmmon_gpu_health == 1` (refId H), per state.
  const failed = series('H', { gpu: '5', state: 'reset_required' }, [null, null, 1, 1]);
  renderPanel([util('4', [0.5, 0.5, 0.5, 0.5]), util('5', [0.5, 0.5, null, null]), failed], {
    mode: 'history',
  });
  const row = screen.getByTestId('gpu-row-5');
  expect(row.getAttribute('aria-label')).toBe('GPU 5 (failed)');
  const red = normalize(theme.visualization.getColorByName('red'));
  const cellsOf5 = [...row.querySelectorAll('rect')];
  expect(cellsOf5.filter((r) => r.getAttribute('data-failed') === 'reset_required')).toHaveLength(2);
  expect(cellsOf5.filter((r) => normalize(r.getAttribute('fill')!) === red)).toHaveLength(2);
  expect(screen.getByTestId('gpu-row-4').getAttribute('aria-label')).toBe('GPU 4');
});

it.each([
  ['no frames at all', [], LoadingState.Done, /no data/],
  [
    'frames without a gpu label',
    [series('A', { job: 'gpu' }, [1])],
    LoadingState.Done,
    /no series with a gpu label/,
  ],
  ['a failed query', [], LoadingState.Error, /Unable to render data/],
])('explains %s instead of drawing', (_what, frames, state, message) => {
  renderPanel(frames, {}, undefined, state);
  expect(cells()).toHaveLength(0);
  expect(document.body.textContent).toMatch(message);
});

/** jsdom keeps colours as written; compare as rgb(). */
function normalize(color: string): string {
  const probe = document.createElement('div');
  probe.style.background = color;
  return probe.style.background;
}

describe('a fleet: GPUs of many hosts', () => {
  // 32 hosts of 8 GPUs (the centre's heatmap), GPU i of host h at utilization (8h + i) / 256.
  const fleet = () =>
    Array.from({ length: 32 }, (_, h) =>
      Array.from({ length: 8 }, (_, i) =>
        series(
          'A',
          {
            __name__: 'llmmon_gpu_utilization_ratio',
            gpu: String(i),
            host: `gpu-node-${String(h + 1).padStart(2, '0')}`,
          },
          [(8 * h + i) / 256],
        ),
      ),
    ).flat();

  it('groups 256 GPUs by host: a row of 8 compact cells per host, every GPU its own', () => {
    renderPanel(fleet());
    expect(screen.getByTestId('gpu-fleet')).toBeTruthy();
    const hosts = screen.getAllByTestId(/^gpu-host-/);
    expect(hosts).toHaveLength(32);
    expect(hosts[0]!.getAttribute('aria-label')).toBe('gpu-node-01: 8 GPUs');
    expect(hosts.map((h) => h.querySelectorAll('[data-testid^="gpu-cell-"]').length)).toEqual(
      Array(32).fill(8),
    );
    expect(cells()).toHaveLength(256);
    const cell = screen.getByTestId('gpu-cell-gpu-node-07-3');
    expect(Number(cell.getAttribute('data-value'))).toBeCloseTo((8 * 6 + 3) / 256);
    expect(cell.getAttribute('aria-label')).toMatch(/^GPU 3 on gpu-node-07: utilization \d+%/);
  });

  it('draws 256 rows in history mode, each host named', () => {
    renderPanel(fleet(), { mode: 'history' });
    expect(screen.getAllByTestId(/^gpu-row-/)).toHaveLength(256);
    expect(screen.getByTestId('gpu-row-gpu-node-32-7').getAttribute('aria-label')).toBe(
      'GPU 7 on gpu-node-32',
    );
    const labels = [...screen.getByTestId('gpu-history').querySelectorAll('text')].map((t) => t.textContent);
    expect(labels).toContain('gpu-node-01');
    expect(labels).toContain('gpu-node-32');
  });

  it('keeps the single-host grid where the data names one host', () => {
    renderPanel(gpuFrames(8, { host: () => ({ host: 'gpu-node-01' }) }));
    expect(screen.queryByTestId('gpu-fleet')).toBeNull();
    expect(cells()).toHaveLength(8);
    expect(screen.getByTestId('gpu-cell-3').getAttribute('aria-label')).toMatch(/^GPU 3 on gpu-node-01: /);
  });
});
