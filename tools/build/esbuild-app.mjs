#!/usr/bin/env node
// Bundles one app's entry point into a single executable CommonJS file for Node 20. Workspace
// libs (@llmmon/*) are bundled in; third-party packages stay external and load from node_modules.
import { chmodSync } from 'node:fs';
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
const [entry, outfile, ...options] = process.argv.slice(2);
const semiSpace = /^--semi-space=(\d+)$/.exec(options[0] ?? '')?.[1] ?? '2';
if (!entry || !outfile || options.length > 1 || (options[0] && !options[0].startsWith('--semi-space='))) {
  console.error('usage: esbuild-app.mjs <entry.ts> <outfile.js> [--semi-space=<MB>]');
  process.exit(2);
}
const NODE_FLAGS = [`--max-semi-space-size=${semiSpace}`, '--max-old-space-size=128'];

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
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
