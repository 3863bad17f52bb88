/**
 * Builds the panel plugin in the current directory into dist/ the way Grafana loads plugins:
 * dist/module.js is an AMD module (`define([...deps], factory)`) whose dependencies are only
 * the modules Grafana shares with plugins (react, @grafana/*, emotion, rxjs, …), never bundled;
 * plugin.json (version and date filled in), the logo, README and CHANGELOG beside it.
 * esbuild bundles; the AMD wrapper is what Grafana's webpack config (library type "amd")
 * produces, without webpack's runtime.
 *   node ../build-plugin.mjs            (npx nx build <plugin>)
 */
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What Grafana's SystemJS hands to plugins (its plugin build's externals). */
const SHARED_MODULES = JSON.parse(readFileSync(new URL('./shared-modules.json', import.meta.url), 'utf8'));

const dir = process.cwd();
const out = join(dir, 'dist');
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [join(dir, 'src/module.ts')],
  bundle: true,
  format: 'cjs',
  platform: 'browser',
  target: 'es2020',
  jsx: 'automatic',
  minify: true,
  legalComments: 'none',
  external: SHARED_MODULES,
  write: false,
  logLevel: 'warning',
});
const code = result.outputFiles[0].text;

// The shared modules the bundle asks for, in a stable order.
const required = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
const unknown = required.filter((m) => !SHARED_MODULES.includes(m));
if (unknown.length) throw new Error(`bundle requires modules Grafana does not share: ${unknown.join(', ')}`);

const params = required.map((_, i) => `__shared${i}`);
const amd = [
  `define(${JSON.stringify(required)}, function (${params.join(', ')}) {`,
  `var __modules = {${required.map((m, i) => `${JSON.stringify(m)}: ${params[i]}`).join(', ')}};`,
  'var require = function (name) { if (name in __modules) return __modules[name]; throw new Error("module " + name + " is not shared with plugins"); };',
  'var module = { exports: {} }, exports = module.exports;',
  code,
  'return module.exports;',
  '});',
  '',
].join('\n');
writeFileSync(join(out, 'module.js'), amd);

const pluginJson = readFileSync(join(dir, 'src/plugin.json'), 'utf8')
  .replace('%VERSION%', pkg.version)
  .replace('%TODAY%', new Date().toISOString().slice(0, 10));
writeFileSync(join(out, 'plugin.json'), pluginJson);
cpSync(join(dir, 'src/img'), join(out, 'img'), { recursive: true });
for (const file of ['README.md', 'CHANGELOG.md'])
  if (existsSync(join(dir, file))) cpSync(join(dir, file), join(out, file));

console.log(
  `${pkg.name}: dist/module.js ${(amd.length / 1024).toFixed(1)} kB, shared modules: ${required.join(', ')}`,
);
