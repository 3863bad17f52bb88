import { join } from 'node:path';
import { runWithConfig } from '@llmmon/metrics-core/testing';

const MAIN = join(__dirname, '../../../dist/apps/container-exporter/main.js');

/** Bad configuration: one line naming the variable, exit 2, before any Docker call. */
it.each([
  [{ DOCKER_HOST: 'ssh://admin@gpu-node' }, 'DOCKER_HOST: expected unix:///path/docker.sock'],
  [{ STATS_TIMEOUT_SECONDS: '9' }, 'STATS_TIMEOUT_SECONDS: must be below COLLECTOR_TIMEOUT_SECONDS (5)'],
  [
    { CONTAINER_LABEL_ALLOWLIST: 'a.b,a-b' },
    'CONTAINER_LABEL_ALLOWLIST: a.b and a-b both become container_label_a_b',
  ],
  [{ STATS_CONCURRENCY: '0' }, 'STATS_CONCURRENCY: expected an integer between 1 and 64'],
])('refuses %j', (env, message) => {
  const r = runWithConfig(MAIN, env);
  expect(r.status).toBe(2);
  expect(r.stderr).toEqual([expect.stringContaining(message)]);
});
