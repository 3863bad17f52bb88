/**
 * Integration: the built vLLM exporter discovers the simulator's vLLM containers (mixed
 * versions) through its Docker API and reads each one's API server; a real Prometheus scrapes
 * it. (Faults, with stand-in vLLM servers, are the library's unit tests.)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleValue, scrape, scrapeUntil } from '@llmmon/metrics-core/testing';
import {
  freePort,
  queryPrometheus,
  startProcess,
  scrapeEverySecond,
  startPrometheus,
  startSimulator,
  waitForQuery,
  type RunningPrometheus,
  type RunningSimulator,
} from '@llmmon/native-stack';

const ROOT = join(__dirname, '../../..');
const MAIN = join(ROOT, 'dist/apps/vllm-exporter/main.js');

async function startExporter(env: Record<string, string>) {
  if (!existsSync(MAIN))
    throw new Error('dist/apps/vllm-exporter is missing: run "npx nx build vllm-exporter"');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'vllm-exporter',
    command: MAIN,
    env: { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', SCRAPE_CACHE_SECONDS: '0', ...env },
    readyUrl: `${url}/health`,
  });
  return { proc, port, url };
}

type Scrape = Awaited<ReturnType<typeof scrape>>;
const value = (r: Scrape, family: string, labels: Record<string, string>) =>
  sampleValue(r.families, family, labels);

describe('vLLM exporter on the simulated server', () => {
  let sim: RunningSimulator;
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let prometheus: RunningPrometheus;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-vllm-'));

  beforeAll(async () => {
    sim = await startSimulator({
      root: ROOT,
      dataDir: join(dataDir, 'sim'),
      env: { SIM_CLOCK: 'accelerated', SIM_SPEED: '60' },
    });
    exporter = await startExporter({ DOCKER_HOST: `unix://${sim.upstreams.docker.socket}` });
    prometheus = await startPrometheus({
      port: await freePort(),
      dataDir: join(dataDir, 'prometheus'),
      config: scrapeEverySecond({ vllm: `127.0.0.1:${exporter.port}` }),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.proc.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('discovers every vLLM container with its model, version and GPUs', async () => {
    const r = await scrapeUntil(
      exporter.url,
      (s) => value(s, 'llmmon_vllm_instances', {}) === 5,
      'five instances',
    );
    const info = r.families.get('llmmon_vllm_model_info')!.samples.map((s) => s.labels);
    for (const e of sim.upstreams.vllm) {
      expect(info).toContainEqual(
        expect.objectContaining({ container: e.container, model: e.model, vllm_version: e.version }),
      );
    }
    expect(info.find((i) => i['container'] === 'vllm-llama70b')).toMatchObject({ gpus: '0,1', mock: 'true' });
    expect(new Set(info.map((i) => i['vllm_version'])).size).toBeGreaterThan(1); // mixed versions
    const targets = (await (await fetch(`${exporter.url}/api/v1/targets`)).json()) as {
      targets: string[];
      labels: Record<string, string>;
    }[];
    expect(targets.map((t) => t.labels['container']).sort()).toEqual(
      sim.upstreams.vllm.map((e) => e.container).sort(),
    );
    for (const t of targets) {
      const e = sim.upstreams.vllm.find((v) => v.container === t.labels['container'])!;
      expect(`http://${t.targets[0]}`).toBe(e.url);
    }
  });

  it('gives a p95 time to first token for every model, V0 instances included, through PromQL', async () => {
    const query =
      'histogram_quantile(0.95, sum by (le, model) (rate(llmmon_vllm_time_to_first_token_seconds_bucket[30s])))';
    const models = sim.upstreams.vllm.map((e) => e.model).sort();
    const result = await waitForQuery(
      prometheus.url,
      query,
      (res) => res.filter((x) => Number.isFinite(Number(x.value[1]))).length === models.length,
      60_000,
    );
    expect(result.map((x) => x.metric['model']).sort()).toEqual(models);
  });

  it('model_load_failure: that instance is failed, the others ready', async () => {
    expect((await sim.put('/api/v1/scenario', { scenario: 'model_load_failure' })).status).toBe(200);
    const r = await scrapeUntil(
      exporter.url,
      (s) => value(s, 'llmmon_vllm_instance_state', { container: 'vllm-qwen72b', state: 'failed' }) === 1,
      'qwen72b failed',
    );
    const ready = r.families
      .get('llmmon_vllm_instance_state')!
      .samples.filter((s) => s.labels['state'] === 'ready' && s.value === 1)
      .map((s) => s.labels['container'])
      .sort();
    expect(ready).toEqual(['vllm-embed', 'vllm-llama70b', 'vllm-llama8b', 'vllm-mixtral']);
    expect((await sim.put('/api/v1/scenario', { scenario: 'normal' })).status).toBe(200);
  });

  it('a container stopped in the simulator leaves the target list', async () => {
    expect((await sim.put('/api/v1/scenario', { scenario: 'maintenance' })).status).toBe(200);
    const gone = async () =>
      (
        (await (await fetch(`${exporter.url}/api/v1/targets`)).json()) as { labels: Record<string, string> }[]
      ).map((t) => t.labels['container']);
    for (let i = 0; i < 100 && (await gone()).includes('vllm-llama8b'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await gone()).not.toContain('vllm-llama8b');
    expect((await gone()).length).toBe(4);
    const r = await scrape(exporter.url);
    expect(value(r, 'llmmon_upstream_up', { upstream: 'vllm/vllm-llama8b' })).toBeUndefined();
    expect(value(r, 'llmmon_upstream_up', { upstream: 'vllm/vllm-llama70b' })).toBe(1);
    expect((await queryPrometheus(prometheus.url, 'up{job="vllm"}'))[0]!.value[1]).toBe('1');
    expect((await sim.put('/api/v1/scenario', { scenario: 'normal' })).status).toBe(200);
  });
});
