import { readFile } from 'node:fs/promises';
import { type BackgroundSnapshot, type Collector, gauge } from '@llmmon/metrics-core';
import { containerIdOfPid, type ContainerDirectory } from '@llmmon/docker';
import type { GpuSnapshot } from '../sources/types';

const processMemory = gauge(
  'llmmon_gpu_process_memory_used_bytes',
  'GPU memory used by a process, in bytes, with the container that owns it ("" for host processes).',
  ['gpu', 'uuid', 'pid', 'process_name', 'container'],
);
const containerMemory = gauge(
  'llmmon_gpu_container_memory_used_bytes',
  'GPU memory used by all processes of a container on a GPU, in bytes.',
  ['gpu', 'uuid', 'container', 'compose_service'],
);

/**
 * Which container owns each GPU process: /proc/<pid>/cgroup gives the container id, the
 * Docker directory its name and compose service. Per process and summed per container.
 */
export function processCollector(
  snapshot: BackgroundSnapshot<GpuSnapshot>,
  hostProc: string,
  directory: ContainerDirectory | undefined,
): Collector {
  return {
    name: 'processes',
    metrics: [processMemory, containerMemory],
    async collect(out) {
      const snap = snapshot.current.value;
      if (!snap) return;
      const gpuIndex = new Map(snap.gpus.map((g) => [g.uuid, String(g.index)]));
      const perContainer = new Map<
        string,
        { labels: Record<'gpu' | 'uuid' | 'container' | 'compose_service', string>; bytes: number }
      >();
      await Promise.all(
        snap.processes.map(async (p) => {
          const id = directory ? await containerIdOfPid(hostProc, p.pid) : undefined;
          const c = id ? directory?.get(id) : undefined;
          const gpu = gpuIndex.get(p.gpuUuid) ?? '';
          const container = c?.name ?? '';
          if (p.usedMemoryBytes === undefined) return;
          // NVML gives no process name; the host's /proc does.
          const processName =
            p.processName || (await readFile(`${hostProc}/${p.pid}/comm`, 'utf8').catch(() => '')).trim();
          out.add(
            processMemory,
            { gpu, uuid: p.gpuUuid, pid: String(p.pid), process_name: processName, container },
            p.usedMemoryBytes,
          );
          if (!c) return;
          const key = `${p.gpuUuid}\0${c.name}`;
          const entry = perContainer.get(key) ?? {
            labels: { gpu, uuid: p.gpuUuid, container: c.name, compose_service: c.composeService },
            bytes: 0,
          };
          entry.bytes += p.usedMemoryBytes;
          perContainer.set(key, entry);
        }),
      );
      for (const { labels, bytes } of perContainer.values()) out.add(containerMemory, labels, bytes);
    },
  };
}
