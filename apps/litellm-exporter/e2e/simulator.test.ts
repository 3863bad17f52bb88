/**
 * Integration: the built LiteLLM exporter reads the simulator's LiteLLM proxy (traffic flows
 * client → LiteLLM → vLLM there, so both count the same tokens); a real Prometheus scrapes it.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseExposition } from '@llmmon/metrics-core';
import { sampleValue, scrape, scrapeUntil } from '@llmmon/metrics-core/testing';
import {
  freePort,
  startProcess,
  scrapeEverySecond,
  startPrometheus,
  startSimulator,
  waitForQuery,
  type RunningPrometheus,
  type RunningSimulator,
} from '@llmmon/native-stack';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/litellm-exporter/main.js');

type Scrape = Awaited<ReturnType<typeof scrape>>;
const byGroup = (r: Scrape, family: string) => {
  const m = new Map<string, number>();
  for (const s of r.families.get(family)?.samples ?? []) {
    m.set(s.labels['model_group']!, (m.get(s.labels['model_group']!) ?? 0) + s.value);
  }
  return m;
};

describe('LiteLLM exporter on the simulated proxy', () => {
  let sim: RunningSimulator;
  let exporter: Awaited<ReturnType<typeof startProcess>>;
  let prometheus: RunningPrometheus;
  let url: string;
  let port: number;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-litellm-'));
  let t = Date.parse('2025-11-18T14:30:00Z');
  const advance = (minutes: number) => {
    t += minutes * 60_000;
    return sim.put('/api/v1/clock', { mode: 'manual', time: new Date(t).toISOString() });
  };

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error('dist/apps/litellm-exporter is missing: run "npx nx build litellm-exporter"');
    sim = await startSimulator({
      root: ROOT,
      dataDir: join(dataDir, 'sim'),
      env: { SIM_CLOCK: 'manual', SIM_START_TIME: '2025-11-18T14:30:00Z' },
    });
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    exporter = await startProcess({
      name: 'litellm-exporter',
      command: MAIN,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        SCRAPE_CACHE_SECONDS: '0',
        LITELLM_URL: sim.upstreams.litellm.url,
        LITELLM_API_KEY: 'sk-llmmon-simulator',
        HF_URL: sim.upstreams.huggingface.url,
        HF_CACHE_DIR: join(dataDir, 'hf'),
      },
      readyUrl: `${url}/ready`,
    });
    prometheus = await startPrometheus({
      port: await freePort(),
      dataDir: join(dataDir, 'prometheus'),
      config: scrapeEverySecond({ litellm: `127.0.0.1:${port}` }),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists every model with its type, status and endpoint, and Prometheus sees it up', async () => {
    const body = (await (await fetch(`${url}/api/v1/models`)).json()) as {
      up: boolean;
      models: { model_name: string; model: string; model_type: string; status: string; endpoint: string }[];
    };
    expect(body.up).toBe(true);
    expect(body.models.map((m) => m.model).sort()).toEqual(
      sim.upstreams.vllm.map((v) => `hosted_vllm/${v.model}`).sort(),
    );
    for (const m of body.models) {
      expect(m.status).toBe('healthy');
      expect(m.endpoint).toMatch(/^http:\/\/vllm-[a-z0-9]+:8000\/v1$/);
    }
    expect(body.models.find((m) => m.model.includes('e5-mistral'))!.model_type).toBe('embedding');
    await waitForQuery(
      prometheus.url,
      'llmmon_upstream_up{upstream="litellm"}',
      (r) => r[0]?.value[1] === '1',
    );
  });

  it("adds each model's Hugging Face metadata from the Hub mirror, in the background", async () => {
    type Models = { models: { model: string; metadata: { parameters: number; license: string } | null }[] };
    const deadline = Date.now() + 10_000;
    let body: Models;
    do {
      body = (await (await fetch(`${url}/api/v1/models`)).json()) as Models;
      if (body.models.every((m) => m.metadata)) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    const llama = body.models.find((m) => m.model.endsWith('Llama-3.1-70B-Instruct'))!;
    expect(llama.metadata).toEqual(
      expect.objectContaining({ parameters: 70553706496, license: 'llama3.1', quantization: 'none' }),
    );
    expect(body.models.every((m) => m.metadata)).toBe(true);
    const r = await scrape(url);
    expect(r.families.get('llmmon_litellm_model_parameters')!.samples).toHaveLength(body.models.length);
    // Kept on disk for the next start (offline hosts keep their metadata).
    expect(readdirSync(join(dataDir, 'hf')).sort()).toHaveLength(body.models.length);
  });

  it('counts per model group exactly the tokens the vLLM instances behind it processed', async () => {
    expect((await advance(10)).status).toBe(200);
    const r = await scrape(url);
    const litellm = byGroup(r, 'llmmon_litellm_input_tokens_total');
    const models = (
      (await (await fetch(`${url}/api/v1/models`)).json()) as {
        models: { model_name: string; model: string }[];
      }
    ).models;
    for (const v of sim.upstreams.vllm) {
      const text = await (await fetch(`${v.url}/metrics`)).text();
      const prompt = parseExposition(text)
        .get('vllm:prompt_tokens_total')!
        .samples.reduce((a, s) => a + s.value, 0);
      const group = models.find((m) => m.model === `hosted_vllm/${v.model}`)!.model_name;
      expect(prompt).toBeGreaterThan(0);
      expect(litellm.get(group)).toBe(prompt);
    }
  });

  it('degraded: the error ratio rises above 5% for the degraded models behind the proxy, and only for them', async () => {
    const before = await scrape(url);
    expect((await sim.put('/api/v1/scenario', { scenario: 'degraded' })).status).toBe(200);
    expect((await advance(30)).status).toBe(200);
    const after = await scrape(url);
    const d = (family: string) => {
      const a = byGroup(after, family);
      const b = byGroup(before, family);
      return new Map([...a].map(([g, v]) => [g, v - (b.get(g) ?? 0)]));
    };
    const requests = d('llmmon_litellm_requests_total');
    const failures = d('llmmon_litellm_request_failures_total');
    const chat = [...requests].filter(([g, n]) => n > 50 && !g.includes('embed'));
    const degraded = ['llama-3.1-70b', 'qwen2.5-72b'];
    expect(chat.map(([g]) => g)).toEqual(expect.arrayContaining([...degraded, 'mixtral-8x7b']));
    for (const [g, n] of chat)
      if (degraded.includes(g)) expect((failures.get(g) ?? 0) / n).toBeGreaterThan(0.05);
      else expect((failures.get(g) ?? 0) / n).toBeLessThan(0.02);
    expect((await sim.put('/api/v1/scenario', { scenario: 'normal' })).status).toBe(200);
  });
});

describe('a key configured into api_base', () => {
  const SECRET = 'sk-api-base-secret-7f3e9a';
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-litellm-secret-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('never appears in /metrics, the JSON API or the logs', async () => {
    const sim = await startSimulator({
      root: ROOT,
      dataDir: join(dataDir, 'sim'),
      env: { SIM_CLOCK: 'manual', SIM_START_TIME: '2025-11-18T14:30:00Z', SIM_LITELLM_API_BASE_KEY: SECRET },
    });
    // Some traffic, so the proxy's metrics carry api_base labels too.
    await sim.put('/api/v1/clock', { mode: 'manual', time: '2025-11-18T14:35:00Z' });
    const port = await freePort();
    const logFile = join(dataDir, 'exporter.log');
    const exporter = await startProcess({
      name: 'litellm-exporter',
      command: MAIN,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'debug',
        SCRAPE_CACHE_SECONDS: '0',
        LITELLM_URL: sim.upstreams.litellm.url,
        LITELLM_API_KEY: 'sk-llmmon-simulator',
        HF_METADATA: 'false', // no lookups to the real Hub from a test
      },
      readyUrl: `http://127.0.0.1:${port}/ready`,
      logFile,
    });
    try {
      // The upstream really carries it, in the catalog, the health answer and its own metrics.
      const auth = { authorization: 'Bearer sk-llmmon-simulator' };
      for (const path of ['/model/info', '/health', '/metrics']) {
        expect(
          await (await fetch(`${sim.upstreams.litellm.url}${path}`, { headers: auth })).text(),
        ).toContain(SECRET);
      }
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('llmmon_litellm_model_info{');
      expect(metrics).toContain('llmmon_litellm_requests_total');
      const api = await (await fetch(`http://127.0.0.1:${port}/api/v1/models`)).text();
      expect(api).toContain('http://vllm-llama70b:8000/v1');
      for (const text of [metrics, api, readFileSync(logFile, 'utf8')]) expect(text).not.toContain(SECRET);
    } finally {
      await exporter.stop();
      await sim.stop();
    }
  });
});

describe('a proxy without the prometheus callback', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-litellm-spend-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('counts per model group from the spend logs what the vLLM instances processed, across a restart', async () => {
    // The simulated clock stays behind the real now: the exporter reads rows up to its own now.
    const sim = await startSimulator({
      root: ROOT,
      dataDir: join(dataDir, 'sim'),
      env: {
        SIM_CLOCK: 'manual',
        SIM_START_TIME: new Date(Date.now() - 8 * 60_000).toISOString(),
        SIM_LITELLM_METRICS: 'false',
      },
    });
    const catchUp = (minutesAgo: number) =>
      sim.put('/api/v1/clock', {
        mode: 'manual',
        time: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      });
    const vllmPromptTokens = async () => {
      const byModel = new Map<string, number>();
      for (const v of sim.upstreams.vllm) {
        const f = parseExposition(await (await fetch(`${v.url}/metrics`)).text());
        byModel.set(
          `hosted_vllm/${v.model}`,
          f.get('vllm:prompt_tokens_total')!.samples.reduce((a, s) => a + s.value, 0),
        );
      }
      return byModel;
    };
    const start = async () => {
      const port = await freePort();
      const exporter = await startProcess({
        name: 'litellm-exporter',
        command: MAIN,
        env: {
          HOST: '127.0.0.1',
          PORT: String(port),
          LOG_LEVEL: 'warn',
          SCRAPE_CACHE_SECONDS: '0',
          LITELLM_URL: sim.upstreams.litellm.url,
          LITELLM_API_KEY: 'sk-llmmon-simulator',
          LITELLM_SPEND_LOGS_DELAY_SECONDS: '0',
          LITELLM_SPEND_LOGS_POLL_SECONDS: '5',
          LITELLM_STATE_DIR: join(dataDir, 'state'),
          HF_METADATA: 'false',
        },
        readyUrl: `http://127.0.0.1:${port}/ready`,
      });
      return { exporter, url: `http://127.0.0.1:${port}` };
    };
    /** Scrapes until the tokens per group equal the vLLM instances' behind it. */
    const matches = async (url: string, expected: Map<string, number>) => {
      type Models = { models: { model_name: string; model: string }[] };
      const models = ((await (await fetch(`${url}/api/v1/models`)).json()) as Models).models;
      return scrapeUntil(
        url,
        (r) => {
          const tokens = byGroup(r, 'llmmon_litellm_input_tokens_total');
          return models.every((m) => tokens.get(m.model_name) === expected.get(m.model));
        },
        'spend-log token totals equal to the vLLM instances',
        20_000,
      );
    };
    try {
      expect((await catchUp(4)).status).toBe(200);
      mkdirSync(join(dataDir, 'state'));
      const first = await start();
      const before = await vllmPromptTokens();
      expect([...before.values()].every((n) => n > 0)).toBe(true);
      const r = await matches(first.url, before);
      expect(sampleValue(r.families, 'llmmon_litellm_traffic_source_info', { source: 'spend_logs' })).toBe(1);
      expect(
        r.families.get('llmmon_upstream_up')!.samples.some((x) => x.labels['upstream'] === 'litellm_metrics'),
      ).toBe(false);
      await first.exporter.stop();

      // Four more minutes of requests, written after the cursor passed (as late rows are): the
      // restarted exporter counts them from its look-back window, each once.
      expect((await catchUp(0)).status).toBe(200);
      const after = await vllmPromptTokens();
      expect([...after.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(
        [...before.values()].reduce((a, b) => a + b, 0),
      );
      const second = await start();
      try {
        await matches(second.url, after);
      } finally {
        await second.exporter.stop();
      }
    } finally {
      await sim.stop();
    }
  });
});
