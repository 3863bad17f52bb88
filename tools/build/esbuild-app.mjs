#!/usr/bin/env node
// Bundles one app's entry point into a single CommonJS file for Node 20. Workspace libs
// (@llmmon/*) are bundled in; third-party packages stay external and load from node_modules.
import { build } from 'esbuild';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: esbuild-app.mjs <entry.ts> <outfile.js>');
  process.exit(2);
}

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
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
