import { env } from '@llmmon/metrics-core';
import { CLOCK_MODES } from './clock';
import { LAYOUT_NAMES } from './world/layout';
import { SCENARIO_NAMES } from './world/scenarios';

/** The simulator's own variables (the core adds the listener's, the control API's and the collection ones). */
export const simulatorConfig = {
  SIM_SEED: env.int('Seed of the world: the same seed replays the same world.', 42, {
    min: 0,
    max: 2 ** 31 - 1,
  }),
  SIM_DATA_DIR: env.string(
    'Where the SQLite store, the synthetic /proc and /sys, the nvidia-smi shim and the NVML library live.',
    '.sim',
  ),
  SIM_LAYOUT: env.oneOf(
    "standard: the fixtures' server (5 vLLM containers, 15 in all); dense: 10 vLLM containers, small models sharing GPUs 6 and 7; mig: GPU 7 split into seven 1g.18gb MIG devices, three small models on them; h100: 4x H100 80GB, a 70B model on two, the 8B model and the embedder on one each.",
    LAYOUT_NAMES,
    'standard',
  ),
  SIM_EXTRA_CONTAINERS: env.int(
    'Small idle containers (app-001 …) added to the layout, e.g. to bench exporters with 100 containers.',
    0,
    { min: 0, max: 1000 },
  ),
  SIM_SCENARIO: env.oneOf(
    'Scenario at first start (later starts keep the stored one).',
    SCENARIO_NAMES,
    'normal',
  ),
  SIM_CLOCK: env.oneOf(
    'realtime, accelerated (SIM_SPEED x real time) or manual (moved by the API).',
    CLOCK_MODES,
    'realtime',
  ),
  SIM_SPEED: env.int('Simulated seconds per real second when accelerated.', 60, { min: 1, max: 100_000 }),
  SIM_START_TIME: env.string('Simulated start instant (ISO 8601); default: now.'),
  SIM_TICK_SECONDS: env.seconds('Real seconds between world updates.', 1, { min: 0.05, max: 60 }),
  SIM_VLLM_BASE_PORT: env.port(
    'First port of the simulated vLLM servers (one per vLLM container, consecutive); 0: ephemeral.',
    28001,
  ),
  SIM_DOCKER_PORT: env.port(
    'Loopback TCP port of the simulated Docker Engine API (also on <SIM_DATA_DIR>/docker.sock); 0: ephemeral.',
    22375,
  ),
  SIM_LITELLM_PORT: env.port(
    'Port of the simulated LiteLLM proxy (the real one listens on 4000); 0: ephemeral.',
    24000,
  ),
  SIM_LITELLM_MASTER_KEY: env.secret(
    'Master key the simulated LiteLLM proxy requires on /model/info and /health (default: sk-llmmon-simulator).',
  ),
  SIM_LITELLM_API_BASE_KEY: env.secret(
    'Mock only: a key the simulated proxy writes into every api_base (?api_key=…), to test that exporters never show it.',
  ),
  SIM_LITELLM_METRICS: env.bool(
    "Whether the simulated proxy serves its own /metrics (LiteLLM's prometheus callback); false: 404, as a proxy without it.",
    true,
  ),
  SIM_LANGFUSE_PORT: env.port(
    'Port of the simulated Langfuse web/API (the real one listens on 3000); 0: ephemeral.',
    23300,
  ),
  SIM_LANGFUSE_PUBLIC_KEY: env.string(
    'Langfuse project public key the simulated API accepts (basic auth user).',
    'pk-lf-llmmon-sim',
  ),
  SIM_LANGFUSE_SECRET_KEY: env.secret(
    'Langfuse project secret key the simulated API accepts (default: sk-lf-llmmon-sim).',
  ),
  SIM_LOKI_URL: env.url(
    'Loki to push every simulated container log line to (e.g. http://127.0.0.1:23002); unset: no pushing.',
  ),
  SIM_LOKI_TENANT: env.string('X-Scope-OrgID header for a multi-tenant Loki.'),
  SIM_LOKI_PUSH_SECONDS: env.seconds('Real seconds between pushes to Loki.', 1, { min: 0.05, max: 60 }),
  SIM_LOKI_BATCH_LINES: env.int('Most log lines per push.', 1000, { min: 1, max: 100_000 }),
  SIM_HOST_REFRESH_SECONDS: env.seconds('Real seconds between rewrites of the synthetic /proc and /sys.', 5, {
    min: 0.1,
    max: 300,
  }),
};
