// Prints the package.json of /opt/llmmon: the workspace's runtime dependencies (the bundles
// keep third-party packages external), at the versions installed in this workspace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const { dependencies = {} } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pinned = Object.fromEntries(
  Object.keys(dependencies)
    .sort()
    .map((dep) => [
      dep,
      JSON.parse(readFileSync(join(root, 'node_modules', dep, 'package.json'), 'utf8')).version,
    ]),
);
console.log(JSON.stringify({ name: 'llmmon-runtime', private: true, dependencies: pinned }, null, 2));
