/**
 * Hugging Face metadata: parsed from the Hub fixture, looked up in the background only, cached
 * on disk for the TTL (a restart offline still has it), and a Hub that is down, slow or does
 * not know the model never touches a scrape and is never asked in a loop.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackgroundSnapshot, parseExposition, silentLogger, UpstreamHealth } from '@llmmon/metrics-core';
import { GoldenFiles, renderCollector, sampleValue } from '@llmmon/metrics-core/testing';
import { litellmCollector, type ProxyState } from '../src/collectors/litellm';
import { hubIdOf, HubMetadata, parseHubModel } from '../src/huggingface';
import { parseModelInfo } from '../src/proxy';
import { readFixture as read } from '@llmmon/fixtures';

const LLAMA = 'meta-llama/Llama-3.1-70B-Instruct';
const fixture = () => JSON.parse(read('hf-model-llama-3.1-70b.json')) as Record<string, unknown>;
const goldens = new GoldenFiles(join(__dirname, 'golden-hf'));
afterAll(() => goldens.assertNoOrphans());

/** A stand-in Hub: the fixture for the Llama id, 404 (as the Hub answers) for the others, or held open. */
async function startFakeHub() {
  const state = { requests: [] as string[], hold: false, held: [] as ServerResponse[] };
  const server = createServer((req, res) => {
    state.requests.push(req.url ?? '');
    if (state.hold) return void state.held.push(res);
    if (req.url === `/api/models/${LLAMA}`) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(read('hf-model-llama-3.1-70b.json'));
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Repository not found"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A loopback URL nothing listens on (port 1 would be refused by fetch itself as unsafe). */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const deployments = parseModelInfo(JSON.parse(read('litellm-model-info.json')));
const hubIds = () => deployments.map(hubIdOf).filter((id) => id !== undefined);

describe('the Hub model info', () => {
  it('gives parameters, dtype, quantization, license and pipeline tag', () => {
    expect(parseHubModel(fixture(), LLAMA)).toEqual({
      id: LLAMA,
      parameters: 70553706496,
      dtype: 'BF16',
      quantization: 'none',
      license: 'llama3.1',
      pipelineTag: 'text-generation',
    });
  });

  it('reads quantization from the config, the tags, the dtypes or the id', () => {
    const q = (patch: Record<string, unknown>, id = LLAMA) =>
      parseHubModel({ ...fixture(), ...patch }, id).quantization;
    expect(q({ config: { quantization_config: { quant_method: 'awq', bits: 4 } } })).toBe('awq');
    expect(q({ tags: ['gptq', '4-bit'] })).toBe('gptq');
    expect(q({ safetensors: { parameters: { F8_E4M3: 70e9, BF16: 2e9 }, total: 72e9 } })).toBe('fp8');
    expect(q({ id: 'neuralmagic/Meta-Llama-3.1-70B-Instruct-FP8' })).toBe('fp8');
    expect(q({ config: { quantization_config: { quant_method: 'compressed-tensors' } } })).toBe('other');
  });

  it('knows a Hub id when it sees one', () => {
    expect(hubIdOf({ model: `hosted_vllm/${LLAMA}`, provider: 'hosted_vllm' })).toBe(LLAMA);
    expect(hubIdOf({ model: 'openai/gpt-4o', provider: 'openai' })).toBeUndefined();
    expect(hubIdOf({ model: 'local-finetune', provider: 'hosted_vllm' })).toBeUndefined();
    expect(hubIdOf({ model: 'a/b/../../etc', provider: '' })).toBeUndefined();
    expect(hubIds()).toContain(LLAMA);
  });
});

describe('HubMetadata', () => {
  let dir: string;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let now: number;
  /** A lookup client and the upstream it reports to. */
  const make = (url: string) => {
    const upstream = new UpstreamHealth('litellm', silentLogger()).upstream('huggingface');
    return Object.assign(
      new HubMetadata({
        url,
        cacheDir: dir,
        ttlMs: 86_400_000,
        timeoutMs: 500,
        upstream,
        logger: silentLogger(),
        now: () => now,
      }),
      { upstream },
    );
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'llmmon-hf-'));
    hub = await startFakeHub();
    now = Date.parse('2026-01-01T00:00:00Z');
  });
  afterEach(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('looks each model up once, caches it on disk, and a restart offline still has it', async () => {
    const first = make(hub.url);
    await first.refresh(hubIds());
    expect(hub.state.requests).toHaveLength(hubIds().length);
    expect(first.get(LLAMA)!.metadata.parameters).toBe(70553706496);
    expect(existsSync(join(dir, 'meta-llama--Llama-3.1-70B-Instruct.json'))).toBe(true);
    // Models the Hub does not know are an answer too: not asked again within the TTL.
    await first.refresh(hubIds());
    expect(hub.state.requests).toHaveLength(hubIds().length);
    expect(first.upstream.errors.size).toBe(0);

    // A restart with the Hub unreachable: metadata from disk, nothing asked, nothing failed.
    const offline = make(await closedUrl());
    now += 3_600_000;
    await offline.refresh(hubIds());
    expect(offline.get(LLAMA)!.metadata.license).toBe('llama3.1');
    expect(offline.upstream.errors.size).toBe(0);
  });

  it('past the TTL with the Hub down: keeps the stale answer, retries with backoff, not in a loop', async () => {
    const cached = make(hub.url);
    await cached.refresh([LLAMA]);
    now += 86_400_000 + 1;
    const down = make(await closedUrl());
    for (let i = 0; i < 5; i++) await down.refresh([LLAMA]);
    expect(down.upstream.errors.get('refused')).toBe(1); // five refreshes, one attempt
    expect(down.get(LLAMA)!.metadata.parameters).toBe(70553706496);
    now += 5 * 60_000;
    await down.refresh([LLAMA]);
    expect(down.upstream.errors.get('refused')).toBe(2);
    await down.refresh([LLAMA]);
    expect(down.upstream.errors.get('refused')).toBe(2); // the next wait is longer
  });

  it('a Hub that hangs never holds a scrape: the scrape answers without metadata while the lookup waits', async () => {
    hub.state.hold = true;
    const h = make(hub.url);
    const lookup = h.refresh([LLAMA]);
    while (hub.state.held.length === 0) await new Promise((r) => setTimeout(r, 10));
    const upstreams = new UpstreamHealth('litellm', silentLogger());
    const snapshot = new BackgroundSnapshot<ProxyState>({
      upstream: upstreams.upstream('litellm'),
      read: () => Promise.resolve({ deployments, health: undefined, readiness: undefined }),
      intervalMs: 3_600_000,
      timeoutMs: 1000,
    });
    await snapshot.refresh();
    const collector = litellmCollector({
      snapshot,
      metricsUrl: 'http://127.0.0.1:1/metrics',
      apiKey: 'k',
      timeoutMs: 500,
      maxMetricsBytes: 1024,
      upstreams,
      logger: silentLogger(),
      hub: h,
    });
    const during = parseExposition(await renderCollector(collector, upstreams));
    expect(hub.state.held).toHaveLength(1); // still waiting on the Hub
    expect(during.get('llmmon_litellm_model_metadata_info')).toBeUndefined();
    expect(sampleValue(during, 'llmmon_upstream_up', { upstream: 'litellm' })).toBe(1);
    await lookup; // the lookup times out (500 ms) in the background
    expect(h.upstream.errors.get('timeout')).toBe(1);
    hub.state.hold = false;
    for (const res of hub.state.held) res.destroy();

    // Once the Hub answers (after the backoff), the next scrape has the metadata.
    now += 5 * 60_000;
    await h.refresh([LLAMA]);
    const text = await renderCollector(collector);
    goldens.match(
      'hf-metadata.prom',
      text
        .split('\n\n')
        .filter((b) => /llmmon_litellm_(model_metadata_info|model_parameters)/.test(b))
        .join('\n\n'),
    );
    expect(
      sampleValue(parseExposition(text), 'llmmon_litellm_model_parameters', { model_group: 'llama-3.1-70b' }),
    ).toBe(70553706496);
  });

  it('an unwritable cache directory: metadata kept in memory', async () => {
    const h = new HubMetadata({
      url: hub.url,
      cacheDir: '/proc/llmmon-cannot-write-here',
      ttlMs: 86_400_000,
      timeoutMs: 500,
      upstream: new UpstreamHealth('litellm', silentLogger()).upstream('huggingface'),
      logger: silentLogger(),
    });
    await h.refresh([LLAMA]);
    expect(h.get(LLAMA)!.metadata.pipelineTag).toBe('text-generation');
  });
});
