import { BackgroundSnapshot, defineExporter, JsonStateFile } from '@llmmon/metrics-core';
import { dockerDirectory } from '@llmmon/docker';
import { gpuCollector } from './collectors/gpus';
import { processCollector } from './collectors/processes';
import { gpuConfig } from './config';
import { NVML_WORKER, runNvmlWorker } from './sources/nvml-thread';
import { EnergyIntegrator } from './sources/energy';
import { GpuRoster } from './sources/roster';
import { selectSource } from './sources/select';
import { XidHistory, type XidState } from './sources/xid-history';

/**
 * NVIDIA GPUs from NVML (on a worker thread, where a hung driver call holds only the worker)
 * or nvidia-smi, read in the background; GPU processes named by their containers.
 */
export const gpuExporter = defineExporter({
  name: 'gpu',
  description: 'NVIDIA GPU metrics, with every GPU process named by its Docker container.',
  port: 9445,
  config: gpuConfig,
  build: async (config, { logger, upstreams, entry }) => {
    const source = await selectSource(config, logger, entry);
    logger.info({ source: source.name }, 'GPU source selected');
    const roster = new GpuRoster();
    const energy = new EnergyIntegrator(Math.max(120_000, 3 * config.GPU_REFRESH_SECONDS * 1000));
    const xids = new XidHistory(
      new JsonStateFile<XidState>(config.GPU_STATE_DIR, 'xid-history.json', {
        logger,
        withoutIt: 'XID counts start over',
      }),
    );
    const snapshot = new BackgroundSnapshot({
      upstream: upstreams.upstream(source.name),
      read: async (signal) => energy.apply(xids.apply(roster.apply(await source.read(signal)))),
      intervalMs: config.GPU_REFRESH_SECONDS * 1000,
      timeoutMs: config.NVIDIA_SMI_TIMEOUT_SECONDS * 1000 + 1000,
    });
    // Docker only names the processes' containers: ready once the GPUs are read, Docker or not.
    const directory = config.DOCKER_ENABLED
      ? dockerDirectory(config, upstreams, { gatesReadiness: false })
      : undefined;
    return {
      sources: directory ? [snapshot, directory] : [snapshot],
      collectors: [gpuCollector(snapshot), processCollector(snapshot, config.PROCFS_PATH, directory)],
    };
  },
  workers: { [NVML_WORKER]: (port, data) => runNvmlWorker(port, String(data['libraryPath'])) },
});
