/**
 * The architecture rules are enforced by lint, not by convention: libs never import apps,
 * apps never import each other or tooling, projects are never reached by relative paths.
 * Runs ESLint on in-memory probe files placed (virtually) inside each project.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The ESLint CLI on stdin (its flat config loads through dynamic import, which Jest's VM lacks). */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const run = spawnSync(
    resolve(ROOT, 'node_modules/.bin/eslint'),
    ['--stdin', '--stdin-filename', file, '--format', 'json'],
    { cwd: ROOT, input: code, encoding: 'utf8' },
  );
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result!.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);
}

it.each([
  [
    'an app importing tooling',
    'apps/system-exporter/src/probe.ts',
    "export * from '@llmmon/tools/demo/main';",
    /Imports of apps are forbidden|cannot depend/,
  ],
  [
    'a lib importing an app',
    'libs/exporters/system/src/probe.ts',
    "export * from '@llmmon/simulator/src/definition';",
    /Circular dependency|forbidden|cannot depend/,
  ],
  [
    'a relative import across projects',
    'libs/metrics-core/src/probe.ts',
    // Assembled: written out, it would climb out of this file's own folder.
    `export * from '${'../'.repeat(3)}apps/simulator/src/definition';`,
    /relative or absolute path/,
  ],
])('rejects %s', async (_what, file, code, message) => {
  const errors = await boundaryErrors(file, code);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.join('\n')).toMatch(message);
});

it('accepts an app using a shared lib', async () => {
  expect(
    await boundaryErrors('apps/system-exporter/src/probe.ts', "export { env } from '@llmmon/metrics-core';"),
  ).toEqual([]);
});
