/** Bad configuration: one line naming the variable, exit 2, and the secret never echoed. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runWithConfig } from '@llmmon/metrics-core/testing';

const MAIN = join(__dirname, '../../../dist/apps/langfuse-exporter/main.js');
const KEYS = { LANGFUSE_PUBLIC_KEY: 'pk-lf-x', LANGFUSE_SECRET_KEY: 'sk-lf-very-secret-value' };

beforeAll(() => {
  if (!existsSync(MAIN))
    throw new Error('dist/apps/langfuse-exporter is missing: run "npx nx build langfuse-exporter"');
});

it.each([
  ['LANGFUSE_PUBLIC_KEY', { LANGFUSE_SECRET_KEY: KEYS.LANGFUSE_SECRET_KEY }],
  ['LANGFUSE_SECRET_KEY', { LANGFUSE_PUBLIC_KEY: KEYS.LANGFUSE_PUBLIC_KEY }],
  ['LANGFUSE_URL', { ...KEYS, LANGFUSE_URL: 'langfuse:3000' }],
  ['LANGFUSE_POLL_SECONDS', { ...KEYS, LANGFUSE_POLL_SECONDS: '5' }],
  ['LANGFUSE_TIMEOUT_SECONDS', { ...KEYS, LANGFUSE_POLL_SECONDS: '20', LANGFUSE_TIMEOUT_SECONDS: '30' }],
  ['LANGFUSE_WINDOW_DAYS', { ...KEYS, LANGFUSE_WINDOW_DAYS: 'week' }],
])('refuses a bad %s', (variable, env) => {
  const r = runWithConfig(MAIN, env);
  expect(r.status).toBe(2);
  expect(r.stderr).toHaveLength(1);
  expect(r.stderr[0]).toContain(variable);
  expect(r.stderr[0]).not.toContain('very-secret');
});
