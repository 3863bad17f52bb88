#!/usr/bin/env node
// Bundles one app's entry point into a single executable CommonJS file for Node 20. Workspace
// libs (@llmmon/*) are bundled in; third-party packages stay external and load from node_modules.
// Beside the bundle it writes the app's package.json: exactly the third-party packages the
// bundle requires, at the versions installed here (what its image and its install copy).
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

// Exporters make small, short-lived garbage on every scrape, and V8's defaults size the heap
// for the machine (24 GB here): a 16 MB young generation and an old generation allowed to grow
// 4x its live size before a full GC. A 2 MB young generation and a 128 MB old-space cap (10x
// the system exporter's ~10 MB live set; the cap also makes V8 grow the heap by ~1.3x instead
// of 4x) hold its RSS near 73 MB instead of ~100 MB under `npm run bench`, at the same CPU.
// Every launcher runs the file itself, so the flags live here, once.
// An app that parses and re-exposes large upstream bodies on every scrape (the vLLM exporter:
// ~15,000 samples for ten instances) keeps them all alive until the scrape is rendered; with a
// 2 MB young generation they are copied out of it and collected again in the old one (a third
// of its CPU went to GC). Such an app passes `--semi-space=<MB>`.
// The agent runs six exporters in one heap: its young generation is the larger one. V8's
// parallel GC helpers then cost it more CPU than they save in pauses (measured with
// tools/bench/stack.ts: its main thread ~8% below the six processes', its other threads ~17%
// above), so it passes `--single-threaded-gc`: a few ms more per pause, nothing a scrape sees.
const [entry, outfile, ...options] = process.argv.slice(2);
const option = (name, fallback) =>
  options.map((o) => new RegExp(`^--${name}=(\\d+)$`).exec(o)?.[1]).find(Boolean) ?? fallback;
const semiSpace = option('semi-space', '2');
const oldSpace = option('old-space', '128');
const singleThreadedGc = options.includes('--single-threaded-gc');
if (!entry || !outfile || options.some((o) => !/^--((semi|old)-space=\d+|single-threaded-gc)$/.test(o))) {
  console.error(
    'usage: esbuild-app.mjs <entry.ts> <outfile.js> [--semi-space=<MB>] [--old-space=<MB>] [--single-threaded-gc]',
  );
  process.exit(2);
}
const NODE_FLAGS = [
  ...(singleThreadedGc ? ['--single-threaded-gc'] : []),
  `--max-semi-space-size=${semiSpace}`,
  `--max-old-space-size=${oldSpace}`,
];

const result = await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  banner: { js: `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}` },
  plugins: [
    {
      name: 'external-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@llmmon/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
chmodSync(outfile, 0o755);

// The packages the bundle requires: `@scope/name` or `name` of every external import.
const builtins = new Set(builtinModules);
const packages = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imp of output.imports) {
    if (!imp.external || imp.path.startsWith('node:') || builtins.has(imp.path)) continue;
    const parts = imp.path.split('/');
    packages.add(imp.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
}
const require = createRequire(resolve(entry));
/** The installed version of `name`, found as Node finds the package (its exports may hide package.json). */
const version = (name) => {
  const dir = require.resolve.paths(name).find((d) => existsSync(join(d, name, 'package.json')));
  if (!dir) throw new Error(`${name} is required by the bundle but not installed`);
  return JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')).version;
};
/** The app's own package.json: the nearest one above the entry. */
let appDir = dirname(resolve(entry));
while (!existsSync(join(appDir, 'package.json'))) appDir = dirname(appDir);
const app = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8'));
// An app of two bundles (the simulator and its nvidia-smi) builds twice into one folder: the
// second adds its packages to the first's.
const manifest = join(dirname(outfile), 'package.json');
if (existsSync(manifest)) {
  const before = JSON.parse(readFileSync(manifest, 'utf8'));
  if (before.name === app.name) for (const p of Object.keys(before.dependencies ?? {})) packages.add(p);
}
writeFileSync(
  manifest,
  `${JSON.stringify(
    {
      name: app.name,
      version: app.version,
      private: true,
      description: app.description,
      main: 'main.js',
      dependencies: Object.fromEntries([...packages].sort().map((p) => [p, version(p)])),
    },
    null,
    2,
  )}\n`,
);
