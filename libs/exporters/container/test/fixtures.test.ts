/**
 * The collectors over the real-shaped fixtures (docker inspect and stats) and variants
 * constructed from them, rendered to golden exposition: a container with `--gpus
 * device=0,1` (the fixture), `--gpus all`, the legacy nvidia runtime, one whose CUDA base
 * image sets NVIDIA_VISIBLE_DEVICES=all without any GPU request, a stopped one, and cgroup
 * v1 stats.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { parseExposition, silentLogger, UpstreamHealth } from '@llmmon/metrics-core';
import { GoldenFiles, renderCollector } from '@llmmon/metrics-core/testing';
import { toContainerInfo, type ContainerInfo } from '@llmmon/docker';
import { containerCollector } from '../src/collectors/containers';
import { resourceCollector } from '../src/collectors/resources';
import { resourceUsage, type DockerStats } from '../src/stats';
import { StatsReader } from '../src/stats-reader';
import { containerJson } from '../src/api';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;
const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
const goldens = new GoldenFiles(join(__dirname, 'golden'));
afterAll(() => goldens.assertNoOrphans());

const NOW = Date.parse('2025-11-18T14:30:00Z');
const inspect = fixture<Dockerode.ContainerInspectInfo>('docker-inspect-vllm-llama70b.json');
const v2Stats = fixture<DockerStats>('docker-stats-vllm-llama70b.json');

/** The fixture container, changed as `change` says, under another name and id. */
function variant(
  name: string,
  change: (i: Dockerode.ContainerInspectInfo) => void,
): Dockerode.ContainerInspectInfo {
  const i = structuredClone(inspect);
  i.Name = `/${name}`;
  i.Id = Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64);
  i.Config.Labels = { ...i.Config.Labels, 'com.docker.compose.service': name };
  change(i);
  return i;
}

const host = (i: Dockerode.ContainerInspectInfo) => i.HostConfig as unknown as Record<string, unknown>;
const CONTAINERS: ContainerInfo[] = [
  inspect,
  variant('vllm-all-gpus', (i) => {
    host(i)['DeviceRequests'] = [{ Driver: '', Count: -1, DeviceIDs: null, Capabilities: [['gpu']] }];
  }),
  variant('legacy-runtime', (i) => {
    host(i)['DeviceRequests'] = null;
    host(i)['Runtime'] = 'nvidia';
    i.Config.Env = [
      ...i.Config.Env.filter((e) => !e.startsWith('NVIDIA_VISIBLE_DEVICES=')),
      'NVIDIA_VISIBLE_DEVICES=2,3',
    ];
  }),
  variant('cuda-base-no-gpu', (i) => {
    // NVIDIA_VISIBLE_DEVICES=all comes from the CUDA base image: it assigns nothing.
    host(i)['DeviceRequests'] = null;
    host(i)['Memory'] = 8 * 1024 ** 3;
    host(i)['NanoCpus'] = 2e9;
    i.Config.Image =
      'ghcr.io/example/batch@sha256:4f2d0c9a6b1e3d5f7a9c0b2d4e6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f';
  }),
  variant('stopped', (i) => {
    Object.assign(i.State, {
      Status: 'exited',
      Running: false,
      Pid: 0,
      ExitCode: 137,
      FinishedAt: '2025-11-18T14:20:00.000000123Z',
    });
    delete (i.State as { Health?: unknown }).Health;
    i.RestartCount = 3;
    host(i)['DeviceRequests'] = null;
  }),
].map((i) => toContainerInfo(i));

/** cgroup v1 stats of the same container: capitalised block I/O ops and v1 memory keys. */
const v1Stats: DockerStats = {
  ...v2Stats,
  memory_stats: {
    usage: 51539607552,
    stats: {
      cache: 5368709120,
      rss: 45097156608,
      total_cache: 5368709120,
      total_rss: 45097156608,
      total_inactive_file: 2147483648,
      inactive_file: 2147483648,
    },
  },
  blkio_stats: {
    io_service_bytes_recursive: [
      { op: 'Read', value: 1000 },
      { op: 'Write', value: 500 },
      { op: 'Sync', value: 1200 },
      { op: 'Async', value: 300 },
      { op: 'Total', value: 1500 },
      { op: 'Read', value: 24 },
    ],
  },
};

const list = { list: () => CONTAINERS };
const statsById = new Map<string, DockerStats>([
  [CONTAINERS[0]!.id, v2Stats],
  [CONTAINERS[1]!.id, v1Stats],
  [CONTAINERS[2]!.id, v2Stats],
  [CONTAINERS[3]!.id, v2Stats],
]);

describe('the fixtures', () => {
  it('render the golden container families: state, health, restarts, limits, GPUs, labels', async () => {
    const text = await renderCollector(
      containerCollector(list, {
        labelAllowlist: ['org.opencontainers.image.version', 'com.docker.compose.project'],
        now: () => NOW,
      }),
    );
    goldens.match('containers.prom', text);
    const f = parseExposition(text);
    const gpus = f.get('container_gpu_info')!.samples.map((s) => `${s.labels['name']}:${s.labels['gpu']}`);
    // Not from NVIDIA_VISIBLE_DEVICES=all of the CUDA base image, which every variant has.
    expect(gpus).toEqual([
      'vllm-llama70b:0',
      'vllm-llama70b:1',
      'vllm-all-gpus:all',
      'legacy-runtime:2',
      'legacy-runtime:3',
    ]);
    const stopped = (n: string) => f.get(n)!.samples.filter((s) => s.labels['name'] === 'stopped');
    expect(stopped('llmmon_container_state').find((s) => s.value === 1)!.labels['state']).toBe('exited');
    expect(stopped('llmmon_container_last_exit_code')[0]!.value).toBe(137);
    expect(stopped('llmmon_container_restarts_total')[0]!.value).toBe(3);
    expect(stopped('llmmon_container_uptime_seconds')).toEqual([]);
  });

  it('render the golden resource families from v2 and v1 stats; a stopped container has none', async () => {
    const fetched: string[] = [];
    const reader = new StatsReader({
      fetch: async (id) => {
        fetched.push(id);
        return statsById.get(id)!;
      },
      concurrency: 2,
      timeoutMs: 1000,
      upstream: new UpstreamHealth('container', silentLogger()).upstream('docker_stats'),
    });
    const text = await renderCollector(resourceCollector(list, reader));
    goldens.match('resources.prom', text);
    expect(fetched).not.toContain(CONTAINERS[4]!.id);
    expect(text).not.toContain('name="stopped"');
  });

  it('compute memory and CPU the way docker stats does, on cgroup v2 and v1', () => {
    const v2 = resourceUsage(v2Stats);
    expect(v2.cgroup).toBe('v2');
    // usage - inactive_file: 51539607552 - 1610612736
    expect(v2.memoryWorkingSetBytes).toBe(49928994816);
    expect(v2.memoryUsageBytes).toBe(51539607552);
    expect(v2.cpuSeconds).toBeCloseTo(713445.474448, 6);
    expect(v2.blockReadBytes).toBe(142301417472);
    const v1 = resourceUsage(v1Stats);
    expect(v1.cgroup).toBe('v1');
    // usage - total_inactive_file
    expect(v1.memoryWorkingSetBytes).toBe(51539607552 - 2147483648);
    expect(v1.memoryRssBytes).toBe(45097156608);
    expect(v1.blockReadBytes).toBe(1024); // Read entries only, over devices; not Total
    expect(v1.blockWriteBytes).toBe(500);
  });

  it('list as the JSON API shows them', () => {
    expect(containerJson(CONTAINERS[0]!, NOW)).toEqual({
      name: 'vllm-llama70b',
      id: 'dbc4ae1c5e56',
      image: 'vllm/vllm-openai:v0.11.0',
      version: 'v0.11.0',
      state: 'running',
      health: 'healthy',
      restarts: 1,
      uptime_seconds: 259450,
      started_at: '2025-11-15T14:25:50.000000123Z',
      exit_code: 0,
      gpus: ['0', '1'],
      compose_service: 'vllm-llama70b',
      compose_project: 'llmstack',
      mock: false,
    });
    expect(containerJson(CONTAINERS[3]!, NOW)).toMatchObject({
      version: 'sha256:4f2d0c9a6b1e3d5f7a9c0b2d4e6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f',
      gpus: [],
    });
    expect(containerJson(CONTAINERS[4]!, NOW)).toMatchObject({
      state: 'exited',
      uptime_seconds: 0,
      exit_code: 137,
    });
  });
});
