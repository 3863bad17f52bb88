import { env } from '@llmmon/metrics-core';
import { dockerConfigSchema } from '@llmmon/docker';

/** The GPU exporter's own variables (the core adds the common ones). */
export const gpuConfig = {
  GPU_SOURCE: env.oneOf(
    'Where GPU data comes from: auto (NVML when the library loads, else nvidia-smi), nvml or nvidia-smi.',
    ['auto', 'nvml', 'nvidia-smi'] as const,
    'auto',
  ),
  NVML_LIBRARY: env.string('The NVML library to load.', 'libnvidia-ml.so.1'),
  NVIDIA_SMI_PATH: env.string(
    'The nvidia-smi executable (the simulator installs one in <SIM_DATA_DIR>/bin).',
    'nvidia-smi',
  ),
  NVIDIA_SMI_TIMEOUT_SECONDS: env.seconds(
    'A nvidia-smi call running longer is killed (the last snapshot is served, marked stale).',
    10,
    {
      min: 0.1,
      max: 120,
    },
  ),
  GPU_REFRESH_SECONDS: env.seconds(
    'How often GPUs are read in the background; scrapes never wait for a read.',
    10,
    { min: 0.1, max: 300 },
  ),
  GPU_STATE_DIR: env.string(
    'Where XID counts are kept across restarts, so they only rise (created if its parent exists; unwritable: memory only).',
    '/tmp/llmmon-gpu-exporter',
  ),
  PROCFS_PATH: env.string(
    'Where the host procfs is mounted: GPU processes are mapped to containers through /proc/<pid>/cgroup.',
    '/proc',
  ),
  DOCKER_ENABLED: env.bool(
    'Map GPU processes to Docker containers (names them through the Docker API).',
    true,
  ),
  ...dockerConfigSchema,
};
