import { counter, gauge, type Collector } from '@llmmon/metrics-core';
import { gpuLabel, type ContainerInfo } from '@llmmon/docker';
import { labelName } from '../config';
import { CONTAINER_LABELS as L, containerLabels, dockerTimeSeconds, type ContainerList } from './labels';

/** Docker's container states (`State.Status`), each a series of llmmon_container_state. */
export const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const;
export const HEALTH = ['healthy', 'unhealthy', 'starting', 'none'] as const;

const info = gauge(
  'llmmon_container_info',
  'Always 1: a container with its image version (tag or digest), GPUs ("", "all" or a list) and whether it is simulated.',
  [...L, 'image_version', 'gpus', 'mock'],
);
// Our own families carry `name` only, as kube-state-metrics' do: join llmmon_container_info on
// name for image, id and compose labels (a quarter less body with 100 containers, every scrape).
const N = ['name'] as const;
const state = gauge('llmmon_container_state', '1 for the state the container is in, 0 for the others.', [
  ...N,
  'state',
]);
const health = gauge(
  'llmmon_container_health_status',
  '1 for the container health status (none: no health check), 0 for the others.',
  [...N, 'status'],
);
const restarts = counter(
  'llmmon_container_restarts_total',
  'Restarts by the restart policy since the container was created or last started by hand (Docker resets it then).',
  N,
);
const exitCode = gauge(
  'llmmon_container_last_exit_code',
  'Exit code of the last exit (137: killed, often OOM or a restart loop); absent if it never exited.',
  N,
);
const uptime = gauge(
  'llmmon_container_uptime_seconds',
  'Seconds since the container started; running ones only.',
  N,
);
const startTime = gauge(
  'container_start_time_seconds',
  'Start time of the container since unix epoch in seconds.',
  L,
);
const lastSeen = gauge('container_last_seen', 'Last time a container was seen by the exporter', L);
const memoryLimit = gauge(
  'container_spec_memory_limit_bytes',
  'Memory limit for the container, in bytes (0: unlimited).',
  L,
);
const cpuQuota = gauge(
  'container_spec_cpu_quota',
  'CPU quota of the container, in microseconds per period.',
  L,
);
const cpuPeriod = gauge('container_spec_cpu_period', 'CPU period of the container, in microseconds.', L);
const gpuInfo = gauge(
  'container_gpu_info',
  'Always 1: a GPU (index, UUID or "all") assigned to the container by --gpus, compose device reservations or the nvidia runtime.',
  ['name', 'gpu'],
);

/** CFS quota in µs per period: --cpus writes NanoCpus, --cpu-quota writes CpuQuota/CpuPeriod. */
function cpuLimit(c: ContainerInfo): { quota: number; period: number } | undefined {
  const host = c.inspect.HostConfig as
    { NanoCpus?: number; CpuQuota?: number; CpuPeriod?: number } | undefined;
  const period = host?.CpuPeriod || 100_000;
  if (host?.NanoCpus) return { quota: Math.round((host.NanoCpus / 1e9) * period), period };
  if (host?.CpuQuota && host.CpuQuota > 0) return { quota: host.CpuQuota, period };
  return undefined;
}

/**
 * What `docker inspect` says of every container, stopped ones too: identity, state, health,
 * restarts, limits and GPUs. Read from the directory the event stream keeps current, so a
 * scrape makes no Docker call here.
 */
export function containerCollector(
  containers: ContainerList,
  opts: { labelAllowlist: readonly string[]; now?: () => number },
): Collector {
  const allow = opts.labelAllowlist.map((key) => ({ key, label: labelName(key) }));
  const labelsInfo = gauge(
    'llmmon_container_labels_info',
    'Always 1: the allowlisted Docker labels of a container (CONTAINER_LABEL_ALLOWLIST), "" where it has none.',
    ['name', ...allow.map((a) => a.label)],
  );
  const now = opts.now ?? Date.now;
  return {
    name: 'containers',
    metrics: [
      info,
      state,
      health,
      restarts,
      exitCode,
      uptime,
      startTime,
      lastSeen,
      memoryLimit,
      cpuQuota,
      cpuPeriod,
      gpuInfo,
      ...(allow.length ? [labelsInfo] : []),
    ],
    collect(out) {
      const nowS = now() / 1000;
      for (const c of containers.list()) {
        const l = containerLabels(c);
        const gpus = c.gpus === 'all' ? ['all'] : c.gpus;
        out.add(
          info,
          { ...l, image_version: c.imageVersion, gpus: gpuLabel(c.gpus), mock: String(c.mock) },
          1,
        );
        const n = { name: c.name };
        for (const s of STATES) out.add(state, { name: c.name, state: s }, c.state === s ? 1 : 0);
        for (const h of HEALTH) out.add(health, { name: c.name, status: h }, c.health === h ? 1 : 0);
        out.add(restarts, n, c.restartCount);
        const finished = dockerTimeSeconds(
          (c.inspect.State as { FinishedAt?: string } | undefined)?.FinishedAt,
        );
        if (finished !== undefined) out.add(exitCode, n, c.exitCode);
        const started = dockerTimeSeconds(c.startedAt);
        if (started !== undefined) out.add(startTime, l, started);
        if (started !== undefined && c.state === 'running') out.add(uptime, n, Math.max(0, nowS - started));
        out.add(lastSeen, l, Math.floor(nowS));
        out.add(memoryLimit, l, (c.inspect.HostConfig as { Memory?: number } | undefined)?.Memory ?? 0);
        const cpu = cpuLimit(c);
        if (cpu) {
          out.add(cpuQuota, l, cpu.quota);
          out.add(cpuPeriod, l, cpu.period);
        }
        for (const gpu of gpus) out.add(gpuInfo, { name: c.name, gpu }, 1);
        if (allow.length) {
          const labels: Record<string, string> = { name: c.name };
          // Bounded: a value is cut at 128 characters.
          for (const a of allow) labels[a.label] = (c.labels[a.key] ?? '').slice(0, 128);
          out.add(labelsInfo, labels as never, 1);
        }
      }
    },
  };
}
