import {
  BackgroundSnapshot,
  MetricSink,
  parseExposition,
  render,
  silentLogger,
  UpstreamHealth,
} from '../src';
import { scrape, startTestExporter } from '../src/testing';

const flush = () => new Promise((r) => setImmediate(r));

/** The upstream families of `health`, parsed. */
async function reported(health: UpstreamHealth) {
  const out = new MetricSink();
  health.report(out);
  return parseExposition(await render(out.families(), [], 'prometheus'));
}

describe('BackgroundSnapshot', () => {
  it('serves the last good value at once while a read hangs, and reports the upstream down', async () => {
    let calls = 0;
    let hang = false;
    const clock = { now: 1_000_000 };
    const health = new UpstreamHealth('gpu', silentLogger(), () => clock.now);
    const snap = new BackgroundSnapshot({
      upstream: health.upstream('nvidia-smi'),
      read: async () => {
        calls++;
        if (hang) return new Promise<number>(() => undefined);
        return calls;
      },
      intervalMs: 60_000,
      timeoutMs: 50,
      now: () => clock.now,
    });
    expect(snap.ready()).toEqual({ ready: false, detail: 'no data yet from nvidia-smi' });
    await snap.refresh();
    expect(snap.current).toMatchObject({ value: 1, ok: true });
    expect(snap.ready()).toEqual({ ready: true });
    hang = true;
    clock.now += 30_000;
    const read = snap.refresh();
    // A second refresh while the first runs does not start another read.
    void snap.refresh();
    expect(calls).toBe(2);
    await read; // ends when the 50 ms timeout fires
    expect(snap.current).toMatchObject({ value: 1, ok: false });
    const text = await reported(health);
    const v = (name: string, kind?: string) =>
      text.get(name)!.samples.find((s) => kind === undefined || s.labels['kind'] === kind)!.value;
    expect(text.get('llmmon_upstream_up')!.samples[0]!.labels).toEqual({
      exporter: 'gpu',
      upstream: 'nvidia-smi',
    });
    expect(v('llmmon_upstream_up')).toBe(0);
    expect(v('llmmon_upstream_errors_total', 'timeout')).toBe(1);
    expect(v('llmmon_upstream_errors_total', 'parse')).toBe(0);
    // The data served is as old as the last success: 30 s.
    expect(clock.now / 1000 - v('llmmon_upstream_last_success_timestamp_seconds')).toBe(30);
    snap.stop();
  });

  it('starts no second read beside one that outlived its timeout, until that one settles', async () => {
    let calls = 0;
    let release: (v: number) => void = () => undefined;
    const upstream = new UpstreamHealth('gpu', silentLogger()).upstream('nvml');
    const snap = new BackgroundSnapshot({
      upstream,
      // Ignores the abort signal, as a call stuck in a driver does.
      read: () => {
        calls++;
        return calls === 1 ? new Promise<number>((r) => (release = r)) : Promise.resolve(calls);
      },
      intervalMs: 60_000,
      timeoutMs: 20,
    });
    await snap.refresh(); // times out; the read is still running
    await snap.refresh(); // fails at once: the stuck read has not returned
    expect(calls).toBe(1);
    expect(snap.current).toMatchObject({ ok: false });
    expect(upstream.errors.get('timeout')).toBe(2);
    release(1);
    await flush();
    await snap.refresh();
    expect(calls).toBe(2);
    expect(snap.current).toMatchObject({ value: 2, ok: true });
    expect(upstream.up).toBe(true);
  });

  it('keeps the scrape fast however slow the source is; the core reports its upstream', async () => {
    let release!: () => void;
    let slow!: BackgroundSnapshot<string>;
    const started = await startTestExporter({
      build: ({ upstreams }) => {
        slow = new BackgroundSnapshot({
          upstream: upstreams.upstream('slow'),
          read: () => new Promise<string>((r) => (release = () => r('late'))),
          intervalMs: 60_000,
          timeoutMs: 60_000,
        });
        return {
          collectors: [{ name: 'reads-snapshot', metrics: [], collect: () => undefined }],
          sources: [slow],
        };
      },
    });
    try {
      const res = await fetch(`${started.url}/metrics`, { signal: AbortSignal.timeout(2_000) });
      expect(res.status).toBe(200);
      const parsed = await scrape(started.url);
      const upSample = parsed.families.get('llmmon_upstream_up')!.samples[0]!;
      expect(upSample.labels).toEqual({ exporter: 'test', upstream: 'slow' });
      expect(upSample.value).toBe(0);
      release();
      await flush();
      await flush();
      expect(slow.current.value).toBe('late');
      expect((await scrape(started.url)).families.get('llmmon_upstream_up')!.samples[0]!.value).toBe(1);
    } finally {
      await started.stop();
    }
  });
});
