import { join } from 'node:path';
import type { AnyExporterDefinition } from '@llmmon/metrics-core';
import { containerExporter } from '@llmmon/exporter-container';
import { gpuExporter } from '@llmmon/exporter-gpu';
import { langfuseExporter } from '@llmmon/exporter-langfuse';
import { litellmExporter } from '@llmmon/exporter-litellm';
import { systemExporter } from '@llmmon/exporter-system';
import { vllmExporter } from '@llmmon/exporter-vllm';
import type { SimulatorUpstreams } from '@llmmon/native-stack';

/** The simulator's LiteLLM master key and Langfuse project keys (its defaults). */
export const SIMULATED_KEYS = {
  LITELLM_API_KEY: 'sk-llmmon-simulator',
  LANGFUSE_PUBLIC_KEY: 'pk-lf-llmmon-sim',
  LANGFUSE_SECRET_KEY: 'sk-lf-llmmon-sim',
} as const;

/** One exporter as a deployment sees it. */
export interface ExporterTopology {
  readonly definition: AnyExporterDefinition;
  /** Its standalone app (apps/<app>, dist/apps/<app>/main.js, image llmmon/<app>). */
  readonly app: string;
  /** The Prometheus job that scrapes it (its `up`, its alerts). */
  readonly job: string;
  /** The variable through which the demo moves its port. */
  readonly portVariable: string;
  /** What it reads, pointed at the simulated server (`dataDir`: where it may keep state). */
  simulated(u: SimulatorUpstreams, dataDir: string): Record<string, string>;
}

/**
 * The one table of the six exporters: names, ports (from their definitions), apps, Prometheus
 * jobs and simulated upstreams. The demo, the benches and the compose and Prometheus drift
 * test read it; nothing else spells these out.
 */
export const TOPOLOGY: readonly ExporterTopology[] = [
  {
    definition: systemExporter,
    app: 'system-exporter',
    job: 'system',
    portVariable: 'SYSTEM_EXPORTER_PORT',
    simulated: (u) => ({
      PROCFS_PATH: u.host.procfs,
      SYSFS_PATH: u.host.sysfs,
      FILESYSTEM_STATFS_FILE: u.host.statfs,
    }),
  },
  {
    definition: gpuExporter,
    app: 'gpu-exporter',
    job: 'gpu',
    portVariable: 'GPU_EXPORTER_PORT',
    simulated: (u, dataDir) => ({
      // NVML where the simulator built its stand-in (GPU_SOURCE auto prefers it), else nvidia-smi.
      ...(u.nvml ? { NVML_LIBRARY: u.nvml } : {}),
      NVIDIA_SMI_PATH: u.nvidia_smi,
      GPU_STATE_DIR: join(dataDir, 'gpu-state'),
      PROCFS_PATH: u.host.procfs,
      DOCKER_HOST: `unix://${u.docker.socket}`,
    }),
  },
  {
    definition: containerExporter,
    app: 'container-exporter',
    job: 'container',
    portVariable: 'CONTAINER_EXPORTER_PORT',
    simulated: (u) => ({ DOCKER_HOST: `unix://${u.docker.socket}` }),
  },
  {
    definition: vllmExporter,
    app: 'vllm-exporter',
    job: 'vllm',
    portVariable: 'VLLM_EXPORTER_PORT',
    simulated: (u) => ({ DOCKER_HOST: `unix://${u.docker.socket}` }),
  },
  {
    definition: litellmExporter,
    app: 'litellm-exporter',
    job: 'litellm',
    portVariable: 'LITELLM_EXPORTER_PORT',
    simulated: (u, dataDir) => ({
      LITELLM_URL: u.litellm.url,
      LITELLM_API_KEY: SIMULATED_KEYS.LITELLM_API_KEY,
      LITELLM_STATE_DIR: join(dataDir, 'litellm-state'),
      HF_URL: u.huggingface.url,
      HF_CACHE_DIR: join(dataDir, 'hf-cache'),
    }),
  },
  {
    definition: langfuseExporter,
    app: 'langfuse-exporter',
    job: 'langfuse',
    portVariable: 'LANGFUSE_EXPORTER_PORT',
    simulated: (u) => ({
      LANGFUSE_URL: u.langfuse.url,
      LANGFUSE_PUBLIC_KEY: SIMULATED_KEYS.LANGFUSE_PUBLIC_KEY,
      LANGFUSE_SECRET_KEY: SIMULATED_KEYS.LANGFUSE_SECRET_KEY,
    }),
  },
];

/** Every exporter's simulated upstreams in one environment (the agent's: the variables agree). */
export function simulatedEnv(u: SimulatorUpstreams, dataDir: string): Record<string, string> {
  return Object.assign({}, ...TOPOLOGY.map((t) => t.simulated(u, dataDir))) as Record<string, string>;
}
