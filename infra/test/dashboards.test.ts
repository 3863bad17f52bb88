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

/** Every query expression (`expr`) anywhere in a dashboard. */
function expressions(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(expressions);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) =>
    k === 'expr' && typeof v === 'string' ? [v] : expressions(v),
  );
}

it('never matches a family on __name__: every query names the families it reads', () => {
  const all = [...renderDashboards().values()].flatMap((json) => expressions(JSON.parse(json)));
  expect(all.length).toBeGreaterThan(100);
  expect(all.filter((e) => e.includes('__name__'))).toEqual([]);
});
