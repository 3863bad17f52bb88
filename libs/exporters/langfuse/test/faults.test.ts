/**
 * A Langfuse that refuses the key, answers HTML or garbage, or answers too slowly: the exporter
 * stays healthy, says the upstream is down, keeps serving the last good snapshot, logs one line
 * when Langfuse starts failing (not per poll or scrape), and reads the missed traces once it
 * recovers.
 */
import { BackgroundSnapshot, parseExposition, UpstreamHealth } from '@llmmon/metrics-core';
import { captureLogs, renderCollector, sampleValue } from '@llmmon/metrics-core/testing';
import { FAKE_LANGFUSE, startFakeLangfuse } from '@llmmon/fixtures';
import { langfuseCollector } from '../src/collectors/langfuse';
import { LangfuseReader, type LangfuseState } from '../src/read';

const { publicKey: PUBLIC_KEY, secretKey: SECRET_KEY } = FAKE_LANGFUSE;

type Fault = 'html' | 'garbage' | 'slow' | undefined;

async function setUp(
  secretKey: string,
  fault: () => Fault,
  now: () => number = () => Date.parse('2025-11-18T14:31:00Z'),
) {
  const fake = await startFakeLangfuse({ fault });
  const { logger, lines } = captureLogs();
  const reader = new LangfuseReader({
    url: fake.url,
    publicKey: PUBLIC_KEY,
    secretKey,
    timeoutMs: 500,
    windowDays: 7,
    maxPages: 20,
    ingestionDelayMs: 0,
    topModels: 20,
    topScores: 20,
    now,
  });
  const upstreams = new UpstreamHealth('langfuse', logger);
  const snapshot = new BackgroundSnapshot<LangfuseState>({
    upstream: upstreams.upstream('langfuse'),
    read: (signal) => reader.read(signal),
    intervalMs: 3_600_000, // refreshed by hand
    timeoutMs: 1500,
  });
  const collector = langfuseCollector(snapshot);
  const scrapeThrice = async () => {
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push(await renderCollector(collector, upstreams));
    return parseExposition(texts[2]!);
  };
  return { fake, snapshot, collector, scrapeThrice, lines };
}

const up = (families: ReturnType<typeof parseExposition>) => sampleValue(families, 'llmmon_upstream_up');

it('a wrong secret key: down, one log line however often it is polled or scraped', async () => {
  const { fake, snapshot, scrapeThrice, lines } = await setUp('sk-lf-wrong', () => undefined);
  try {
    await snapshot.refresh();
    await snapshot.refresh();
    const families = await scrapeThrice();
    expect(up(families)).toBe(0);
    expect(sampleValue(families, 'llmmon_upstream_errors_total', { kind: 'http_status' })).toBe(2);
    const failures = lines.filter((l) => l.msg === 'upstream read failed');
    expect(failures).toHaveLength(1); // two polls, three scrapes
    expect(failures[0]!.kind).toBe('http_status');
    expect(JSON.stringify(lines)).not.toContain('sk-lf-wrong');
  } finally {
    snapshot.stop();
    await fake.close();
  }
});

it.each(['html', 'garbage', 'slow'] as const)(
  'Langfuse answering %s: upstream down, the last snapshot served stale',
  async (mode) => {
    let fault: Fault;
    const { fake, snapshot, scrapeThrice, lines } = await setUp(SECRET_KEY, () => fault);
    try {
      await snapshot.refresh();
      const good = await scrapeThrice();
      expect(up(good)).toBe(1);
      fault = mode;
      await snapshot.refresh();
      const families = await scrapeThrice();
      expect(up(families)).toBe(0);
      // The last good numbers, still there.
      expect(sampleValue(families, 'llmmon_langfuse_traces', { window: '7d' })).toBe(
        sampleValue(good, 'llmmon_langfuse_traces', { window: '7d' }),
      );
      const failed = lines.filter((l) => l.msg === 'upstream read failed');
      expect(failed).toHaveLength(1);
      expect(failed[0]!.kind).toBe({ html: 'http_status', garbage: 'parse', slow: 'timeout' }[mode]);
    } finally {
      snapshot.stop();
      await fake.close();
    }
  },
);

it('after a failed poll, the next one reads the traces it missed (the cursor did not move)', async () => {
  let fault: Fault;
  let now = Date.parse('2025-11-18T14:29:00Z'); // before the two newest fixture traces
  const { fake, snapshot, collector } = await setUp(
    SECRET_KEY,
    () => fault,
    () => now,
  );
  try {
    await snapshot.refresh();
    const count = async () =>
      parseExposition(await renderCollector(collector))
        .get('llmmon_langfuse_trace_latency_seconds')!
        .samples.find((s) => s.name.endsWith('_count'))!.value;
    expect(await count()).toBe(0);
    now = Date.parse('2025-11-18T14:29:15Z');
    fault = 'html';
    await snapshot.refresh();
    fault = undefined;
    now = Date.parse('2025-11-18T14:31:00Z');
    await snapshot.refresh();
    expect(await count()).toBe(3); // every trace from 14:29:00 on, each once
    await snapshot.refresh();
    expect(await count()).toBe(3);
  } finally {
    snapshot.stop();
    await fake.close();
  }
});
