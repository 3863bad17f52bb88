import { join } from 'node:path';
import { readmeConfigTable } from '@llmmon/metrics-core/testing';
import { configSchema } from '../src/config';

/** The README's configuration table is generated from the schema the exporter validates with. */
it('README documents exactly the variables the vLLM exporter reads', () => {
  const [actual, expected] = readmeConfigTable(
    join(__dirname, '../../../README.md'),
    'vllm-exporter',
    configSchema,
  );
  expect(actual).toEqual(expected);
});
