/**
 * Writes the dashboards into infra/grafana/dashboards/ (`npx nx run infra:dashboards`), or with
 * --check exits 1 naming the files that differ from what the TypeScript renders.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { renderDashboards } from './index';

const OUT = join(__dirname, '../dashboards');

function existing(dir = OUT): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? existing(join(dir, e.name))
      : e.name.endsWith('.json')
        ? [relative(OUT, join(dir, e.name))]
        : [],
  );
}

const rendered = renderDashboards();
const stale = [
  ...[...rendered]
    .filter(([file, json]) => !existsSync(join(OUT, file)) || readFileSync(join(OUT, file), 'utf8') !== json)
    .map(([f]) => f),
  ...existing().filter((file) => !rendered.has(file)),
];

if (process.argv.includes('--check')) {
  if (stale.length) {
    console.error(`dashboards out of date: ${stale.join(', ')} (run: npx nx run infra:dashboards)`);
    process.exit(1);
  }
  console.log(`dashboards up to date (${rendered.size})`);
} else {
  for (const file of existing()) if (!rendered.has(file)) rmSync(join(OUT, file));
  for (const [file, json] of rendered) {
    mkdirSync(dirname(join(OUT, file)), { recursive: true });
    writeFileSync(join(OUT, file), json);
  }
  console.log(
    `wrote ${rendered.size} dashboards to ${relative(process.cwd(), OUT)}/ (${stale.length} changed)`,
  );
}
