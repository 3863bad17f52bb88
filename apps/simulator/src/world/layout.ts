/**
 * The default world: the 8x H200 server of libs/fixtures/data/README.md, with vLLM containers
 * of four release lines side by side (V0-style 0.6 metrics; V1-style 0.10/0.11, 0.13 and 0.20).
 * Plain data: no parsing of fixtures, so the simulator shares no code with the exporters.
 */

export const HOST = {
  hostname: 'gpu-node-01',
  kernel: '6.8.0-60-generic',
  kernelVersion: '#61-Ubuntu SMP PREEMPT_DYNAMIC Fri Apr 11 22:43:10 UTC 2025',
  cpus: 224,
  packages: 2,
  memoryBytes: 2 * 1024 ** 4, // 2 TiB
  rootDiskBytes: 1e12, // 1 TB
  rootDiskUsed: 0.55,
  bootTimeSeconds: 1763197953, // 2025-11-15T09:12:33Z, when the stack came up
  nic: 'eno1',
  disk: { name: 'nvme0n1', major: 259, minor: 0 },
} as const;

/** A GPU model's figures, as nvidia-smi reports them. */
export interface GpuModel {
  readonly name: string;
  readonly memoryMiB: number;
  readonly reservedMiB: number;
  readonly powerLimitW: number;
  readonly idlePowerW: number;
  readonly maxSmClockMHz: number;
  readonly idleSmClockMHz: number;
  readonly memClockMHz: number;
  /** NVLinks per GPU (HGX boards: 18, all to the NVSwitches). */
  readonly nvlinks: number;
}

export const H200: GpuModel = {
  name: 'NVIDIA H200',
  memoryMiB: 143771,
  reservedMiB: 614,
  powerLimitW: 700,
  idlePowerW: 75,
  maxSmClockMHz: 1980,
  idleSmClockMHz: 345,
  memClockMHz: 3201,
  nvlinks: 18,
};

/** The H100 SXM5 80 GB of a 4-GPU HGX board. */
export const H100: GpuModel = {
  name: 'NVIDIA H100 80GB HBM3',
  memoryMiB: 81559,
  reservedMiB: 527,
  powerLimitW: 700,
  idlePowerW: 70,
  maxSmClockMHz: 1980,
  idleSmClockMHz: 345,
  memClockMHz: 2619,
  nvlinks: 18,
};

/** The driver every layout runs. */
export const DRIVER = { driver: '575.57.08', cuda: '12.9' } as const;

export interface GpuSpec {
  readonly index: number;
  readonly uuid: string;
  readonly pciBusId: string;
  readonly model: GpuModel;
}

/** UUIDs and PCI addresses as the fixtures' nvidia-smi output has them. */
export const GPUS: readonly GpuSpec[] = [
  ['GPU-8b9eab1c-05d9-a78b-eb5c-e7afb1c95719', '00000000:18:00.0'],
  ['GPU-0f976064-ca15-f1cd-9f35-a5e5314d0718', '00000000:2A:00.0'],
  ['GPU-2761a231-d492-30db-353c-401a7668c7a5', '00000000:3A:00.0'],
  ['GPU-8e1fffc2-6c4f-69df-dd8a-5c461a461404', '00000000:5D:00.0'],
  ['GPU-b32cacb1-b384-1984-5b16-e23d79c08699', '00000000:9A:00.0'],
  ['GPU-301ea1a7-632e-f310-d5aa-402a3c6ebd0a', '00000000:AB:00.0'],
  ['GPU-4df0a652-05cb-7a9c-68ac-f2d2c562e3f2', '00000000:BA:00.0'],
  ['GPU-0edb0170-6f06-44f2-859e-043ab6abe21c', '00000000:DB:00.0'],
].map(([uuid, pciBusId], index) => ({ index, uuid: uuid!, pciBusId: pciBusId!, model: H200 }));

/** The 4x H100 layout's GPUs. */
export const H100_GPUS: readonly GpuSpec[] = [
  ['GPU-6a1d2e3f-4b5c-6d7e-8f90-a1b2c3d4e5f6', '00000000:19:00.0'],
  ['GPU-7b2e3f40-5c6d-7e8f-90a1-b2c3d4e5f607', '00000000:3B:00.0'],
  ['GPU-8c3f4051-6d7e-8f90-a1b2-c3d4e5f60718', '00000000:9B:00.0'],
  ['GPU-9d405162-7e8f-90a1-b2c3-d4e5f6071829', '00000000:BB:00.0'],
].map(([uuid, pciBusId], index) => ({ index, uuid: uuid!, pciBusId: pciBusId!, model: H100 }));

export type ModelKind = 'chat' | 'embedding';

export interface VllmSpec {
  readonly container: string;
  readonly model: string;
  readonly alias: string; // LiteLLM model group
  readonly kind: ModelKind;
  readonly version: string; // image tag, e.g. v0.11.0
  readonly gpus: readonly number[];
  readonly hostPort: number;
  readonly maxModelLen: number;
  /** Share of the server's requests this model receives. */
  readonly share: number;
  /** Mean tokens per request. */
  readonly promptTokens: number;
  readonly generationTokens: number;
  /** Internal prices configured in LiteLLM (USD per token); none for some models. */
  readonly inputCostPerToken?: number;
  readonly outputCostPerToken?: number;
  /** vLLM's --gpu-memory-utilization: the share of each of its GPUs it preallocates. */
  readonly gpuMemoryUtilization?: number;
  /** The MIG device (slot in MIG_DEVICES) of its one GPU it runs on, in the MIG layout. */
  readonly mig?: number;
  /** Draft tokens per step of speculative decoding (--speculative-config); none: off. */
  readonly speculativeTokens?: number;
}

/** The fixtures' server: five vLLM containers, one model per GPU group. */
export const VLLM: readonly VllmSpec[] = [
  {
    container: 'vllm-llama70b',
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    alias: 'llama-3.1-70b',
    inputCostPerToken: 2.5e-7,
    outputCostPerToken: 7.5e-7,
    kind: 'chat',
    // The newest release line, with speculative decoding (an EAGLE draft of 3 tokens).
    version: 'v0.20.1',
    speculativeTokens: 3,
    gpus: [0, 1],
    hostPort: 8001,
    maxModelLen: 32768,
    share: 0.35,
    promptTokens: 950,
    generationTokens: 310,
  },
  {
    container: 'vllm-mixtral',
    model: 'mistralai/Mixtral-8x7B-Instruct-v0.1',
    alias: 'mixtral-8x7b',
    inputCostPerToken: 1.5e-7,
    outputCostPerToken: 4.5e-7,
    kind: 'chat',
    version: 'v0.6.6',
    gpus: [2, 3],
    hostPort: 8002,
    maxModelLen: 32768,
    share: 0.15,
    promptTokens: 800,
    generationTokens: 260,
  },
  {
    container: 'vllm-qwen72b',
    model: 'Qwen/Qwen2.5-72B-Instruct',
    alias: 'qwen2.5-72b',
    inputCostPerToken: 2.5e-7,
    outputCostPerToken: 7.5e-7,
    kind: 'chat',
    version: 'v0.10.2',
    gpus: [4, 5],
    hostPort: 8003,
    maxModelLen: 32768,
    share: 0.25,
    promptTokens: 1100,
    generationTokens: 340,
  },
  {
    container: 'vllm-llama8b',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    alias: 'llama-3.1-8b',
    kind: 'chat',
    version: 'v0.13.0',
    gpus: [6],
    hostPort: 8004,
    maxModelLen: 131072,
    share: 0.2,
    promptTokens: 600,
    generationTokens: 200,
  },
  {
    container: 'vllm-embed',
    model: 'intfloat/e5-mistral-7b-instruct',
    alias: 'e5-mistral-embed',
    kind: 'embedding',
    version: 'v0.11.0',
    gpus: [7],
    hostPort: 8005,
    maxModelLen: 4096,
    share: 0.05,
    promptTokens: 300,
    generationTokens: 0,
  },
];

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly service: string;
  /** CPU cores used at full load, and resident memory. */
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number; // 0 = unlimited
  /** `--cpus` (compose `cpus:`); none = unlimited. */
  readonly cpuLimitCores?: number;
  readonly gpus: readonly number[];
  readonly vllm?: VllmSpec;
}

const GiB = 1024 ** 3;

/**
 * The dense variant: ten vLLM containers, the five above plus five small models sharing GPUs
 * 6 and 7 with llama-3.1-8b and the embedder (each preallocating 30% of its GPU).
 */
export const DENSE_VLLM: readonly VllmSpec[] = [
  ...VLLM.map((v) =>
    v.gpus[0]! >= 6
      ? { ...v, share: v.share * 0.6, gpuMemoryUtilization: 0.3 }
      : { ...v, share: v.share * 0.85 },
  ),
  ...(
    [
      [
        'vllm-qwen-coder',
        'Qwen/Qwen2.5-Coder-7B-Instruct',
        'qwen2.5-coder-7b',
        'chat',
        'v0.8.5',
        [6],
        8006,
        0.06,
      ],
      ['vllm-phi4', 'microsoft/phi-4', 'phi-4', 'chat', 'v0.10.2', [6], 8007, 0.04],
      ['vllm-gemma', 'google/gemma-2-9b-it', 'gemma-2-9b', 'chat', 'v0.6.6', [7], 8008, 0.03],
      ['vllm-reranker', 'BAAI/bge-reranker-v2-m3', 'bge-reranker', 'embedding', 'v0.11.0', [7], 8009, 0.02],
      [
        'vllm-minilm',
        'sentence-transformers/all-MiniLM-L6-v2',
        'minilm-embed',
        'embedding',
        'v0.11.0',
        [7],
        8010,
        0.01,
      ],
    ] as const
  ).map(([container, model, alias, kind, version, gpus, hostPort, share]) => ({
    container,
    model,
    alias,
    kind,
    version,
    gpus,
    hostPort,
    maxModelLen: kind === 'embedding' ? 512 : 16384,
    share,
    promptTokens: kind === 'embedding' ? 200 : 700,
    generationTokens: kind === 'embedding' ? 0 : 220,
    gpuMemoryUtilization: 0.3,
  })),
];

/** A MIG device of the MIG layout's GPU: one compute instance of one GPU instance. */
export interface MigSpec {
  readonly slot: number;
  readonly gpuInstanceId: number;
  readonly computeInstanceId: number;
  readonly uuid: string;
  readonly profile: string;
  readonly memoryMiB: number;
}

/** The MIG layout's GPU 7: seven 1g.18gb MIG devices, as `nvidia-smi mig -cgi 1g.18gb -C` makes them. */
export const MIG_GPU = 7;
export const MIG_DEVICES: readonly MigSpec[] = Array.from({ length: 7 }, (_, slot) => ({
  slot,
  gpuInstanceId: 7 + slot,
  computeInstanceId: 0,
  uuid: `MIG-5c1f0e${slot}d-7a2b-5e3c-9d4f-0b1a2c3d4e5${slot}`,
  profile: '1g.18gb',
  memoryMiB: 16768,
}));

/**
 * The MIG variant: the standard five, with GPU 7 split into seven MIG devices; the embedder
 * and two small models (a reranker, a MiniLM embedder) on one each, four left free.
 */
export const MIG_VLLM: readonly VllmSpec[] = [
  ...VLLM.map((v) => (v.container === 'vllm-embed' ? { ...v, share: 0.03, mig: 0 } : v)),
  ...DENSE_VLLM.filter((v) => v.container === 'vllm-reranker' || v.container === 'vllm-minilm').map(
    (v, i) => ({
      ...v,
      share: [0.015, 0.005][i]!,
      gpuMemoryUtilization: 0.9,
      mig: i + 1,
    }),
  ),
];

/**
 * The 4x H100 variant: a smaller, older host. A 70B model takes two GPUs, the 8B model and the
 * embedder one each; nothing larger fits beside them.
 */
export const H100_VLLM: readonly VllmSpec[] = VLLM.filter(
  (v) => v.container !== 'vllm-mixtral' && v.container !== 'vllm-qwen72b',
).map((v) =>
  v.container === 'vllm-llama70b'
    ? { ...v, share: 0.6 }
    : { ...v, gpus: [v.container === 'vllm-llama8b' ? 2 : 3], share: v.kind === 'embedding' ? 0.1 : 0.3 },
);

export type LayoutName = 'standard' | 'dense' | 'mig' | 'h100';
export const LAYOUT_NAMES: readonly LayoutName[] = ['standard', 'dense', 'mig', 'h100'];
const VLLM_OF: Record<LayoutName, readonly VllmSpec[]> = {
  standard: VLLM,
  dense: DENSE_VLLM,
  mig: MIG_VLLM,
  h100: H100_VLLM,
};

/** The GPUs of a layout: eight H200 but in the 4x H100 one. */
export const gpusOf = (layout: LayoutName): readonly GpuSpec[] => (layout === 'h100' ? H100_GPUS : GPUS);

function vllmContainers(list: readonly VllmSpec[]): ContainerSpec[] {
  return list.map((v) => ({
    name: v.container,
    image: `vllm/vllm-openai:${v.version}`,
    service: v.container,
    cpuCores: 2.6,
    memoryBytes: 38 * GiB,
    memoryLimitBytes: 0,
    gpus: v.gpus,
    vllm: v,
  }));
}

const OTHER_CONTAINERS: readonly ContainerSpec[] = [
  {
    name: 'litellm',
    image: 'ghcr.io/berriai/litellm:main-v1.79.0',
    service: 'litellm',
    cpuCores: 0.6,
    memoryBytes: 1.1 * GiB,
    memoryLimitBytes: 4 * GiB,
    cpuLimitCores: 4,
    gpus: [],
  },
  {
    name: 'langfuse-web',
    image: 'langfuse/langfuse:3.120.0',
    service: 'langfuse-web',
    cpuCores: 0.3,
    memoryBytes: 0.9 * GiB,
    memoryLimitBytes: 4 * GiB,
    cpuLimitCores: 2,
    gpus: [],
  },
  {
    name: 'langfuse-worker',
    image: 'langfuse/langfuse-worker:3.120.0',
    service: 'langfuse-worker',
    cpuCores: 0.4,
    memoryBytes: 0.7 * GiB,
    memoryLimitBytes: 4 * GiB,
    cpuLimitCores: 2,
    gpus: [],
  },
  {
    name: 'clickhouse',
    image: 'clickhouse/clickhouse-server:24.8',
    service: 'clickhouse',
    cpuCores: 0.5,
    memoryBytes: 3.2 * GiB,
    memoryLimitBytes: 16 * GiB,
    cpuLimitCores: 4,
    gpus: [],
  },
  {
    name: 'redis',
    image: 'redis:7.4',
    service: 'redis',
    cpuCores: 0.05,
    memoryBytes: 0.1 * GiB,
    memoryLimitBytes: 1 * GiB,
    gpus: [],
  },
  {
    name: 'minio',
    image: 'minio/minio:RELEASE.2025-09-07T16-13-09Z',
    service: 'minio',
    cpuCores: 0.05,
    memoryBytes: 0.3 * GiB,
    memoryLimitBytes: 2 * GiB,
    gpus: [],
  },
  {
    name: 'postgres',
    image: 'postgres:16.10',
    service: 'postgres',
    cpuCores: 0.15,
    memoryBytes: 0.6 * GiB,
    memoryLimitBytes: 8 * GiB,
    gpus: [],
  },
  {
    name: 'prometheus',
    image: 'prom/prometheus:v2.53.4',
    service: 'prometheus',
    cpuCores: 0.2,
    memoryBytes: 1.5 * GiB,
    memoryLimitBytes: 0,
    gpus: [],
  },
  {
    name: 'grafana',
    image: 'grafana/grafana:12.4.6',
    service: 'grafana',
    cpuCores: 0.05,
    memoryBytes: 0.25 * GiB,
    memoryLimitBytes: 0,
    gpus: [],
  },
  {
    name: 'loki',
    image: 'grafana/loki:3.5.5',
    service: 'loki',
    cpuCores: 0.1,
    memoryBytes: 0.5 * GiB,
    memoryLimitBytes: 0,
    gpus: [],
  },
];

/** Images the extra containers cycle through (tags and a digest, as real hosts have them). */
const EXTRA_IMAGES = [
  'nginx:1.27.4',
  'python:3.12-slim',
  'busybox:1.37',
  'ghcr.io/example/batch-worker@sha256:4f2d0c9a6b1e3d5f7a9c0b2d4e6f8a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d2f',
];

/**
 * `extra` small, idle, GPU-less containers (app-001 …) beside the layout's: for benches and
 * tests that need many containers. Every fourth has a 512 MiB memory limit.
 */
export function extraContainers(extra: number): ContainerSpec[] {
  return Array.from({ length: extra }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return {
      name: `app-${n}`,
      image: EXTRA_IMAGES[i % EXTRA_IMAGES.length]!,
      service: `app-${n}`,
      cpuCores: 0.02,
      memoryBytes: (64 + (i % 4) * 48) * 1024 ** 2,
      memoryLimitBytes: i % 4 === 3 ? 512 * 1024 ** 2 : 0,
      gpus: [],
    };
  });
}

export function containersOf(layout: LayoutName, extra = 0): ContainerSpec[] {
  return [...vllmContainers(VLLM_OF[layout]), ...OTHER_CONTAINERS, ...extraContainers(extra)];
}

/** The standard layout's containers (the fixtures' server). */
export const CONTAINERS: readonly ContainerSpec[] = containersOf('standard');

/** The server's normal request rate: 15 a minute (SPEC: 10–20). */
export const BASE_REQUESTS_PER_SECOND = 15 / 60;

/** LiteLLM virtual keys the traffic comes through (bounded: a handful, as on a real server). */
export interface ApiKeySpec {
  readonly alias: string;
  readonly team: string;
  readonly teamAlias: string;
  readonly user: string;
  readonly clientIp: string;
  readonly userAgent: string;
  readonly share: number;
  readonly maxBudgetUsd: number;
}

export const API_KEYS: readonly ApiKeySpec[] = [
  {
    alias: 'open-webui-prod',
    team: '3f1c2a9e-6b7d-4c1e-9a0f-5d2b8e7c4a11',
    teamAlias: 'ml-platform',
    user: 'default_user_id',
    clientIp: '172.18.0.30',
    userAgent: 'OpenAI/Python 1.109.1',
    share: 0.7,
    maxBudgetUsd: 2000,
  },
  {
    alias: 'jupyter-research',
    team: '8a2d4f60-1c3b-4e5a-9d7f-2b6c8e0a1f35',
    teamAlias: 'research',
    user: 'u-research-01',
    clientIp: '172.18.0.31',
    userAgent: 'python-httpx/0.28.1',
    share: 0.2,
    maxBudgetUsd: 500,
  },
  {
    alias: 'batch-eval',
    team: '3f1c2a9e-6b7d-4c1e-9a0f-5d2b8e7c4a11',
    teamAlias: 'ml-platform',
    user: 'svc-batch',
    clientIp: '10.20.0.15',
    userAgent: 'curl/8.5.0',
    share: 0.1,
    maxBudgetUsd: 300,
  },
];
