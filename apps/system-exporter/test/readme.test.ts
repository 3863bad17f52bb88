import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable } from '@llmmon/metrics-core';
import { configSchema } from '../src/config';

const README = join(__dirname, '../../../README.md');
const START = '<!-- config-table:system-exporter:start -->';
const END = '<!-- config-table:system-exporter:end -->';

/** Table cells without Prettier's alignment padding, so formatting the README keeps it valid. */
function normalize(table: string): string[] {
  return table
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/^-+$/, '---'))
        .join('|'),
    );
}

/** The README's configuration table is generated from the schema the exporter validates with. */
it('README documents exactly the variables the system exporter reads', () => {
  const readme = readFileSync(README, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  expect(start).toBeGreaterThan(0);
  const expected = `${START}\n\n${configTable(configSchema)}\n\n${END}`;
  const actual = readme.slice(start, end + END.length);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    // Then `npm run format` aligns it.
    writeFileSync(README, readme.slice(0, start) + expected + readme.slice(end + END.length));
    return;
  }
  expect(normalize(actual)).toEqual(normalize(expected));
});
