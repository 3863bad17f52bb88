import { env, exporterConfigSchema } from '@llmmon/metrics-core';

/** Every variable the GPU exporter reads. */
export const configSchema = {
  ...exporterConfigSchema({ port: 9445 }),
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
  HOST_PROC: env.string(
    "The host's /proc, to map GPU processes to containers through their cgroup.",
    '/proc',
  ),
  DOCKER_SOCKET: env.string(
    'Docker Engine API socket, to name the containers that own GPU processes (read-only).',
    '/var/run/docker.sock',
  ),
  DOCKER_TIMEOUT_SECONDS: env.seconds('Timeout of each Docker API call.', 5, { min: 0.1, max: 60 }),
  DOCKER_ENABLED: env.bool('Map GPU processes to Docker containers.', true),
};
