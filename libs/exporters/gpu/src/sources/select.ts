import { ClassifiedError, errorMessage, type Logger } from '@llmmon/metrics-core';
import { NvidiaSmiSource } from './nvidia-smi';
import { NvmlSource } from './nvml';
import { ThreadedNvmlSource } from './nvml-thread';
import type { GpuSource } from './types';

export interface SourceChoice {
  readonly GPU_SOURCE: 'auto' | 'nvml' | 'nvidia-smi';
  readonly NVML_LIBRARY: string;
  readonly NVIDIA_SMI_PATH: string;
  readonly NVIDIA_SMI_TIMEOUT_SECONDS: number;
}

/** A source whose every read fails with why NVML could not load: the exporter still serves its health. */
function unavailable(reason: string): GpuSource {
  return {
    name: 'nvml',
    read: () => Promise.reject(new ClassifiedError('not_found', reason)),
  };
}

/**
 * NVML when it loads (fast, no child process), else nvidia-smi. With GPU_SOURCE=nvml and no
 * NVML, reads fail and say so in the source metrics, rather than the exporter dying.
 * `nvmlWorkerEntry`: run NVML on a worker thread started from that module (the built exporter
 * passes itself); without it NVML runs on the calling thread (unit tests).
 */
export async function selectSource(
  c: SourceChoice,
  logger: Logger,
  nvmlWorkerEntry?: string,
): Promise<GpuSource> {
  const smi = () => new NvidiaSmiSource(c.NVIDIA_SMI_PATH, c.NVIDIA_SMI_TIMEOUT_SECONDS * 1000);
  if (c.GPU_SOURCE === 'nvidia-smi') return smi();
  try {
    return nvmlWorkerEntry
      ? await ThreadedNvmlSource.start(nvmlWorkerEntry, c.NVML_LIBRARY)
      : new NvmlSource(c.NVML_LIBRARY);
  } catch (err) {
    if (c.GPU_SOURCE === 'nvml') {
      logger.error({ err: errorMessage(err) }, 'NVML unavailable');
      return unavailable(`NVML could not be loaded: ${errorMessage(err)}`);
    }
    logger.info({ err: errorMessage(err) }, 'NVML unavailable; using nvidia-smi');
    return smi();
  }
}
