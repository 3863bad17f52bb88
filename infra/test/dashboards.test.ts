/**
 * The dashboards are generated from TypeScript (infra/grafana/src) into the JSON Grafana
 * provisions; the committed JSON must be exactly what the code renders. (The dashboards
 * themselves are checked against live data in tools/demo/dashboards.test.ts.)
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { renderDashboards } from '../grafana/src';

const DIR = join(__dirname, '../grafana/dashboards');

it('the committed dashboards are what infra/grafana/src renders (else: npx nx run infra:dashboards)', () => {
  const rendered = renderDashboards();
  const committed = readdirSync(DIR, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.json'),
  );
  expect(committed.sort()).toEqual([...rendered.keys()].sort());
  for (const [file, json] of rendered)
    expect({ file, json: readFileSync(join(DIR, file), 'utf8') }).toEqual({ file, json });
});

it('renders the same JSON every time (stable ids and refIds)', () => {
  expect([...renderDashboards()]).toEqual([...renderDashboards()]);
});
