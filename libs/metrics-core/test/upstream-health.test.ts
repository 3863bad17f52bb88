import { ClassifiedError, ERROR_KINDS, MetricSink, parseExposition, render, UpstreamHealth } from '../src';
import { captureLogs } from '../src/testing';

const timeout = new ClassifiedError('timeout', 'slow');

async function families(health: UpstreamHealth) {
  const out = new MetricSink();
  health.report(out);
  return parseExposition(await render(out.families(), [], 'prometheus'));
}

it('declares an upstream with every error kind at 0, down until its first read', async () => {
  const { logger } = captureLogs();
  const health = new UpstreamHealth('litellm', logger, () => 5_000);
  health.upstream('litellm_metrics');
  const f = await families(health);
  expect(f.get('llmmon_upstream_up')!.samples.map((s) => s.value)).toEqual([0]);
  const errors = f.get('llmmon_upstream_errors_total')!.samples;
  expect(errors.map((s) => s.labels['kind'])).toEqual([...ERROR_KINDS]);
  expect(errors.every((s) => s.value === 0 && s.labels['exporter'] === 'litellm')).toBe(true);
  expect(f.get('llmmon_upstream_last_success_timestamp_seconds')!.samples[0]!.value).toBe(0);
  // No read yet: no duration.
  expect(f.has('llmmon_upstream_read_duration_seconds')).toBe(false);
});

it('logs once when an upstream starts failing, when the kind changes and when it recovers', async () => {
  const { logger, lines } = captureLogs();
  const health = new UpstreamHealth('langfuse', logger, () => 7_000);
  const u = health.upstream('langfuse');
  for (let i = 0; i < 3; i++) u.failed(timeout, { durationMs: 500 }); // three reads, one line
  u.failed(new ClassifiedError('parse', 'garbage'));
  u.succeeded({ durationMs: 250 });
  u.succeeded();
  expect(lines.map((l) => [l.msg, l.kind])).toEqual([
    ['upstream read failed', 'timeout'],
    ['upstream read failed', 'parse'],
    ['upstream answers again', undefined],
  ]);
  expect(u.errors).toEqual(
    new Map([
      ['timeout', 3],
      ['parse', 1],
    ]),
  );
  const f = await families(health);
  expect(f.get('llmmon_upstream_up')!.samples[0]!.value).toBe(1);
  expect(f.get('llmmon_upstream_read_duration_seconds')!.samples[0]!.value).toBe(0.25);
  expect(f.get('llmmon_upstream_last_success_timestamp_seconds')!.samples[0]!.value).toBe(7);
});

it('holds an upstream down while one of its parts fails, logging each part once', () => {
  const { logger, lines } = captureLogs();
  const u = new UpstreamHealth('container', logger).upstream('docker_stats');
  u.succeeded({ part: 'a' });
  u.failed(timeout, { part: 'b' });
  u.failed(timeout, { part: 'b' });
  u.failed(timeout, { part: 'c' });
  expect(u.up).toBe(false);
  expect(lines.map((l) => l['part'])).toEqual(['b', 'c']);
  u.succeeded({ part: 'b' });
  expect(u.up).toBe(false); // c still fails
  u.retainParts(new Set(['a', 'b'])); // c was removed
  expect(u.up).toBe(true);
  expect(u.errors.get('timeout')).toBe(3); // a counter never drops
});

it('forgets upstreams that are gone, by prefix', async () => {
  const { logger } = captureLogs();
  const health = new UpstreamHealth('vllm', logger);
  for (const name of ['docker', 'vllm/a', 'vllm/b']) health.upstream(name).succeeded();
  health.retain('vllm/', new Set(['vllm/b']));
  const names = (await families(health)).get('llmmon_upstream_up')!.samples.map((s) => s.labels['upstream']);
  expect(names).toEqual(['docker', 'vllm/b']);
});
