/**
 * The collector over instances that answer with the fixtures' bodies, one per release line (0.6
 * V0, 0.11, 0.13 and 0.20 V1, the last two telling their version only through /version),
 * rendered to golden exposition; and discovery over the docker inspect fixture.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { parseExposition, silentLogger, UpstreamHealth } from '@llmmon/metrics-core';
import { GoldenFiles, renderCollector } from '@llmmon/metrics-core/testing';
import { toContainerInfo } from '@llmmon/docker';
import { vllmCollector } from '../src/collectors/vllm';
import { instancesFromContainers, type Instance } from '../src/discovery';
import { FIXTURES_DIR as FIXTURES, startFakeVllm, type FakeVllm } from '@llmmon/fixtures';

const goldens = new GoldenFiles(join(__dirname, 'golden'));
afterAll(() => goldens.assertNoOrphans());

const instance = (container: string, url: string, version: string, gpus: string[]): Instance => ({
  container,
  url,
  version,
  gpus,
  state: 'running',
  startedAtMs: Date.parse('2025-11-15T14:25:50Z'),
  image: `vllm/vllm-openai:${version || 'nightly'}`,
  composeService: container,
  mock: false,
});

/** The collector's families carry nothing that changes between runs (durations are the upstreams'). */
const stable = (text: string) => text;

describe('the vLLM fixtures through the collector', () => {
  const fakes: FakeVllm[] = [];
  let text: string;
  beforeAll(async () => {
    fakes.push(
      await startFakeVllm({ metrics: 'vllm-metrics-v0.11.txt', models: 'vllm-v1-models.json' }),
      await startFakeVllm({ metrics: 'vllm-metrics-v0.6.txt', models: 'vllm-v1-models.json' }),
      await startFakeVllm({
        metrics: 'vllm-metrics-v0.13.txt',
        models: 'vllm-v1-models.json',
        version: '0.13.0',
      }),
      await startFakeVllm({
        metrics: 'vllm-metrics-v0.20.txt',
        models: 'vllm-v1-models.json',
        version: '0.20.1',
      }),
    );
    const list = [
      instance('vllm-llama70b', fakes[0]!.url, 'v0.11.0', ['0', '1']),
      instance('vllm-old', fakes[1]!.url, 'v0.6.4', ['2', '3']),
      // No version in the image tag: /version tells.
      instance('vllm-v013', fakes[2]!.url, '', ['4']),
      instance('vllm-current', fakes[3]!.url, '', ['5']),
    ];
    text = await renderCollector(
      vllmCollector({
        instances: () => list,
        upstreams: new UpstreamHealth('vllm', silentLogger()),
        timeoutMs: 2000,
        maxMetricsBytes: 16 * 1024 * 1024,
        loadTimeoutMs: 60_000,
      }),
    );
  });
  afterAll(() => Promise.all(fakes.map((f) => f.close())));

  it('renders the golden exposition: state, model, versions, normalized and re-exposed families', () => {
    goldens.match('instances.prom', stable(text));
  });

  it('re-exposes every vllm: sample of every instance with container, version and GPUs added', () => {
    const f = parseExposition(text);
    for (const [file, container] of [
      ['vllm-metrics-v0.11.txt', 'vllm-llama70b'],
      ['vllm-metrics-v0.6.txt', 'vllm-old'],
    ] as const) {
      const upstream = parseExposition(readFileSync(join(FIXTURES, file), 'utf8'));
      const want = [...upstream.values()].filter((u) => u.name.startsWith('vllm:')).flatMap((u) => u.samples);
      const got = [...f.values()]
        .filter((g) => g.name.startsWith('vllm:'))
        .flatMap((g) => g.samples)
        .filter((s) => s.labels['container'] === container);
      expect(got).toHaveLength(want.length);
      // Buckets unchanged.
      const le = (xs: typeof want) =>
        xs
          .filter((s) => s.name === 'vllm:time_to_first_token_seconds_bucket')
          .map((s) => `${s.labels['le']}=${s.value}`);
      expect(le(got)).toEqual(le(want));
    }
  });

  it('fills the same normalized families from every release line, and says which each instance exposes', () => {
    const f = parseExposition(text);
    const ttftCount = f
      .get('llmmon_vllm_time_to_first_token_seconds')!
      .samples.filter((s) => s.name.endsWith('_count'))
      .map((s) => s.labels['container'])
      .sort();
    expect(ttftCount).toEqual(['vllm-current', 'vllm-llama70b', 'vllm-old', 'vllm-v013']);
    const versions = Object.fromEntries(
      f.get('llmmon_vllm_model_info')!.samples.map((s) => [s.labels['container'], s.labels['vllm_version']]),
    );
    expect(versions).toEqual({
      'vllm-llama70b': 'v0.11.0',
      'vllm-old': 'v0.6.4',
      'vllm-v013': 'v0.13.0',
      'vllm-current': 'v0.20.1',
    });
    const missing = (container: string) =>
      f
        .get('llmmon_vllm_family_found')!
        .samples.filter((s) => s.labels['container'] === container && s.value === 0)
        .map((s) => s.labels['family']!.replace('llmmon_vllm_', ''))
        .sort();
    const newest = [
      'engine_sleep_state',
      'prompt_tokens_by_source_total',
      'spec_decode_accepted_tokens_total',
    ];
    const spec = ['spec_decode_draft_tokens_total', 'spec_decode_drafts_total'];
    expect(missing('vllm-old')).toEqual(
      [...newest, ...spec, 'prefix_cache_hits_total', 'prefix_cache_queries_total'].sort(),
    );
    expect(missing('vllm-llama70b')).toEqual([...newest, ...spec].sort());
    expect(missing('vllm-v013')).toEqual([...newest.slice(1), ...spec].sort());
    expect(missing('vllm-current')).toEqual([]);
  });
});

describe('discovery', () => {
  const inspect = JSON.parse(
    readFileSync(join(FIXTURES, 'docker-inspect-vllm-llama70b.json'), 'utf8'),
  ) as Dockerode.ContainerInspectInfo;
  const opts = { imagePattern: /vllm/, port: 8000, publishedHost: '127.0.0.1' };
  const variant = (change: (i: Dockerode.ContainerInspectInfo) => void) => {
    const i = structuredClone(inspect);
    change(i);
    return toContainerInfo(i);
  };

  it('finds the container with its version, GPUs and address, published or on its network', () => {
    const [published] = instancesFromContainers([toContainerInfo(inspect)], {
      ...opts,
      address: 'published',
    });
    expect(published).toMatchObject({
      container: 'vllm-llama70b',
      url: 'http://127.0.0.1:8001',
      version: 'v0.11.0',
      gpus: ['0', '1'],
      state: 'running',
    });
    const [onNetwork] = instancesFromContainers([toContainerInfo(inspect)], {
      ...opts,
      address: 'container_ip',
    });
    expect(onNetwork!.url).toMatch(/^http:\/\/172\.18\.\d+\.\d+:8000$/);
  });

  it('by label or image; not a stopped one; not a version from a base image label', () => {
    const stopped = variant((i) => Object.assign(i.State, { Status: 'exited', Running: false }));
    const labelled = variant((i) => {
      i.Name = '/custom-llm';
      i.Config.Image = 'registry.local/llm-server:latest';
      i.Config.Labels = { ...i.Config.Labels, vllm: 'true' };
    });
    const other = variant((i) => {
      i.Name = '/redis';
      i.Config.Image = 'redis:7.4';
    });
    const found = instancesFromContainers([stopped, labelled, other], { ...opts, address: 'published' });
    expect(found.map((f) => [f.container, f.version])).toEqual([['custom-llm', '']]);
  });
});
