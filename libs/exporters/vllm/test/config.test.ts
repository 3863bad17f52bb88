import { configRefusal } from '@llmmon/metrics-core/testing';
import { vllmExporter } from '../src';

/** Bad configuration: refused naming the variable (the app prints it as one line and exits 2). */
it.each([
  [{ DOCKER_ENABLED: 'false' }, 'VLLM_URLS: set at least one URL when DOCKER_ENABLED=false'],
  [{ VLLM_URLS: 'ftp://gpu-node:8000' }, 'VLLM_URLS: "ftp://gpu-node:8000" is not an http(s) URL'],
  [{ VLLM_TIMEOUT_SECONDS: '9' }, 'VLLM_TIMEOUT_SECONDS: must be below COLLECTOR_TIMEOUT_SECONDS (8)'],
  [{ VLLM_IMAGE_PATTERN: '(' }, 'VLLM_IMAGE_PATTERN: expected a valid regular expression'],
])('refuses %j', (env, message) => {
  expect(configRefusal(vllmExporter, env).message).toContain(message);
});
