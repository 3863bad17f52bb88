/**
 * Faults of vLLM instances, with stand-in servers given as static URLs: the exporter in-process,
 * as its app runs it.
 */
import { sampleValue, scrape, startDefinition, type TestExporter } from '@llmmon/metrics-core/testing';
import { vllmExporter } from '../src';
import { startFakeVllm, type FakeVllm } from '@llmmon/fixtures';

type Scrape = Awaited<ReturnType<typeof scrape>>;
const value = (r: Scrape, family: string, labels: Record<string, string>) =>
  sampleValue(r.families, family, labels);

describe('vLLM exporter faults', () => {
  const fakes: Record<string, FakeVllm> = {};
  let exporter: TestExporter;

  beforeAll(async () => {
    fakes['good'] = await startFakeVllm();
    fakes['hang'] = await startFakeVllm({ metricsFault: 'hang' });
    fakes['error'] = await startFakeVllm({ metricsFault: 'error' });
    fakes['huge'] = await startFakeVllm({ metricsFault: 'huge' });
    fakes['garbage'] = await startFakeVllm({ metricsFault: 'garbage' });
    exporter = await startDefinition(vllmExporter, {
      DOCKER_ENABLED: 'false',
      VLLM_URLS: Object.values(fakes)
        .map((f) => f.url)
        .join(','),
      VLLM_TIMEOUT_SECONDS: '1',
      VLLM_MAX_METRICS_BYTES: String(4 * 1024 * 1024),
    });
  });
  afterAll(async () => {
    await exporter?.stop();
    await Promise.all(Object.values(fakes).map((f) => f.close()));
  });

  it('reports a hung, a failing, an oversized and a malformed /metrics as down, each for its reason; the good one is read', async () => {
    // The guard is Prometheus' default scrape timeout; the instance timeout is 1 s.
    const res = await fetch(`${exporter.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    const r = await scrape(exporter.url);
    const host = (k: string) => new URL(fakes[k]!.url).host;
    const upstream = (k: string) => `vllm/${host(k)}`;
    expect(value(r, 'llmmon_upstream_up', { upstream: upstream('good') })).toBe(1);
    for (const [k, kind] of [
      ['hang', 'timeout'],
      ['error', 'http_status'],
      ['huge', 'too_large'],
      ['garbage', 'parse'],
    ] as const) {
      expect(value(r, 'llmmon_upstream_up', { upstream: upstream(k) })).toBe(0);
      expect(
        value(r, 'llmmon_upstream_errors_total', { exporter: 'vllm', upstream: upstream(k), kind }),
      ).toBeGreaterThanOrEqual(1);
    }
    expect(value(r, 'llmmon_exporter_collector_success', { collector: 'vllm' })).toBe(1);
    expect(
      r.families
        .get('vllm:num_requests_running')!
        .samples.every((s) => s.labels['container'] === host('good')),
    ).toBe(true);
  });
});
