#!/usr/bin/env node
// Copies into <app dir>/node_modules exactly what the app's bundle needs at run time: the
// packages its package.json lists (written by esbuild-app.mjs) and everything they depend on,
// as installed in the workspace (the lockfile's versions; nothing is downloaded), found the way
// Node resolves them. Native packages keep their built .node files, not their sources or
// object files. Used by the image build, so each image holds one app's packages, not the
// workspace's.
//   node tools/build/runtime-modules.mjs dist/apps/<app>
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const [appDir] = process.argv.slice(2);
if (!appDir || !existsSync(join(appDir, 'package.json'))) {
  console.error('usage: runtime-modules.mjs <dist/apps/app> (with the package.json the build wrote)');
  process.exit(2);
}
const WORKSPACE = resolve(new URL('../..', import.meta.url).pathname);
const MODULES = join(WORKSPACE, 'node_modules');
const out = join(resolve(appDir), 'node_modules');

/** The folder of package `name` as Node finds it from `fromDir` (nested node_modules first). */
function locate(name, fromDir) {
  for (let dir = fromDir; dir.startsWith(WORKSPACE); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === WORKSPACE) break;
  }
  return undefined;
}

/** What a package needs at run time: not its sources, tests, docs or build leftovers. */
function keep(src, pkgDir, native) {
  const rel = relative(pkgDir, src);
  if (rel === '') return true;
  if (rel === 'node_modules' || rel.startsWith('node_modules/')) return false; // copied as packages of their own
  if (/(^|\/)(test|tests|__tests__|docs?|examples?|\.github)(\/|$)/.test(rel)) return false;
  if (/\.(md|markdown|map|ts|c|cc|cpp|h|hpp|gyp|gypi)$/.test(rel) && statSync(src).isFile()) return false;
  if (native) {
    // Only the built binaries: not the C sources, the vendored library, objects or Makefiles.
    if (/^(src|deps)(\/|$)/.test(rel)) return false;
    if (rel === 'build' || rel === 'build/Release') return true;
    if (rel.startsWith('build/')) return /^build\/Release\/[^/]+\.node$/.test(rel);
  }
  return true;
}

const copied = new Set();
const queue = Object.keys(
  JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')).dependencies ?? {},
).map((name) => ({ name, from: WORKSPACE, optional: false }));
while (queue.length) {
  const { name, from, optional } = queue.shift();
  const dir = locate(name, from);
  if (!dir) {
    if (optional) continue; // an optional dependency for another platform
    throw new Error(`${name} (needed from ${relative(WORKSPACE, from) || '.'}) is not installed: run npm ci`);
  }
  if (copied.has(dir)) continue;
  copied.add(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const native = existsSync(join(dir, 'binding.gyp'));
  const target = join(out, relative(MODULES, dir));
  mkdirSync(dirname(target), { recursive: true });
  cpSync(dir, target, { recursive: true, dereference: true, filter: (src) => keep(src, dir, native) });
  for (const dep of Object.keys(pkg.dependencies ?? {}))
    queue.push({ name: dep, from: dir, optional: false });
  for (const dep of Object.keys(pkg.optionalDependencies ?? {}))
    queue.push({ name: dep, from: dir, optional: true });
}
console.log(`[runtime-modules] ${copied.size} packages into ${relative(process.cwd(), out)}`);
