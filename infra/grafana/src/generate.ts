/**
 * Writes the dashboards into infra/grafana/dashboards/ (`npx nx run infra:dashboards`),
 * removing files no dashboard renders any more. infra/test/dashboards.test.ts fails when the
 * committed files differ from what this writes.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { renderDashboards } from './index';

const OUT = join(__dirname, '../dashboards');

const rendered = renderDashboards();
const existing = existsSync(OUT)
  ? readdirSync(OUT, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'))
  : [];
let changed = 0;
for (const file of existing) {
  if (rendered.has(file)) continue;
  rmSync(join(OUT, file));
  changed++;
}
for (const [file, json] of rendered) {
  const path = join(OUT, file);
  if (existsSync(path) && readFileSync(path, 'utf8') === json) continue;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, json);
  changed++;
}
console.log(`wrote ${rendered.size} dashboards to ${relative(process.cwd(), OUT)}/ (${changed} changed)`);
