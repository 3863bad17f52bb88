import { join } from 'node:path';
import { standaloneSchema } from '@llmmon/metrics-core';
import { readmeConfigTable } from '@llmmon/metrics-core/testing';
import { simulatorDefinition } from '../src/definition';

/** The README's configuration table is generated from the definition the simulator validates with. */
it('README documents exactly the variables the simulator reads', () => {
  const [actual, expected] = readmeConfigTable(
    join(__dirname, '../README.md'),
    'simulator',
    standaloneSchema(simulatorDefinition),
  );
  expect(actual).toEqual(expected);
});
