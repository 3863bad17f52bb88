import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExposition, type ParsedFamily } from '@llmmon/metrics-core';
import { floatToGoString, pythonRepr } from '../src/upstreams/prometheus-client';
import { put, startSimulator } from './helpers';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;

/** Family → type and, per sample name, the set of label keys: the contract with real vLLM. */
function contract(families: Map<string, ParsedFamily>) {
  const out: Record<string, { type: string; samples: Record<string, string> }> = {};
  for (const f of families.values()) {
    const samples: Record<string, Set<string>> = {};
    for (const s of f.samples) (samples[s.name] ??= new Set()).add(Object.keys(s.labels).sort().join(','));
    out[f.name] = {
      type: f.type,
      samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, [...v].sort().join(' | ')])),
    };
  }
  return out;
}

describe('prometheus_client number formatting', () => {
  it.each([
    [184392, '184392.0'],
    [367820325, '3.67820325e+08'],
    [138123597824, '1.38123597824e+011'],
    [0.5, '0.5'],
    [35001.47283904061, '35001.47283904061'],
    [1763217005.93, '1.76321700593e+09'],
    [0.00001, '1e-05'],
    [Infinity, '+Inf'],
  ])('%p → %s', (value, text) => {
    expect(floatToGoString(value)).toBe(text);
  });

  it('writes repr like Python', () => {
    expect(pythonRepr(1e16)).toBe('1e+16');
    expect(pythonRepr(23)).toBe('23.0');
  });
});

describe('simulated vLLM servers', () => {
  let s: Awaited<ReturnType<typeof startSimulator>>;
  const endpoint = (container: string) => s.sim.vllm.endpoints().find((e) => e.container === container)!.url;
  beforeAll(async () => {
    s = await startSimulator();
    await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T14:40:00Z"}');
  });
  afterAll(async () => {
    await s.stop();
    s.cleanup();
  });

  it.each([
    ['vllm-llama70b', 'vllm-metrics-v0.20.txt'],
    ['vllm-llama8b', 'vllm-metrics-v0.13.txt'],
    ['vllm-qwen72b', 'vllm-metrics-v0.11.txt'],
    ['vllm-embed', 'vllm-v0.11-other-containers/vllm-metrics-v0.11-embed.txt'],
    ['vllm-mixtral', 'vllm-metrics-v0.6.txt'],
  ])('%s serves /metrics with the families, types and label keys of %s', async (container, fixture) => {
    const res = await fetch(`${endpoint(container)}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const ours = contract(parseExposition(await res.text()));
    const real = contract(parseExposition(readFileSync(join(FIXTURES, fixture), 'utf8')));
    expect(ours).toEqual(real);
  });

  it('reports what the world did: tokens, requests and latencies move with traffic', async () => {
    const text = await (await fetch(`${endpoint('vllm-llama70b')}/metrics`)).text();
    const f = parseExposition(text);
    const model = s.sim.world.models.find((m) => m.spec.container === 'vllm-llama70b')!;
    const v = (name: string) => f.get(name)!.samples.find((x) => x.name === name)!.value;
    expect(v('vllm:prompt_tokens_total')).toBe(model.promptTokens);
    expect(v('vllm:generation_tokens_total')).toBe(model.generationTokens);
    expect(model.promptTokens).toBeGreaterThan(0);
    const e2e = f.get('vllm:e2e_request_latency_seconds')!.samples;
    expect(e2e.find((x) => x.name.endsWith('_count'))!.value).toBe(model.e2e.count);
    // Cumulative buckets never decrease and end at the count.
    const buckets = e2e.filter((x) => x.name.endsWith('_bucket')).map((x) => x.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets.at(-1)).toBe(model.e2e.count);
  });

  it('serves /v1/models, /health and /version like vLLM', async () => {
    const models = (await (await fetch(`${endpoint('vllm-qwen72b')}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    const fixture = JSON.parse(
      readFileSync(join(FIXTURES, 'vllm-v0.11-other-containers/vllm-v1-models-qwen72b.json'), 'utf8'),
    );
    const keys = (o: object): string[] => Object.keys(o).sort();
    expect(keys(models)).toEqual(keys(fixture));
    expect(keys(models.data[0]!)).toEqual(keys(fixture.data[0]));
    expect(models.data[0]!.id).toBe('Qwen/Qwen2.5-72B-Instruct');
    expect((await fetch(`${endpoint('vllm-qwen72b')}/health`)).status).toBe(200);
    expect(await (await fetch(`${endpoint('vllm-mixtral')}/version`)).json()).toEqual({
      version: '0.6.6',
      llmmon_mock: true,
    });
  });

  it('answers 503 on /health when the model failed, and refuses connections when the container is stopped', async () => {
    await put(`${s.url}/api/v1/scenario`, '{"scenario":"model_load_failure"}');
    expect((await fetch(`${endpoint('vllm-qwen72b')}/health`)).status).toBe(503);
    await put(`${s.url}/api/v1/scenario`, '{"scenario":"maintenance"}');
    await expect(fetch(`${endpoint('vllm-llama8b')}/health`)).rejects.toThrow();
    expect((await fetch(`${endpoint('vllm-llama70b')}/health`)).status).toBe(200);
    await put(`${s.url}/api/v1/scenario`, '{"scenario":"normal"}');
  });
});
