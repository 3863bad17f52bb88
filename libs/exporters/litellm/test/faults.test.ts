/**
 * A proxy that answers HTML, answers too slowly, or refuses the key: the exporter stays
 * healthy, says the upstream is down, keeps serving the last good catalog marked stale, and
 * logs one line per failed background read and per change of /metrics failure, not per scrape.
 */
import { parseExposition } from '@llmmon/metrics-core';
import { captureLogs, renderCollector, sampleValue } from '@llmmon/metrics-core/testing';
import { litellmFor } from './helpers';
import { FAKE_LITELLM_KEY as KEY, startFakeLitellm } from '@llmmon/fixtures';

const value = (text: string, family: string, labels: Record<string, string> = {}) =>
  sampleValue(parseExposition(text), family, labels);

async function setUp(key: string, fault: () => 'html' | 'slow' | undefined) {
  const fake = await startFakeLitellm({ fault });
  const { logger, lines } = captureLogs();
  const p = litellmFor(
    fake.url,
    {
      LITELLM_API_KEY: key,
      LITELLM_TIMEOUT_SECONDS: '0.5',
      LITELLM_HEALTH_TIMEOUT_SECONDS: '1',
      LITELLM_HEALTH_REFRESH_SECONDS: '3600', // refreshed by hand
      // Traffic from /metrics only: an HTML answer there is a failure, not a missing callback.
      LITELLM_TRAFFIC_SOURCE: 'metrics',
    },
    logger,
  );
  const render = () => renderCollector(p.collector, p.upstreams);
  return { fake, snapshot: p.snapshot, render, lines };
}

const up = (text: string, upstream: string) => value(text, 'llmmon_upstream_up', { upstream });

it.each(['html', 'slow'] as const)(
  'a proxy answering %s: upstreams down, last catalog served, one log line per upstream',
  async (mode) => {
    let fault: 'html' | 'slow' | undefined;
    const { fake, snapshot, render, lines } = await setUp(KEY, () => fault);
    try {
      await snapshot.refresh();
      const good = await render();
      expect(up(good, 'litellm')).toBe(1);
      expect(up(good, 'litellm_metrics')).toBe(1);
      fault = mode;
      await snapshot.refresh();
      const scrapes = [await render(), await render(), await render()];
      const last = scrapes[2]!;
      const kind = mode === 'html' ? 'http_status' : 'timeout';
      expect(up(last, 'litellm')).toBe(0);
      expect(parseExposition(last).get('llmmon_litellm_model_info')!.samples).toHaveLength(5); // the last good one
      expect(up(last, 'litellm_metrics')).toBe(0);
      expect(value(last, 'llmmon_upstream_errors_total', { upstream: 'litellm_metrics', kind })).toBe(3);
      expect(value(last, 'llmmon_upstream_errors_total', { upstream: 'litellm', kind })).toBe(1);
      // One line when each upstream started failing: not one per read or scrape.
      const failed = lines.filter((l) => l.msg === 'upstream read failed').map((l) => l['upstream']);
      expect(failed.sort()).toEqual(['litellm', 'litellm_metrics']);
    } finally {
      snapshot.stop();
      await fake.close();
    }
  },
);

it('a wrong key: the admin API down from the first read, logged once', async () => {
  const { fake, snapshot, render, lines } = await setUp('sk-wrong-key-0000000000', () => undefined);
  try {
    await snapshot.refresh();
    await snapshot.refresh();
    for (let i = 0; i < 3; i++) expect(up(await render(), 'litellm')).toBe(0);
    const failures = lines.filter((l) => l.msg === 'upstream read failed' && l['upstream'] === 'litellm');
    expect(failures.map((l) => l.kind)).toEqual(['http_status']);
  } finally {
    snapshot.stop();
    await fake.close();
  }
});
