/**
 * Docker Engine API objects (API 1.52) built from the world: container summaries, inspect,
 * stats, version, info. Shapes follow the fixtures; values follow the simulation.
 */
import { createHash } from 'node:crypto';
import { HOST, MIG_DEVICES } from '../../world/layout';
import type { ContainerState, World } from '../../world/world';
import { INSPECT_TEMPLATE } from './inspect-template';

export const API_VERSION = '1.52';
export const ENGINE_VERSION = '28.5.1';
const PROJECT = 'llmstack';
const NETWORK = `${PROJECT}_default`;

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** RFC 3339 with nanoseconds, as Docker writes times. */
export const rfc3339Nano = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000123Z');
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Where the simulator really serves a container's published port (its vLLM server). */
export type PortMap = ReadonlyMap<string, number>;

export function containerLabels(c: ContainerState): Record<string, string> {
  return {
    'com.docker.compose.config-hash': sha(`config:${c.spec.name}`),
    'com.docker.compose.container-number': '1',
    'com.docker.compose.depends_on': '',
    'com.docker.compose.image': `sha256:${sha(c.spec.image)}`,
    'com.docker.compose.oneoff': 'False',
    'com.docker.compose.project': PROJECT,
    'com.docker.compose.project.config_files': `/opt/${PROJECT}/docker-compose.yml`,
    'com.docker.compose.project.working_dir': `/opt/${PROJECT}`,
    'com.docker.compose.service': c.spec.service,
    'com.docker.compose.version': '2.39.4',
    // Mock data marks itself, so exporters can say so (mock="true").
    'io.llmmon.mock': 'true',
    ...(c.spec.vllm
      ? {
          // Labels the vllm/vllm-openai image brings (from its CUDA base image).
          maintainer: 'NVIDIA CORPORATION <cudatools@nvidia.com>',
          'org.opencontainers.image.ref.name': 'ubuntu',
          'org.opencontainers.image.version': '22.04',
          vllm: 'true',
        }
      : {}),
  };
}

function ipOf(w: World, c: ContainerState): string {
  return `172.18.0.${2 + w.containers.indexOf(c)}`;
}

function command(c: ContainerState): string[] {
  const v = c.spec.vllm;
  if (!v) return [];
  return [
    v.model,
    '--served-model-name',
    v.model,
    '--tensor-parallel-size',
    String(v.gpus.length),
    '--gpu-memory-utilization',
    '0.90',
    '--max-model-len',
    String(v.maxModelLen),
    '--host',
    '0.0.0.0',
    '--port',
    '8000',
    ...(v.kind === 'embedding' ? ['--task', 'embed'] : ['--enable-prefix-caching']),
  ];
}

function statusText(c: ContainerState, nowMs: number): string {
  const ago = (ms: number) => {
    const s = Math.max(1, Math.round(ms / 1000));
    if (s < 60) return `${s} seconds`;
    if (s < 3600) return `${Math.round(s / 60)} minutes`;
    if (s < 172800) return `${Math.round(s / 3600)} hours`;
    return `${Math.round(s / 86400)} days`;
  };
  if (c.status === 'restarting') return `Restarting (${c.exitCode}) ${ago(nowMs - c.finishedMs)} ago`;
  if (c.status === 'exited') return `Exited (${c.exitCode}) ${ago(nowMs - c.finishedMs)} ago`;
  const health = c.health === 'none' ? '' : ` (${c.health === 'starting' ? 'health: starting' : c.health})`;
  return `Up ${ago(nowMs - c.startedMs)}${health}`;
}

function ports(c: ContainerState, published: PortMap) {
  const port = published.get(c.spec.name);
  return port === undefined ? [] : [{ IP: '127.0.0.1', PrivatePort: 8000, PublicPort: port, Type: 'tcp' }];
}

/** GET /containers/json item. */
export function containerSummary(c: ContainerState, w: World, published: PortMap) {
  const ip = ipOf(w, c);
  return {
    Id: c.id,
    Names: [`/${c.spec.name}`],
    Image: c.spec.image,
    ImageID: `sha256:${sha(c.spec.image)}`,
    Command: c.spec.vllm ? `vllm serve ${command(c).join(' ')}` : c.spec.service,
    Created: Math.floor(c.createdMs / 1000),
    Ports: ports(c, published),
    Labels: containerLabels(c),
    State: c.status,
    Status: statusText(c, w.timeMs),
    HostConfig: { NetworkMode: NETWORK },
    NetworkSettings: {
      Networks: {
        [NETWORK]: {
          IPAMConfig: null,
          Links: null,
          Aliases: null,
          MacAddress: `02:42:ac:12:00:${ip.split('.')[3]!.padStart(2, '0')}`,
          DriverOpts: null,
          GwPriority: 0,
          NetworkID: sha(NETWORK),
          EndpointID: sha(`endpoint:${c.spec.name}`),
          Gateway: '172.18.0.1',
          IPAddress: c.status === 'running' ? ip : '',
          IPPrefixLen: 16,
          IPv6Gateway: '',
          GlobalIPv6Address: '',
          GlobalIPv6PrefixLen: 0,
          DNSNames: [c.spec.name, c.id.slice(0, 12)],
        },
      },
    },
    Mounts: c.spec.vllm
      ? [
          {
            Type: 'bind',
            Source: '/data/hf-cache',
            Destination: '/root/.cache/huggingface',
            Mode: 'rw',
            RW: true,
            Propagation: 'rprivate',
          },
        ]
      : [],
    ...(c.health === 'none'
      ? {}
      : { Health: { Status: c.health, FailingStreak: c.health === 'unhealthy' ? 3 : 0 } }),
  };
}

/** GET /containers/{id}/json. */
export function containerInspect(c: ContainerState, w: World, published: PortMap) {
  const t = structuredClone(INSPECT_TEMPLATE) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const summary = containerSummary(c, w, published);
  const pid = c.status === 'running' ? 1_800_000 + (parseInt(c.id.slice(0, 4), 16) % 50_000) : 0;
  t['Id'] = c.id;
  t['Name'] = `/${c.spec.name}`;
  t['Created'] = rfc3339Nano(c.createdMs);
  t['Image'] = `sha256:${sha(c.spec.image)}`;
  t['RestartCount'] = c.restartCount;
  t['Path'] = c.spec.vllm ? 'vllm' : c.spec.service;
  t['Args'] = c.spec.vllm ? ['serve', ...command(c)] : [];
  t['State'] = {
    Status: c.status,
    Running: c.status === 'running',
    Paused: false,
    Restarting: c.status === 'restarting',
    OOMKilled: false,
    Dead: false,
    Pid: pid,
    ExitCode: c.status === 'running' ? 0 : c.exitCode,
    Error: '',
    StartedAt: rfc3339Nano(c.startedMs),
    FinishedAt: c.finishedMs ? rfc3339Nano(c.finishedMs) : ZERO_TIME,
    ...(c.health === 'none'
      ? {}
      : {
          Health: { Status: c.health, FailingStreak: c.health === 'unhealthy' ? 3 : 0, Log: [] as unknown[] },
        }),
  };
  const host = t['HostConfig'];
  host.DeviceRequests = c.spec.gpus.length
    ? [
        {
          Driver: 'nvidia',
          Count: 0,
          // A MIG device is handed to a container by its UUID.
          DeviceIDs:
            c.spec.vllm?.mig !== undefined ? [MIG_DEVICES[c.spec.vllm.mig]!.uuid] : c.spec.gpus.map(String),
          Capabilities: [['gpu']],
          Options: null,
        },
      ]
    : null;
  host.Memory = c.spec.memoryLimitBytes;
  host.NanoCpus = Math.round((c.spec.cpuLimitCores ?? 0) * 1e9);
  host.PortBindings = published.has(c.spec.name)
    ? { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: String(published.get(c.spec.name)) }] }
    : {};
  host.Binds = c.spec.vllm ? ['/data/hf-cache:/root/.cache/huggingface'] : [];
  const config = t['Config'];
  config.Hostname = c.id.slice(0, 12);
  config.Image = c.spec.image;
  config.Labels = containerLabels(c);
  config.Cmd = c.spec.vllm ? command(c) : [c.spec.service];
  config.Entrypoint = c.spec.vllm ? ['vllm', 'serve'] : null;
  config.ExposedPorts = c.spec.vllm ? { '8000/tcp': {} } : {};
  if (!c.spec.vllm) {
    config.Env = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
    delete config.Healthcheck;
  }
  const net = t['NetworkSettings'];
  net.Ports = published.has(c.spec.name)
    ? { '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: String(published.get(c.spec.name)) }] }
    : {};
  net.Networks = summary.NetworkSettings.Networks;
  net.SandboxID = sha(`sandbox:${c.spec.name}`);
  t['Mounts'] = summary.Mounts;
  t['LogPath'] = `/var/lib/docker/containers/${c.id}/${c.id}-json.log`;
  return t;
}

/** GET /containers/{id}/stats?stream=false (cgroup v2 host). */
export function containerStats(
  c: ContainerState,
  w: World,
  previous?: { cpuNs: number; systemNs: number; readMs: number },
) {
  const cpuNs = Math.round(c.cpuSeconds * 1e9);
  const systemNs = Math.round(
    w.host.cpuSeconds.reduce((s, cpu) => s + Object.values(cpu).reduce((a, b) => a + b, 0), 0) * 1e9,
  );
  const running = c.status === 'running';
  const mem = running ? Math.round(c.memoryBytes) : 0;
  const usage = (total: number) => ({
    total_usage: total,
    usage_in_kernelmode: Math.round(total * 0.12),
    usage_in_usermode: Math.round(total * 0.88),
  });
  const throttling = { periods: 0, throttled_periods: 0, throttled_time: 0 };
  return {
    name: `/${c.spec.name}`,
    id: c.id,
    os_type: 'linux',
    read: rfc3339Nano(w.timeMs),
    preread: previous ? rfc3339Nano(previous.readMs) : ZERO_TIME,
    // "no limit" is 2^64-1 in Docker's JSON; the server writes that exact literal (a JS number cannot hold it).
    pids_stats: running ? { current: c.pids, limit: 2 ** 64 } : {},
    blkio_stats: {
      io_service_bytes_recursive: running
        ? [
            { major: HOST.disk.major, minor: 1, op: 'read', value: Math.round(c.blkReadBytes) },
            { major: HOST.disk.major, minor: 1, op: 'write', value: Math.round(c.blkWriteBytes) },
          ]
        : null,
      io_serviced_recursive: null,
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: running
      ? {
          cpu_usage: usage(cpuNs),
          system_cpu_usage: systemNs,
          online_cpus: HOST.cpus,
          throttling_data: throttling,
        }
      : { cpu_usage: usage(0), throttling_data: throttling },
    precpu_stats: previous
      ? {
          cpu_usage: usage(previous.cpuNs),
          system_cpu_usage: previous.systemNs,
          online_cpus: HOST.cpus,
          throttling_data: throttling,
        }
      : { cpu_usage: usage(0), throttling_data: throttling },
    memory_stats: running
      ? {
          usage: mem,
          stats: {
            active_anon: Math.round(mem * 0.58),
            active_file: Math.round(mem * 0.06),
            anon: Math.round(mem * 0.9),
            file: Math.round(mem * 0.094),
            inactive_anon: Math.round(mem * 0.31),
            inactive_file: Math.round(mem * 0.031),
            kernel_stack: 7847936,
            shmem: 536870912,
            slab: 418250752,
          },
          limit: c.spec.memoryLimitBytes || HOST.memoryBytes,
        }
      : {},
    networks: running
      ? {
          eth0: {
            rx_bytes: Math.round(c.netRxBytes),
            rx_packets: Math.round(c.netRxBytes / 1200),
            rx_errors: 0,
            rx_dropped: 0,
            tx_bytes: Math.round(c.netTxBytes),
            tx_packets: Math.round(c.netTxBytes / 1100),
            tx_errors: 0,
            tx_dropped: 0,
          },
        }
      : undefined,
  };
}

export function versionBody() {
  return {
    Platform: { Name: 'Docker Engine - Community' },
    Components: [
      {
        Name: 'Engine',
        Version: ENGINE_VERSION,
        Details: { ApiVersion: API_VERSION, Os: 'linux', Arch: 'amd64' },
      },
    ],
    Version: ENGINE_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: '1.24',
    GitCommit: 'f8215cc',
    GoVersion: 'go1.24.8',
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: HOST.kernel,
    BuildTime: '2025-10-08T12:17:05.000000000+00:00',
  };
}

export function infoBody(w: World) {
  const count = (s: string) => w.containers.filter((c) => c.status === s).length;
  return {
    ID: sha('engine').slice(0, 36),
    Containers: w.containers.length,
    ContainersRunning: count('running'),
    ContainersPaused: 0,
    ContainersStopped: w.containers.length - count('running'),
    Images: new Set(w.containers.map((c) => c.spec.image)).size + 3,
    Driver: 'overlay2',
    KernelVersion: HOST.kernel,
    OperatingSystem: 'Ubuntu 24.04.3 LTS',
    OSType: 'linux',
    Architecture: 'x86_64',
    NCPU: HOST.cpus,
    MemTotal: HOST.memoryBytes,
    Name: HOST.hostname,
    ServerVersion: ENGINE_VERSION,
    DefaultRuntime: 'runc',
    Runtimes: { runc: { path: 'runc' }, nvidia: { path: 'nvidia-container-runtime' } },
    CgroupDriver: 'systemd',
    CgroupVersion: '2',
    Labels: ['io.llmmon.mock=true'],
  };
}
