import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExposition, type ParsedFamily } from '@llmmon/metrics-core';
import { put, shape, startSimulator } from './helpers';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const KEY = 'sk-llmmon-simulator';

/** Family → type and label keys per sample name (the contract with the real proxy). */
function contract(families: Map<string, ParsedFamily>) {
  return Object.fromEntries(
    [...families.values()].map((f) => {
      const samples: Record<string, Set<string>> = {};
      for (const s of f.samples) (samples[s.name] ??= new Set()).add(Object.keys(s.labels).sort().join(','));
      return [
        f.name,
        {
          type: f.type,
          samples: Object.fromEntries(
            Object.entries(samples).map(([k, v]) => [k, [...v].sort().join(' | ')]),
          ),
        },
      ];
    }),
  );
}

describe('simulated LiteLLM proxy', () => {
  let s: Awaited<ReturnType<typeof startSimulator>>;
  let url: string;
  const auth = { authorization: `Bearer ${KEY}` };
  beforeAll(async () => {
    s = await startSimulator({ SIM_SCENARIO: 'degraded' });
    url = s.sim.litellm.url!;
    await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T15:00:00Z"}');
  });
  afterAll(async () => {
    await s.stop();
    s.cleanup();
  });

  it('answers /metrics only with the master key, as LiteLLM 1.85 and later do by default', async () => {
    const bare = await fetch(`${url}/metrics`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatch(/^Unauthorized access to metrics endpoint/);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer sk-wrong' } })).status).toBe(
      401,
    );
    expect((await fetch(`${url}/metrics`, { headers: auth })).status).toBe(200);
  });

  it('serves /metrics with the families, types and label keys of the fixture', async () => {
    const ours = contract(parseExposition(await (await fetch(`${url}/metrics`, { headers: auth })).text()));
    const real = contract(parseExposition(fixture('litellm-metrics.txt')));
    expect(ours).toEqual(real);
  });

  it('counts in /metrics exactly what the world routed, per model group', async () => {
    const f = parseExposition(await (await fetch(`${url}/metrics`, { headers: auth })).text());
    const sum = (name: string, model: string, key = 'requested_model') =>
      f
        .get(name)!
        .samples.filter((x) => x.name === name && x.labels[key] === model)
        .reduce((a, x) => a + x.value, 0);
    for (const p of s.sim.world.proxy) {
      const vllm = s.sim.world.models.find((m) => m.spec.alias === p.alias)!;
      expect(sum('litellm_input_tokens_metric_total', p.alias)).toBe(vllm.promptTokens);
      expect(sum('litellm_output_tokens_metric_total', p.alias)).toBe(vllm.generationTokens);
      expect(sum('litellm_proxy_total_requests_metric_total', p.alias)).toBe(p.requests);
      expect(sum('litellm_proxy_failed_requests_metric_total', p.alias)).toBe(p.failures);
    }
    // Several virtual keys: the cardinality the exporter must fold away.
    const keys = new Set(
      f.get('litellm_requests_metric_total')!.samples.map((x) => x.labels['hashed_api_key']),
    );
    expect(keys.size).toBe(3);
  });

  it('answers /model/info and /health in the fixture shapes, behind the master key', async () => {
    expect((await fetch(`${url}/model/info`)).status).toBe(401);
    const info = await (await fetch(`${url}/model/info`, { headers: auth })).json();
    const real = JSON.parse(fixture('litellm-model-info.json'));
    expect(shape(info, { depth: 3, arrays: true })).toEqual(shape(real, { depth: 3, arrays: true }));
    expect((info as { data: { model_name: string }[] }).data.map((d) => d.model_name)).toEqual(
      real.data.map((d: { model_name: string }) => d.model_name),
    );
    const health = await (await fetch(`${url}/health`, { headers: auth })).json();
    expect(Object.keys(health as object).sort()).toEqual(
      Object.keys(JSON.parse(fixture('litellm-health.json'))).sort(),
    );
    expect(await (await fetch(`${url}/health/liveliness`)).json()).toBe("I'm alive!");
    const ready = await (await fetch(`${url}/health/readiness`)).json();
    // The real keys, plus the mock mark.
    expect(Object.keys(ready as object).sort()).toEqual(
      [...Object.keys(JSON.parse(fixture('litellm-health-readiness.json'))), 'llmmon_mock'].sort(),
    );
  });

  it('reports a failed model as an unhealthy endpoint and a complete outage', async () => {
    await put(`${s.url}/api/v1/scenario`, '{"scenario":"model_load_failure"}');
    const health = (await (await fetch(`${url}/health`, { headers: auth })).json()) as {
      unhealthy_endpoints: { api_base: string; error: string }[];
      unhealthy_count: number;
    };
    expect(health.unhealthy_count).toBe(1);
    expect(health.unhealthy_endpoints[0]!.api_base).toBe('http://vllm-qwen72b:8000/v1');
    const f = parseExposition(await (await fetch(`${url}/metrics`, { headers: auth })).text());
    const state = f
      .get('litellm_deployment_state')!
      .samples.find((x) => x.labels['litellm_model_name'] === 'Qwen/Qwen2.5-72B-Instruct');
    expect(state!.value).toBe(2);
  });
});

describe('simulated LiteLLM spend logs, without the prometheus callback', () => {
  let s: Awaited<ReturnType<typeof startSimulator>>;
  let url: string;
  const auth = { authorization: `Bearer ${KEY}` };
  type Page = {
    data: { model_group: string; prompt_tokens: number; status: string; startTime: string; metadata: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
    total: number;
    total_pages: number;
  };
  const logs = async (query: string) => {
    const res = await fetch(`${url}/spend/logs/v2?${query}`, { headers: auth });
    return { status: res.status, body: (await res.json()) as Page & { data: Page['data'][] } };
  };
  beforeAll(async () => {
    s = await startSimulator({ SIM_SCENARIO: 'degraded', SIM_LITELLM_METRICS: 'false' });
    url = s.sim.litellm.url!;
    await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T14:50:00Z"}');
  });
  afterAll(async () => {
    await s.stop();
    s.cleanup();
  });

  it('answers /metrics with 404, as a proxy without the callback', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });

  it('lists every request once, by start time, in pages, with the tokens the world counted', async () => {
    expect((await fetch(`${url}/spend/logs/v2`)).status).toBe(401);
    expect((await logs('start_date=2025-11-18T14:00:00Z')).status).toBe(422);
    const all: Page['data'][] = [];
    for (let page = 1; ; page++) {
      const { body } = await logs(
        `start_date=2025-11-18 14:00:00&end_date=2025-11-18 15:00:00&page=${page}&page_size=100&sort_by=startTime&sort_order=asc`,
      );
      all.push(...body.data);
      if (page >= body.total_pages) break;
    }
    const times = all.map((r) => Date.parse(r.startTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const m of s.sim.world.models) {
      const rows = all.filter((r) => r.model_group === m.spec.alias);
      expect(rows.reduce((a, r) => a + r.prompt_tokens, 0)).toBe(m.promptTokens);
    }
    const failed = all.filter((r) => r.status === 'failure');
    expect(failed.length).toBeGreaterThan(0); // degraded
    expect(failed[0]!.metadata.error_information.error_class).toBe('APIConnectionError');
  });
});
