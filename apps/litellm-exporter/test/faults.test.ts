/**
 * A proxy that answers HTML, answers too slowly, or refuses the key: the exporter stays
 * healthy, says the upstream is down, keeps serving the last good catalog marked stale, and
 * logs one line per failed background read and per change of /metrics failure, not per scrape.
 */
import { BackgroundSnapshot, parseExposition } from '@llmmon/metrics-core';
import { captureLogs, renderCollector, sampleValue } from '@llmmon/metrics-core/testing';
import { litellmCollector, type ProxyState } from '../src/collectors/litellm';
import { readProxy } from '../src/read';
import { KEY, startFakeLitellm } from './fake-litellm';

const value = (text: string, family: string, labels: Record<string, string> = {}) =>
  sampleValue(parseExposition(text), family, labels);

async function setUp(key: string, fault: () => 'html' | 'slow' | undefined) {
  const fake = await startFakeLitellm({ fault });
  const { logger, lines } = captureLogs();
  const snapshot = new BackgroundSnapshot<ProxyState>({
    name: 'litellm',
    read: (signal) => readProxy({ url: fake.url, apiKey: key, timeoutMs: 500, healthTimeoutMs: 500 }, signal),
    intervalMs: 3_600_000, // refreshed by hand
    timeoutMs: 1000,
    logger,
  });
  const collector = litellmCollector({
    snapshot,
    metricsUrl: `${fake.url}/metrics`,
    apiKey: key,
    timeoutMs: 500,
    maxMetricsBytes: 16 * 1024 * 1024,
    logger,
  });
  return { fake, snapshot, collector, lines };
}

it.each(['html', 'slow'] as const)(
  'a proxy answering %s: upstream down, last catalog served stale, one log line per read',
  async (mode) => {
    let fault: 'html' | 'slow' | undefined;
    const { fake, snapshot, collector, lines } = await setUp(KEY, () => fault);
    try {
      await snapshot.start();
      expect(value(await renderCollector(collector), 'llmmon_litellm_up')).toBe(1);
      fault = mode;
      await snapshot.refresh();
      const scrapes = [
        await renderCollector(collector),
        await renderCollector(collector),
        await renderCollector(collector),
      ];
      const last = scrapes[2]!;
      const kind = mode === 'html' ? 'http_status' : 'timeout';
      expect(value(last, 'llmmon_litellm_up')).toBe(0);
      expect(value(last, 'llmmon_source_last_collect_success', { source: 'litellm' })).toBe(0);
      expect(parseExposition(last).get('llmmon_litellm_model_info')!.samples).toHaveLength(5); // the last good one
      expect(value(last, 'llmmon_litellm_metrics_up')).toBe(0);
      expect(value(last, 'llmmon_litellm_metrics_errors_total', { kind })).toBe(3);
      snapshot.stop();
      // One line for the failed background read, one for /metrics starting to fail: not three.
      expect(lines.filter((l) => l.msg.startsWith('source read failed'))).toHaveLength(1);
      expect(lines.filter((l) => l.msg === 'LiteLLM /metrics unreadable')).toHaveLength(1);
    } finally {
      snapshot.stop();
      await fake.close();
    }
  },
);

it('a wrong key: up 0 from the first read, one log line per background read', async () => {
  const { fake, snapshot, collector, lines } = await setUp('sk-wrong-key-0000000000', () => undefined);
  try {
    await snapshot.start();
    await snapshot.refresh();
    for (let i = 0; i < 3; i++) expect(value(await renderCollector(collector), 'llmmon_litellm_up')).toBe(0);
    const failures = lines.filter((l) => l.msg.startsWith('source read failed'));
    expect(failures.map((l) => l.kind)).toEqual(['http_status', 'http_status']);
  } finally {
    snapshot.stop();
    await fake.close();
  }
});
