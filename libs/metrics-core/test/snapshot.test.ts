import {
  BackgroundSnapshot,
  MetricSink,
  parseExposition,
  render,
  silentLogger,
  type Collector,
} from '../src';
import { Registry } from 'prom-client';
import { scrape, startTestExporter } from '../src/testing';

const flush = () => new Promise((r) => setImmediate(r));

describe('BackgroundSnapshot', () => {
  it('serves the last good value at once while a read hangs, and marks it stale', async () => {
    let calls = 0;
    let hang = false;
    const clock = { now: 1_000_000 };
    const snap = new BackgroundSnapshot({
      name: 'nvidia-smi',
      read: async () => {
        calls++;
        if (hang) return new Promise<number>(() => undefined);
        return calls;
      },
      intervalMs: 60_000,
      timeoutMs: 50,
      logger: silentLogger(),
      now: () => clock.now,
    });
    await snap.start();
    expect(snap.current).toMatchObject({ value: 1, ok: true, failures: 0 });
    hang = true;
    clock.now += 30_000;
    const read = snap.refresh();
    // A second refresh while the first runs does not start another read.
    void snap.refresh();
    expect(calls).toBe(2);
    await read; // ends when the 50 ms timeout fires
    expect(snap.current).toMatchObject({ value: 1, ok: false, failures: 1, lastErrorKind: 'timeout' });
    const out = new MetricSink();
    snap.report(out);
    const text = parseExposition(await render(out.families(), new Registry(), 'prometheus'));
    const v = (name: string) => text.get(name)!.samples[0]!.value;
    expect(v('llmmon_source_last_collect_success')).toBe(0);
    expect(v('llmmon_source_snapshot_age_seconds')).toBe(30);
    expect(v('llmmon_source_collect_failures_total')).toBe(1);
    snap.stop();
  });

  it('starts no second read beside one that outlived its timeout, until that one settles', async () => {
    let calls = 0;
    let release: (v: number) => void = () => undefined;
    const snap = new BackgroundSnapshot({
      name: 'nvml',
      // Ignores the abort signal, as a call stuck in a driver does.
      read: () => {
        calls++;
        return calls === 1 ? new Promise<number>((r) => (release = r)) : Promise.resolve(calls);
      },
      intervalMs: 60_000,
      timeoutMs: 20,
      logger: silentLogger(),
    });
    await snap.refresh(); // times out; the read is still running
    await snap.refresh(); // fails at once: the stuck read has not returned
    expect(calls).toBe(1);
    expect(snap.current).toMatchObject({ ok: false, failures: 2, lastErrorKind: 'timeout' });
    release(1);
    await flush();
    await snap.refresh();
    expect(calls).toBe(2);
    expect(snap.current).toMatchObject({ value: 2, ok: true });
  });

  it('keeps the scrape fast however slow the source is', async () => {
    let release!: () => void;
    const slow = new BackgroundSnapshot({
      name: 'slow',
      read: () => new Promise<string>((r) => (release = () => r('late'))),
      intervalMs: 60_000,
      timeoutMs: 60_000,
      logger: silentLogger(),
    });
    void slow.start(); // the first read is still running
    const collector: Collector = { name: 'reads-snapshot', metrics: [], collect: (out) => slow.report(out) };
    const t = await startTestExporter({ collectors: [collector] });
    try {
      const res = await fetch(`${t.url}/metrics`, { signal: AbortSignal.timeout(2_000) });
      expect(res.status).toBe(200);
      const parsed = await scrape(t.url);
      expect(parsed.families.get('llmmon_source_last_collect_success')!.samples[0]!.value).toBe(0);
      release();
      await flush();
      await flush();
      expect(slow.current.value).toBe('late');
    } finally {
      slow.stop();
      await t.stop();
    }
  });
});
