import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import Docker from 'dockerode';
import {
  BackgroundSnapshot,
  createLogger,
  loadConfigOrExit,
  redactConfig,
  runExporter,
  validateExporterConfig,
} from '@llmmon/metrics-core';
import { ContainerDirectory } from '@llmmon/docker';
import { gpuCollector } from './collectors/gpus';
import { processCollector } from './collectors/processes';
import { configSchema } from './config';
import { NVML_WORKER, runNvmlWorker } from './sources/nvml-thread';
import { selectSource } from './sources/select';

const VERSION = process.env['LLMMON_VERSION'] ?? '0.1.0';

async function main(): Promise<void> {
  const config = loadConfigOrExit(configSchema, process.env, validateExporterConfig);
  const logger = createLogger('gpu-exporter', config.LOG_LEVEL);
  logger.info({ config: redactConfig(configSchema, config) }, 'starting');

  // This same file is the NVML worker's entry (see nvml-thread.ts).
  const source = await selectSource(config, logger, __filename);
  logger.info({ source: source.name }, 'GPU source selected');
  const snapshot = new BackgroundSnapshot({
    name: source.name,
    read: (signal) => source.read(signal),
    intervalMs: config.GPU_REFRESH_SECONDS * 1000,
    timeoutMs: config.NVIDIA_SMI_TIMEOUT_SECONDS * 1000 + 1000,
    logger,
  });

  const directory = config.DOCKER_ENABLED
    ? new ContainerDirectory({
        docker: new Docker({
          socketPath: config.DOCKER_SOCKET,
          timeout: config.DOCKER_TIMEOUT_SECONDS * 1000,
        }),
        events: new Docker({ socketPath: config.DOCKER_SOCKET }),
        logger,
      })
    : undefined;
  directory?.startInBackground();
  void snapshot.start();

  void runExporter({
    name: 'gpu-exporter',
    version: VERSION,
    namespace: 'llmmon_gpu',
    collectors: [
      gpuCollector(snapshot, () => directory?.list().some((c) => c.mock) ?? false),
      processCollector(snapshot, config.HOST_PROC, directory),
    ],
    config,
    logger,
    readiness: async () =>
      snapshot.current.readAt > 0
        ? { ready: true }
        : { ready: false, detail: `no GPU data yet from ${source.name}` },
  });
}

const worker = workerData as Record<string, unknown> | null;
if (!isMainThread && worker?.[NVML_WORKER]) runNvmlWorker(parentPort!, String(worker['libraryPath']));
else void main();
