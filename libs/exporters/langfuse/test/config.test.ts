/** Bad configuration: refused naming the variable (the app prints it as one line, exit 2), the secret never echoed. */
import { configRefusal } from '@llmmon/metrics-core/testing';
import { langfuseExporter } from '../src';

const KEYS = { LANGFUSE_PUBLIC_KEY: 'pk-lf-x', LANGFUSE_SECRET_KEY: 'sk-lf-very-secret-value' };

it.each([
  ['LANGFUSE_PUBLIC_KEY', { LANGFUSE_SECRET_KEY: KEYS.LANGFUSE_SECRET_KEY }],
  ['LANGFUSE_SECRET_KEY', { LANGFUSE_PUBLIC_KEY: KEYS.LANGFUSE_PUBLIC_KEY }],
  ['LANGFUSE_URL', { ...KEYS, LANGFUSE_URL: 'langfuse:3000' }],
  ['LANGFUSE_POLL_SECONDS', { ...KEYS, LANGFUSE_POLL_SECONDS: '5' }],
  ['LANGFUSE_TIMEOUT_SECONDS', { ...KEYS, LANGFUSE_POLL_SECONDS: '20', LANGFUSE_TIMEOUT_SECONDS: '30' }],
  ['LANGFUSE_WINDOW_DAYS', { ...KEYS, LANGFUSE_WINDOW_DAYS: 'week' }],
  ['LANGFUSE_TOP_MODELS', { ...KEYS, LANGFUSE_TOP_MODELS: '500' }],
])('refuses a bad %s', (variable, env) => {
  const err = configRefusal(langfuseExporter, env);
  expect(err.variable).toBe(variable);
  expect(err.message).not.toContain('very-secret');
});

it('says why a top N is refused: the series budget', () => {
  expect(configRefusal(langfuseExporter, { ...KEYS, LANGFUSE_TOP_MODELS: '500' }).message).toMatch(
    /LANGFUSE_TOP_MODELS.*LANGFUSE_SERIES_BUDGET \(2000\)/,
  );
});
