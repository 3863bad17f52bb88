/** Integration: the real Prometheus scrapes the built exporter and answers a PromQL CPU query. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  startPrometheus,
  waitForQuery,
  type ManagedProcess,
  type RunningPrometheus,
} from '@llmmon/native-stack';
import { startBuiltExporter } from './helpers';

describe('Prometheus scraping the system exporter', () => {
  let exporter: ManagedProcess;
  let prometheus: RunningPrometheus;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-prom-'));

  beforeAll(async () => {
    const started = await startBuiltExporter();
    exporter = started.proc;
    const port = started.port;
    prometheus = await startPrometheus({
      port: await freePort(),
      dataDir,
      config: [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: system',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${port}']`,
      ].join('\n'),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sees the target up and computes CPU utilisation from node_cpu_seconds_total', async () => {
    const up = await waitForQuery(prometheus.url, 'up{job="system"}', (r) => r[0]?.value[1] === '1');
    expect(up[0]!.metric['instance']).toMatch(/^127\.0\.0\.1:\d+$/);

    const cpu = await waitForQuery(
      prometheus.url,
      '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[1m])))',
      (r) => r.length === 1,
    );
    const percent = Number(cpu[0]!.value[1]);
    expect(percent).toBeGreaterThanOrEqual(0);
    expect(percent).toBeLessThanOrEqual(100);

    // Every collector succeeded as Prometheus saw it, not only as we rendered it.
    const failing = await waitForQuery(
      prometheus.url,
      'llmmon_exporter_collector_success',
      (r) => r.length >= 12,
    );
    expect(failing.filter((s) => s.value[1] !== '1').map((s) => s.metric['collector'])).toEqual([]);
  });
});
