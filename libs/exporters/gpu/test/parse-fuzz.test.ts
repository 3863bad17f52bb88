/**
 * The nvidia-smi CSV parser against generated input, as the exposition parser is fuzzed: any
 * text is parsed or refused with a ParseError, never a crash; a number is a finite number or
 * absent, never NaN; and rows written as nvidia-smi writes them (unavailable cells in any of
 * its spellings, GPU names with ", ") read back as written.
 */
import fc from 'fast-check';
import { ParseError } from '@llmmon/metrics-core';
import { GPU_FIELDS, parseComputeApps, parseQueryGpu } from '../src/sources/nvidia-smi-parse';
import type { GpuReading } from '../src/sources/types';

const UNAVAILABLE = [
  '[N/A]',
  'N/A',
  '[Not Supported]',
  '[Insufficient Permissions]',
  '[Unknown Error]',
  '[GPU requires reset]',
];

/** Every numeric reading of a GPU, with its key. */
const numbers = (g: GpuReading) =>
  Object.entries(g).filter(([, v]) => typeof v === 'number') as [string, number][];

it('parses or refuses any text, and never yields NaN or Infinity', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 12 }), (lines) => {
      const text = lines.join('\n');
      try {
        const { gpus } = parseQueryGpu(text, GPU_FIELDS);
        for (const g of gpus) for (const [, v] of numbers(g)) expect(Number.isFinite(v)).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(ParseError);
      }
      for (const p of parseComputeApps(text)) {
        expect(Number.isInteger(p.pid)).toBe(true);
        if (p.usedMemoryBytes !== undefined) expect(Number.isFinite(p.usedMemoryBytes)).toBe(true);
      }
    }),
    { numRuns: 500 },
  );
});

it('reads back generated rows: numbers in base units, unavailable cells absent, names with commas whole', () => {
  const cell = fc.oneof(
    fc.integer({ min: 0, max: 100_000 }).map(String),
    fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((n) => n.toFixed(2)),
    fc.constantFrom(...UNAVAILABLE),
  );
  const name = fc.constantFrom(
    'NVIDIA H200',
    'NVIDIA H100 80GB HBM3',
    'Tesla V100-SXM2-32GB, rev 2',
    'GPU, with, commas',
  );
  const row = fc.tuple(
    fc.integer({ min: 0, max: 255 }),
    fc.uuid(),
    name,
    fc.array(cell, { minLength: GPU_FIELDS.length - 3, maxLength: GPU_FIELDS.length - 3 }),
  );
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
      const text = rows
        .map(([i, uuid, n, rest]) => [String(i), `GPU-${uuid}`, n, ...rest].join(', '))
        .join('\n');
      const { gpus } = parseQueryGpu(text, GPU_FIELDS);
      expect(gpus.map((g) => [g.index, g.uuid, g.name])).toEqual(rows.map(([i, u, n]) => [i, `GPU-${u}`, n]));
      rows.forEach(([, , , rest], k) => {
        const g = gpus[k]!;
        const raw = (field: string) => rest[GPU_FIELDS.indexOf(field as never) - 3]!;
        const temperature = raw('temperature.gpu');
        expect(g.temperatureCelsius).toBe(
          UNAVAILABLE.includes(temperature) ? undefined : Number(temperature),
        );
        const used = raw('memory.used');
        expect(g.memoryUsedBytes).toBe(UNAVAILABLE.includes(used) ? undefined : Number(used) * 1024 * 1024);
        const utilization = raw('utilization.gpu');
        expect(g.utilization).toBe(UNAVAILABLE.includes(utilization) ? undefined : Number(utilization) / 100);
        for (const [, v] of numbers(g)) expect(Number.isFinite(v)).toBe(true);
      });
    }),
    { numRuns: 300 },
  );
});
