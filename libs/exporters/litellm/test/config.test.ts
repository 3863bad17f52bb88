import { configRefusal } from '@llmmon/metrics-core/testing';
import { litellmExporter } from '../src';

/** Bad configuration: refused naming the variable (the app prints it as one line and exits 2). */
it.each([
  [{}, 'LITELLM_API_KEY: must be set'],
  [{ LITELLM_API_KEY: 'sk-x', LITELLM_URL: 'ftp://proxy' }, 'LITELLM_URL: expected an http(s) URL'],
  [{ LITELLM_API_KEY: 'sk-x', LITELLM_TIMEOUT_SECONDS: '9' }, 'LITELLM_TIMEOUT_SECONDS: must be below'],
])('refuses %j', (env, message) => {
  expect(configRefusal(litellmExporter, env).message).toContain(message);
});
