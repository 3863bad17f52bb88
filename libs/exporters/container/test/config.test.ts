import { configRefusal } from '@llmmon/metrics-core/testing';
import { containerExporter } from '../src';

/** Bad configuration: refused naming the variable (the app prints it as one line and exits 2). */
it.each([
  [{ DOCKER_HOST: 'ssh://admin@gpu-node' }, 'DOCKER_HOST: expected unix:///path/docker.sock'],
  [{ STATS_TIMEOUT_SECONDS: '9' }, 'STATS_TIMEOUT_SECONDS: must be below COLLECTOR_TIMEOUT_SECONDS (5)'],
  [
    { CONTAINER_LABEL_ALLOWLIST: 'a.b,a-b' },
    'CONTAINER_LABEL_ALLOWLIST: a.b and a-b both become container_label_a_b',
  ],
  [{ STATS_CONCURRENCY: '0' }, 'STATS_CONCURRENCY: expected an integer between 1 and 64'],
])('refuses %j', (env, message) => {
  expect(configRefusal(containerExporter, env).message).toContain(message);
});
