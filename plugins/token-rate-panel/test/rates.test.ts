import { formatTokens, ratesFromFrames, sortRates } from '../src/utils/rates';
import { series } from '@llmmon/panel-testing';

const input = (model: string, v: Array<number | null>) => series('A', { model_group: model }, v);
const output = (model: string, v: Array<number | null>) => series('B', { model_group: model }, v);

it("adds input (A) and output (B) per model, with each model's share of the total", () => {
  const rates = ratesFromFrames(
    [input('llama', [100, 300]), output('llama', [50, 100]), input('qwen', [100]), output('qwen', [0])],
    'model_group',
  );
  expect(sortRates(rates, 'model', false)).toEqual([
    { model: 'llama', input: 300, output: 100, total: 400, share: 0.8, active: true },
    { model: 'qwen', input: 100, output: 0, total: 100, share: 0.2, active: true },
  ]);
});

it('marks a model whose series ended earlier as stopped, at zero', () => {
  const rates = ratesFromFrames(
    [input('gone', [10, 10, null, null, null]), input('here', [5, 5, 5, 5, 5])],
    'model_group',
  );
  expect(rates.find((r) => r.model === 'gone')).toMatchObject({ active: false, total: 0 });
  expect(rates.find((r) => r.model === 'here')).toMatchObject({ active: true, total: 5, share: 1 });
});

it('reads the direction label when there is one, and another model label when told', () => {
  const rates = ratesFromFrames(
    [
      series('X', { model: 'm', direction: 'prompt' }, [7]),
      series('Y', { model: 'm', direction: 'generation' }, [3]),
    ],
    'model',
  );
  expect(rates).toEqual([{ model: 'm', input: 7, output: 3, total: 10, share: 1, active: true }]);
});

it('ignores NaN, and series it cannot place', () => {
  expect(
    ratesFromFrames([input('a', [4, NaN]), series('Z', { model_group: 'a' }, [99])], 'model_group')[0]!.input,
  ).toBe(4);
});

it('sorts by any column, either way', () => {
  const rates = ratesFromFrames([input('a', [1]), input('b', [3]), output('c', [2])], 'model_group');
  expect(sortRates(rates, 'total', true).map((r) => r.model)).toEqual(['b', 'c', 'a']);
  expect(sortRates(rates, 'output', true).map((r) => r.model)[0]).toBe('c');
  expect(sortRates(rates, 'model', true).map((r) => r.model)).toEqual(['c', 'b', 'a']);
});

it.each([
  [0, '0 tok/s'],
  [12.345, '12.3 tok/s'],
  [950, '950 tok/s'],
  [12_345, '12.3k tok/s'],
  [4_560_000, '4.56M tok/s'],
])('formats %d as %s', (v, text) => expect(formatTokens(v)).toBe(text));
