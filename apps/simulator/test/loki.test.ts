import { silentLogger } from '@llmmon/metrics-core';
import { freePort } from '@llmmon/native-stack';
import { logLines } from '../src/upstreams/docker/logs';
import { LokiPusher } from '../src/upstreams/loki/pusher';
import { scenarioByName } from '../src/world/scenarios';
import { World } from '../src/world/world';
import { startFakeLoki } from './fake-loki';

const REAL_NOW = Date.parse('2025-11-18T15:00:00Z');

function setup(url: string, clock: { now: number }) {
  const world = new World(42, REAL_NOW - 120_000, {
    scenario: 'degraded',
    settings: scenarioByName('degraded')!.settings,
  });
  const pusher = new LokiPusher(
    world,
    { url, intervalMs: 1000, batchLines: 200, timeoutMs: 2000, maxBufferLines: 10_000 },
    silentLogger(),
    () => clock.now,
  );
  return { world, pusher };
}

/** Every line the world wrote between two instants, over all containers. */
function expectedLines(world: World, fromMs: number, toMs: number): number {
  return world.containers.reduce((n, c) => n + logLines(world, c, fromMs, toMs).length, 0);
}

describe('pushing container logs to Loki', () => {
  it('delivers every line with container, service, level and job labels, in batches', async () => {
    const clock = { now: REAL_NOW };
    const loki = await startFakeLoki(() => clock.now);
    try {
      const { world, pusher } = setup(loki.url, clock);
      const start = world.timeMs;
      world.advanceTo(REAL_NOW);
      pusher.collect();
      const total = expectedLines(world, start, REAL_NOW);
      expect(total).toBeGreaterThan(200);
      while (pusher.buffered > 0) await pusher.flush();
      expect(loki.received).toHaveLength(total);
      expect(loki.pushes()).toBe(Math.ceil(total / 200));
      expect(pusher.sent.lines).toBe(total);
      const labels = loki.received[0]!.labels;
      expect(Object.keys(labels).sort()).toEqual(['container', 'job', 'level', 'mock', 'service']);
      expect(new Set(loki.received.map((r) => r.labels['level']))).toContain('error'); // degraded: errors in the logs
      // Within each stream, entries arrive in time order (what Loki requires of a stream).
      const stream = loki.received.filter(
        (r) => r.labels['container'] === 'vllm-llama70b' && r.labels['level'] === 'info',
      );
      const times = stream.map((r) => BigInt(r.ns));
      expect(times.length).toBeGreaterThan(10);
      expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    } finally {
      await loki.stop();
    }
  });

  it('retries 429 and 5xx with backoff without losing a line', async () => {
    const clock = { now: REAL_NOW };
    const loki = await startFakeLoki(() => clock.now);
    try {
      const { world, pusher } = setup(loki.url, clock);
      world.advanceTo(REAL_NOW);
      pusher.collect();
      const total = pusher.buffered;
      loki.failNext(429, 503);
      await pusher.flush(); // 429
      await pusher.flush(); // inside the backoff: no request
      expect(loki.pushes()).toBe(1);
      clock.now += 2_000;
      await pusher.flush(); // 503: backoff doubles
      clock.now += 1_000;
      await pusher.flush();
      expect(loki.pushes()).toBe(2);
      clock.now += 5_000;
      while (pusher.buffered > 0) await pusher.flush();
      expect(loki.received).toHaveLength(total);
      expect(pusher.failures.get('http_429')).toBe(1);
      expect(pusher.failures.get('http_5xx')).toBe(1);
      expect(pusher.dropped.size).toBe(0);
    } finally {
      await loki.stop();
    }
  });

  it('drops and counts a batch Loki rejects with another 4xx, and lines an accelerated clock put in the future', async () => {
    const clock = { now: REAL_NOW };
    const loki = await startFakeLoki(() => clock.now);
    try {
      const { world, pusher } = setup(loki.url, clock);
      world.advanceTo(REAL_NOW);
      pusher.collect();
      loki.failNext(400);
      await pusher.flush();
      expect(pusher.dropped.get('rejected')).toBe(200);
      world.advanceTo(REAL_NOW + 3_600_000); // an hour ahead of Loki's clock
      pusher.collect();
      while (pusher.buffered > 0) await pusher.flush();
      expect(pusher.dropped.get('future')).toBeGreaterThan(0);
      expect(loki.received.every((r) => Number(BigInt(r.ns) / 1_000_000n) <= clock.now + 10 * 60_000)).toBe(
        true,
      );
    } finally {
      await loki.stop();
    }
  });

  it('keeps lines and counts the failure while Loki is unreachable', async () => {
    const clock = { now: REAL_NOW };
    const { world, pusher } = setup(`http://127.0.0.1:${await freePort()}`, clock);
    world.advanceTo(REAL_NOW);
    pusher.collect();
    const before = pusher.buffered;
    await pusher.flush();
    expect(pusher.buffered).toBe(before);
    expect(pusher.failures.get('refused')).toBe(1);
  });
});

describe('the simulator with SIM_LOKI_URL', () => {
  it('pushes on its own, beside the clock, and reports it in its metrics', async () => {
    const { startSimulator } = await import('./helpers');
    const loki = await startFakeLoki();
    const start = new Date(Date.now() - 60_000).toISOString();
    const s = await startSimulator({
      SIM_CLOCK: 'realtime',
      SIM_START_TIME: start,
      SIM_LOKI_URL: loki.url,
      SIM_LOKI_PUSH_SECONDS: '0.2',
      SIM_TICK_SECONDS: '0.2',
    });
    try {
      const deadline = Date.now() + 10_000;
      while (loki.received.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(loki.received.length).toBeGreaterThan(0);
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      expect(metrics).toMatch(/^llmmon_simulator_loki_lines_sent_total [1-9]/m);
      expect(metrics).toContain('llmmon_simulator_loki_lines_dropped_total{reason="rejected"} 0');
    } finally {
      await s.stop();
      s.cleanup();
      await loki.stop();
    }
  });
});
