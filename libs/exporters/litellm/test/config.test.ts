import { ConfigError, loadExporterConfig } from '@llmmon/metrics-core';
import { litellmExporter } from '../src';

/** Bad configuration: refused naming the variable (the app prints it as one line and exits 2). */
it.each([
  [{}, 'LITELLM_API_KEY: must be set'],
  [{ LITELLM_API_KEY: 'sk-x', LITELLM_URL: 'ftp://proxy' }, 'LITELLM_URL: expected an http(s) URL'],
  [{ LITELLM_API_KEY: 'sk-x', LITELLM_TIMEOUT_SECONDS: '9' }, 'LITELLM_TIMEOUT_SECONDS: must be below'],
])('refuses %j', (env, message) => {
  const load = () => loadExporterConfig(litellmExporter, env);
  expect(load).toThrow(ConfigError);
  expect(load).toThrow(message);
});
