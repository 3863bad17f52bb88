/**
 * The panel rendered as Grafana renders it, with frames shaped like the Prometheus
 * datasource's: bars and table per model, stacked and side by side, the capacity line,
 * sorting by a click, models that stop, NaN, an unknown unit, no data and an error.
 */
import { fireEvent, render, screen, within } from '@testing-library/react';
import { LoadingState, createTheme, type FieldConfigSource } from '@grafana/data';
import { ThemeContext } from '@grafana/ui';
import { TokenRatePanel } from '../src/components/TokenRatePanel';
import type { TokenRateOptions } from '../src/types';
import { panelData, panelProps, series } from '@llmmon/panel-testing';

const theme = createTheme({ colors: { mode: 'light' } });

const frames = [
  series('A', { model_group: 'llama-70b' }, [900, 1200]),
  series('B', { model_group: 'llama-70b' }, [300, 400]),
  series('A', { model_group: 'qwen-72b' }, [2000, 2400]),
  series('B', { model_group: 'qwen-72b' }, [500, 600]),
  series('A', { model_group: 'embed' }, [50, NaN]),
];

function renderPanel(
  data = frames,
  options: Partial<TokenRateOptions> = {},
  fieldConfig: FieldConfigSource = { defaults: { unit: 'suffix: tok/s' }, overrides: [] },
  state = LoadingState.Done,
) {
  const props = panelProps<TokenRateOptions>({
    data: panelData(data, state),
    options: {
      layout: 'stacked',
      capacity: 0,
      sortBy: 'total',
      sortDesc: true,
      modelLabel: 'model_group',
      ...options,
    },
    fieldConfig,
    width: 800,
    height: 400,
  });
  return render(
    <ThemeContext.Provider value={theme}>
      <TokenRatePanel {...props} />
    </ThemeContext.Provider>,
  );
}

const legendModels = () =>
  screen.getAllByTestId('token-legend-row').map((r) => r.querySelector('td')!.textContent);

it('lists every model, largest first, with its rates and share, and the total on top', () => {
  renderPanel();
  expect(legendModels()).toEqual(['qwen-72b', 'llama-70b', 'embed']);
  const qwen = screen.getAllByTestId('token-legend-row')[0]!;
  expect(
    within(qwen)
      .getAllByRole('cell')
      .map((c) => c.textContent),
  ).toEqual(['qwen-72b', '2.40k tok/s', '600 tok/s', '3.00k tok/s', '64.5%']);
  expect(screen.getByTestId('token-total').textContent).toContain('4.65k tok/s');
  // NaN is not a reading: embed's newest value is its 50.
  expect(within(screen.getAllByTestId('token-legend-row')[2]!).getAllByRole('cell')[1]!.textContent).toBe(
    '50.0 tok/s',
  );
});

it('stacks input and output in one bar, or puts them side by side', () => {
  const { unmount } = renderPanel();
  const [inStacked, outStacked] = screen.getByTestId('token-row-qwen-72b').querySelectorAll('rect');
  expect(Number(outStacked!.getAttribute('x'))).toBeGreaterThan(Number(inStacked!.getAttribute('x')));
  expect(outStacked!.getAttribute('y')).toBe(inStacked!.getAttribute('y'));
  unmount();
  renderPanel(frames, { layout: 'grouped' });
  const [inGrouped, outGrouped] = screen.getByTestId('token-row-qwen-72b').querySelectorAll('rect');
  expect(outGrouped!.getAttribute('x')).toBe(inGrouped!.getAttribute('x'));
  expect(Number(outGrouped!.getAttribute('y'))).toBeGreaterThan(Number(inGrouped!.getAttribute('y')));
});

it('draws the capacity line and how much of it is used', () => {
  renderPanel(frames, { capacity: 9300 });
  expect(screen.getByTestId('token-capacity')).toBeTruthy();
  expect(document.body.textContent).toContain('4.65k tok/s of 9.30k tok/s capacity (50%)');
  // The whole scale is the capacity: the total bar fills half of it.
  const bars = [...screen.getByTestId('token-total').querySelectorAll('rect')].reduce(
    (a, r) => a + Number(r.getAttribute('width')),
    0,
  );
  const line = Number(screen.getByTestId('token-capacity').querySelector('line')!.getAttribute('x1'));
  const start = Number(screen.getByTestId('token-total').querySelector('rect')!.getAttribute('x'));
  expect(bars / (line - start)).toBeCloseTo(0.5, 5);
});

it('sorts by a column when its header is clicked, and back', () => {
  renderPanel();
  fireEvent.click(screen.getByRole('button', { name: /Model/ }));
  expect(legendModels()).toEqual(['embed', 'llama-70b', 'qwen-72b']);
  expect(screen.getAllByRole('columnheader')[0]!.getAttribute('aria-sort')).toBe('ascending');
  fireEvent.click(screen.getByRole('button', { name: /Model/ }));
  expect(legendModels()).toEqual(['qwen-72b', 'llama-70b', 'embed']);
  fireEvent.click(screen.getByRole('button', { name: /Output/ }));
  expect(legendModels()[0]).toBe('qwen-72b');
});

it('keeps a model that stopped reporting, greyed and at zero', () => {
  renderPanel([
    series('A', { model_group: 'here' }, [5, 5, 5, 5, 5]),
    series('A', { model_group: 'retired' }, [700, null, null, null, null]),
  ]);
  expect(screen.getByTestId('token-row-retired').textContent).toContain('retired (stopped)');
  expect(screen.getByTestId('token-row-retired').getAttribute('opacity')).toBe('0.4');
});

it('formats other units through Grafana, an unknown one as a suffix', () => {
  renderPanel(frames, {}, { defaults: { unit: 'widgets/s' }, overrides: [] });
  expect(screen.getByTestId('token-total').textContent).toContain('4650.0 widgets/s');
});

it.each([
  ['no frames', [], LoadingState.Done, /no data/],
  [
    'frames it cannot place',
    [series('Q', { model_group: 'x' }, [1])],
    LoadingState.Done,
    /no input \(query A\) or output \(query B\) series/,
  ],
  ['a failed query', [], LoadingState.Error, /Unable to render data/],
])('explains %s instead of drawing', (_what, data, state, message) => {
  renderPanel(data, {}, undefined, state);
  expect(screen.queryByTestId('token-chart')).toBeNull();
  expect(document.body.textContent).toMatch(message);
});
