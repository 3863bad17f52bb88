/**
 * Integration: the built container exporter reads the simulator's Docker Engine API over its
 * unix socket; a real Prometheus scrapes it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const MAIN = join(ROOT, 'dist/apps/container-exporter/main.js');

async function startExporter(dockerSocket: string, env: Record<string, string> = {}) {
  if (!existsSync(MAIN))
    throw new Error('dist/apps/container-exporter is missing: run "npx nx build container-exporter"');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'container-exporter',
    command: MAIN,
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DOCKER_HOST: `unix://${dockerSocket}`,
      SCRAPE_CACHE_SECONDS: '0',
      DOCKER_RECONNECT_MAX_SECONDS: '0.5',
      ...env,
    },
    // /health, not /ready: the exporter must serve while Docker is away.
    readyUrl: `${url}/health`,
  });
  return { proc, port, url };
}

type Scrape = Awaited<ReturnType<typeof scrape>>;
const samples = (r: Scrape, family: string, name?: string) =>
  (r.families.get(family)?.samples ?? []).filter((s) => name === undefined || s.labels['name'] === name);
const value = (r: Scrape, family: string, labels: Record<string, string> = {}) =>
  sampleValue(r.families, family, labels);
/** Docker's health, as every exporter that reads it reports it. */
const docker = (r: Scrape, family = 'llmmon_upstream_up', labels: Record<string, string> = {}) =>
  value(r, family, { upstream: 'docker', ...labels });

describe('container exporter on the simulated server', () => {
  let sim: RunningSimulator;
  let exporter: Awaited<ReturnType<typeof startExporter>>;
  let prometheus: RunningPrometheus;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-cex-'));
  const clock = (time: number) =>
    sim.put('/api/v1/clock', { mode: 'manual', time: new Date(time).toISOString() });

  beforeAll(async () => {
    sim = await startSimulator({
      root: ROOT,
      dataDir: join(dataDir, 'sim'),
      env: { SIM_CLOCK: 'manual', SIM_START_TIME: '2025-11-18T14:30:00Z' },
    });
    exporter = await startExporter(sim.upstreams.docker.socket);
    prometheus = await startPrometheus({
      port: await freePort(),
      dataDir: join(dataDir, 'prometheus'),
      config: scrapeEverySecond({ containers: `127.0.0.1:${exporter.port}` }),
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await exporter?.proc.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows every simulated container, with the GPU and non-GPU split, through Prometheus', async () => {
    await waitForQuery(prometheus.url, 'count(llmmon_container_info)', (r) => r[0]?.value[1] === '15');
    const gpu = await waitForQuery(
      prometheus.url,
      'count(llmmon_container_info{gpus!=""})',
      (r) => r.length > 0,
    );
    const cpuOnly = await waitForQuery(
      prometheus.url,
      'count(llmmon_container_info{gpus=""})',
      (r) => r.length > 0,
    );
    expect([gpu[0]!.value[1], cpuOnly[0]!.value[1]]).toEqual(['5', '10']);
    const assigned = await waitForQuery(prometheus.url, 'count(container_gpu_info)', (r) => r.length > 0);
    expect(assigned[0]!.value[1]).toBe('8'); // 2+2+2 GPUs, then one each for llama-8b and the embedder
    await waitForQuery(
      prometheus.url,
      'count(container_memory_working_set_bytes)',
      (r) => r[0]?.value[1] === '15',
    );
    await waitForQuery(
      prometheus.url,
      'llmmon_upstream_up{upstream="docker"}',
      (r) => r[0]?.value[1] === '1',
    );
    const r = await scrape(exporter.url);
    expect(samples(r, 'container_gpu_info', 'vllm-llama70b').map((s) => s.labels['gpu'])).toEqual(['0', '1']);
    expect(samples(r, 'llmmon_container_info').every((s) => s.labels['mock'] === 'true')).toBe(true);
    expect(value(r, 'container_cpu_usage_seconds_total', { name: 'litellm' })).toBeGreaterThan(0);
    const api = (await (await fetch(`${exporter.url}/api/v1/containers`)).json()) as {
      docker_up: boolean;
      containers: { name: string; gpus: string[]; state: string; version: string }[];
    };
    expect(api.docker_up).toBe(true);
    expect(api.containers).toHaveLength(15);
    expect(api.containers.find((c) => c.name === 'vllm-llama70b')).toMatchObject({
      gpus: ['0', '1'],
      state: 'running',
      version: 'v0.20.1',
    });
  });

  it('container_restart_loop: the restart count climbs and the state flaps', async () => {
    const start = Date.parse('2025-11-18T14:40:00Z');
    expect((await clock(start)).status).toBe(200);
    expect((await sim.put('/api/v1/scenario', { scenario: 'container_restart_loop' })).status).toBe(200);
    const seen: { restarts: number; state: string }[] = [];
    // The fault crashes llama-8b every 30 s and keeps it restarting for 5 s.
    for (const offset of [31, 40, 61, 70, 91]) {
      expect((await clock(start + offset * 1000)).status).toBe(200);
      const expected = offset % 30 < 5 ? 'restarting' : 'running';
      const r = await scrapeUntil(
        exporter.url,
        (s) => value(s, 'llmmon_container_state', { name: 'vllm-llama8b', state: expected }) === 1,
        `vllm-llama8b ${expected} at +${offset} s`,
      );
      seen.push({
        restarts: value(r, 'llmmon_container_restarts_total', { name: 'vllm-llama8b' })!,
        state: expected,
      });
    }
    expect(seen.map((s) => s.state)).toEqual([
      'restarting',
      'running',
      'restarting',
      'running',
      'restarting',
    ]);
    expect(seen.map((s) => s.restarts)).toEqual([1, 1, 2, 2, 3]);
    await waitForQuery(
      prometheus.url,
      'max_over_time(llmmon_container_restarts_total{name="vllm-llama8b"}[5m])',
      (r) => r[0]?.value[1] === '3',
    );
    expect((await sim.put('/api/v1/scenario', { scenario: 'normal' })).status).toBe(200);
  });

  it('drops a removed container from the next scrape', async () => {
    expect(samples(await scrape(exporter.url), 'llmmon_container_info', 'grafana')).toHaveLength(1);
    expect((await sim.control('DELETE', '/api/v1/containers/grafana')).status).toBe(200);
    const r = await scrapeUntil(
      exporter.url,
      (s) => samples(s, 'llmmon_container_info', 'grafana').length === 0,
      'grafana to disappear',
    );
    expect(r.text).not.toContain('name="grafana"');
    expect(samples(r, 'llmmon_container_info')).toHaveLength(14);
  });
});

describe('container exporter faults', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-cex-faults-'));
  let sim: RunningSimulator | undefined;
  let exporter: Awaited<ReturnType<typeof startExporter>>;

  afterAll(async () => {
    await exporter?.proc.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the docker upstream down while the socket is missing, and recovers when it appears', async () => {
    const simDir = join(dataDir, 'sim');
    exporter = await startExporter(join(simDir, 'docker.sock'), { STATS_TIMEOUT_SECONDS: '1' });
    const before = await scrape(exporter.url);
    expect(docker(before)).toBe(0);
    const missing = { exporter: 'container', kind: 'not_found' };
    expect(docker(before, 'llmmon_upstream_errors_total', missing)).toBeGreaterThanOrEqual(1);
    expect(samples(before, 'llmmon_container_info')).toHaveLength(0);
    expect((await fetch(`${exporter.url}/ready`)).status).toBe(503);
    sim = await startSimulator({ root: ROOT, dataDir: simDir, env: { SIM_CLOCK: 'manual' } });
    expect(sim.upstreams.docker.socket).toBe(join(simDir, 'docker.sock'));
    const after = await scrapeUntil(
      exporter.url,
      (r) => docker(r) === 1 && samples(r, 'llmmon_container_info').length === 15,
      'recovery',
    );
    expect(docker(after, 'llmmon_upstream_errors_total', { kind: 'not_found' })).toBeGreaterThan(0);
    expect((await fetch(`${exporter.url}/ready`)).status).toBe(200);
  });

  it('resynchronises in full after the event stream is cut', async () => {
    const resyncs = value(await scrape(exporter.url), 'llmmon_docker_resyncs_total')!;
    expect((await sim!.control('POST', '/api/v1/docker/events/cut')).status).toBe(200);
    await scrapeUntil(
      exporter.url,
      (r) => value(r, 'llmmon_docker_resyncs_total')! > resyncs && docker(r) === 1,
      'a resync',
    );
    // Still following: a change after the cut arrives.
    expect((await sim!.put('/api/v1/scenario', { scenario: 'maintenance' })).status).toBe(200);
    await scrapeUntil(
      exporter.url,
      (r) => value(r, 'llmmon_container_state', { name: 'vllm-llama8b', state: 'exited' }) === 1,
      'llama-8b stopped',
    );
  });

  it('leaves out only the container whose stats never answer, within the scrape', async () => {
    expect((await sim!.put('/api/v1/docker/faults', { hang_stats: ['redis'] })).status).toBe(200);
    // The guard is Prometheus' default scrape timeout; the stats timeout is 1 s.
    const res = await fetch(`${exporter.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    const r = await scrape(exporter.url);
    expect(samples(r, 'container_memory_working_set_bytes', 'redis')).toHaveLength(0);
    expect(samples(r, 'container_memory_working_set_bytes', 'postgres')).toHaveLength(1);
    expect(samples(r, 'llmmon_container_info', 'redis')).toHaveLength(1);
    expect(value(r, 'llmmon_container_stats_missing')).toBe(1);
    const stats = { upstream: 'docker_stats' };
    expect(value(r, 'llmmon_upstream_errors_total', { ...stats, kind: 'timeout' })).toBeGreaterThanOrEqual(2);
    expect(value(r, 'llmmon_upstream_up', stats)).toBe(0);
    expect(value(r, 'llmmon_exporter_collector_success', { collector: 'resources' })).toBe(1);
    expect((await sim!.put('/api/v1/docker/faults', { hang_stats: [] })).status).toBe(200);
    const healed = await scrape(exporter.url);
    expect(samples(healed, 'container_memory_working_set_bytes', 'redis')).toHaveLength(1);
    expect(value(healed, 'llmmon_upstream_up', stats)).toBe(1);
  });
});
