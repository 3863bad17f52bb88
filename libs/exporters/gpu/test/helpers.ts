import { BackgroundSnapshot, parseExposition, silentLogger, UpstreamHealth } from '@llmmon/metrics-core';
import { renderCollector } from '@llmmon/metrics-core/testing';
import { gpuCollector } from '../src/collectors/gpus';
import type { GpuSnapshot } from '../src/sources/types';

/** One read of `read` through the GPU collector, as a scrape renders it; and the source's health. */
export async function renderGpus(read: () => Promise<GpuSnapshot>, source: GpuSnapshot['source'] = 'nvml') {
  const upstream = new UpstreamHealth('gpu', silentLogger()).upstream(source);
  const snapshot = new BackgroundSnapshot<GpuSnapshot>({
    upstream,
    read,
    intervalMs: 60_000,
    timeoutMs: 5_000,
  });
  await snapshot.refresh();
  return { families: parseExposition(await renderCollector(gpuCollector(snapshot))), upstream };
}
