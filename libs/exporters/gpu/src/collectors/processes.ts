import { readFile } from 'node:fs/promises';
import { type BackgroundSnapshot, type Collector, gauge } from '@llmmon/metrics-core';
import { containerIdOfPid, type ContainerDirectory } from '@llmmon/docker';
import type { GpuSnapshot } from '../sources/types';

const processMemory = gauge(
  'llmmon_gpu_process_memory_used_bytes',
  'GPU memory used by a process, in bytes, with the container that owns it ("" for host processes) and its MIG device ("" outside MIG).',
  ['gpu', 'uuid', 'mig_instance', 'pid', 'process_name', 'container'],
);
const containerMemory = gauge(
  'llmmon_gpu_container_memory_used_bytes',
  'GPU memory used by all processes of a container on a GPU (or MIG device: mig_instance, "" outside MIG), in bytes.',
  ['gpu', 'uuid', 'mig_instance', 'container', 'compose_service'],
);

/** A GPU process with what the host's /proc says about it. */
interface ResolvedProcess {
  readonly process: GpuSnapshot['processes'][number];
  readonly processName: string;
  readonly containerId: string | undefined;
}

/**
 * Which container owns each GPU process: /proc/<pid>/cgroup gives the container id, the
 * Docker directory its name and compose service. Per process and summed per container.
 * /proc is read once per GPU snapshot, not per scrape; names come from the directory at
 * scrape time, so a renamed container shows at once.
 */
export function processCollector(
  snapshot: BackgroundSnapshot<GpuSnapshot>,
  procfs: string,
  directory: ContainerDirectory | undefined,
): Collector {
  const resolved = new WeakMap<GpuSnapshot, Promise<ResolvedProcess[]>>();
  const resolve = (snap: GpuSnapshot) =>
    Promise.all(
      snap.processes.map(async (p) => ({
        process: p,
        // NVML gives no process name; the host's /proc does.
        processName:
          p.processName || (await readFile(`${procfs}/${p.pid}/comm`, 'utf8').catch(() => '')).trim(),
        containerId: directory ? await containerIdOfPid(procfs, p.pid) : undefined,
      })),
    );
  return {
    name: 'processes',
    metrics: [processMemory, containerMemory],
    async collect(out) {
      const snap = snapshot.current.value;
      if (!snap) return;
      let processes = resolved.get(snap);
      if (!processes) resolved.set(snap, (processes = resolve(snap)));
      const gpuIndex = new Map(snap.gpus.map((g) => [g.uuid, String(g.index)]));
      const perContainer = new Map<
        string,
        {
          labels: Record<'gpu' | 'uuid' | 'mig_instance' | 'container' | 'compose_service', string>;
          bytes: number;
        }
      >();
      for (const { process: p, processName, containerId } of await processes) {
        if (p.usedMemoryBytes === undefined) continue;
        const c = containerId ? directory?.get(containerId) : undefined;
        const gpu = gpuIndex.get(p.gpuUuid) ?? '';
        out.add(
          processMemory,
          {
            gpu,
            uuid: p.gpuUuid,
            mig_instance: p.migInstance ?? '',
            pid: String(p.pid),
            process_name: processName,
            container: c?.name ?? '',
          },
          p.usedMemoryBytes,
        );
        if (!c) continue;
        const migInstance = p.migInstance ?? '';
        const key = `${p.gpuUuid}\0${migInstance}\0${c.name}`;
        const entry = perContainer.get(key) ?? {
          labels: {
            gpu,
            uuid: p.gpuUuid,
            mig_instance: migInstance,
            container: c.name,
            compose_service: c.composeService,
          },
          bytes: 0,
        };
        entry.bytes += p.usedMemoryBytes;
        perContainer.set(key, entry);
      }
      for (const { labels, bytes } of perContainer.values()) out.add(containerMemory, labels, bytes);
    },
  };
}
