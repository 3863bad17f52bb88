/**
 * A Langfuse that refuses the key, answers HTML or garbage, or answers too slowly: the exporter
 * stays healthy, says the upstream is down, keeps serving the last good snapshot marked stale,
 * logs one line per failed poll (not per scrape), and reads the missed traces once it recovers.
 */
import { BackgroundSnapshot, parseExposition } from '@llmmon/metrics-core';
import { captureLogs, renderCollector, sampleValue } from '@llmmon/metrics-core/testing';
import { langfuseCollector } from '../src/collectors/langfuse';
import { LangfuseReader, type LangfuseState } from '../src/read';
import { PUBLIC_KEY, SECRET_KEY, startFakeLangfuse } from './fake-langfuse';

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
  const snapshot = new BackgroundSnapshot<LangfuseState>({
    name: 'langfuse',
    read: (signal) => reader.read(signal),
    intervalMs: 3_600_000, // refreshed by hand
    timeoutMs: 1500,
    logger,
  });
  return { fake, snapshot, collector: langfuseCollector(snapshot), lines };
}

const scrapeThrice = async (collector: ReturnType<typeof langfuseCollector>) => {
  const texts = [];
  for (let i = 0; i < 3; i++) texts.push(await renderCollector(collector));
  return parseExposition(texts[2]!);
};

it('a wrong secret key: up 0, one log line per poll however often it is scraped', async () => {
  const { fake, snapshot, collector, lines } = await setUp('sk-lf-wrong', () => undefined);
  try {
    await snapshot.start();
    await snapshot.refresh();
    const families = await scrapeThrice(collector);
    expect(sampleValue(families, 'llmmon_langfuse_up')).toBe(0);
    expect(sampleValue(families, 'llmmon_source_collect_failures_total', { source: 'langfuse' })).toBe(2);
    const failures = lines.filter((l) => l.msg.startsWith('source read failed'));
    expect(failures).toHaveLength(2); // two polls, three scrapes
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
    const { fake, snapshot, collector, lines } = await setUp(SECRET_KEY, () => fault);
    try {
      await snapshot.start();
      const good = await scrapeThrice(collector);
      expect(sampleValue(good, 'llmmon_langfuse_up')).toBe(1);
      fault = mode;
      await snapshot.refresh();
      const families = await scrapeThrice(collector);
      expect(sampleValue(families, 'llmmon_langfuse_up')).toBe(0);
      expect(sampleValue(families, 'llmmon_source_last_collect_success', { source: 'langfuse' })).toBe(0);
      // The last good numbers, still there.
      expect(sampleValue(families, 'llmmon_langfuse_traces', { window: '7d' })).toBe(
        sampleValue(good, 'llmmon_langfuse_traces', { window: '7d' }),
      );
      const failed = lines.filter((l) => l.msg.startsWith('source read failed'));
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
    await snapshot.start();
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
