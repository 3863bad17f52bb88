/**
 * Scenarios: a named set of settings plus the faults it injects. SPEC §5 gives the figures.
 * Settings are ratios (0–1) or multipliers, validated here once for the API and the store.
 */

export interface Settings {
  /** Average host CPU utilisation (0–1) at mean load. */
  readonly cpu_load: number;
  /** Average utilisation of GPUs serving models (0–1) at mean load. */
  readonly gpu_utilization: number;
  /** Fraction of requests that fail (0–1). */
  readonly error_rate: number;
  /** Scales request rate (1 = 10–20 requests a minute, the server's normal load). */
  readonly request_multiplier: number;
  /** Scales every latency (TTFT, inter-token, end-to-end). */
  readonly latency_multiplier: number;
  /** Rare load spikes and latency outliers. */
  readonly enable_anomalies: boolean;
}

export interface Faults {
  /** GPU indexes running hot (cooling failure): their temperature heads for ~95 °C. */
  readonly overheatingGpus?: readonly number[];
  /** GPU indexes that need a reset: the driver answers "[GPU requires reset]" for their readings. */
  readonly resetRequiredGpus?: readonly number[];
  /** vLLM containers whose model fails to load: /health 503, no traffic, GPU memory freed. */
  readonly failedModels?: readonly string[];
  /** Containers stopped (maintenance). */
  readonly stoppedContainers?: readonly string[];
  /** Models draining: they serve no new requests. */
  readonly drainingModels?: readonly string[];
  /** Containers crashing and restarting every `restartEverySeconds`. */
  readonly restartLoop?: { readonly containers: readonly string[]; readonly restartEverySeconds: number };
  /** Root filesystem use (0–1). */
  readonly rootDiskUsed?: number;
  /** vLLM containers whose engine hangs: /health still answers, requests pile up waiting, no token comes out. */
  readonly stalledModels?: readonly string[];
  /** vLLM containers the scenario's error rate and latency apply to; the others keep normal's. All when absent. */
  readonly degradedModels?: readonly string[];
  /** Load climbing `perMinute` (a share of the usual) every minute since the scenario began, up to `max` times. */
  readonly loadRamp?: { readonly perMinute: number; readonly max: number };
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly settings: Settings;
  readonly faults: Faults;
}

/** The normal scenario's settings; models a scenario does not degrade keep its error rate and latency. */
export const NORMAL_SETTINGS: Settings = {
  cpu_load: 0.3,
  gpu_utilization: 0.6,
  error_rate: 0.001,
  request_multiplier: 1,
  latency_multiplier: 1,
  enable_anomalies: true,
};

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'normal',
    description: 'A usual working day: CPU ~30%, GPU ~60%, errors ~0.1%.',
    settings: NORMAL_SETTINGS,
    faults: {},
  },
  {
    name: 'high_load',
    description: 'Busy: CPU ~80%, GPU ~90%, twice the requests, errors ~0.5%.',
    settings: {
      ...NORMAL_SETTINGS,
      cpu_load: 0.8,
      gpu_utilization: 0.9,
      error_rate: 0.005,
      request_multiplier: 2,
    },
    faults: {},
  },
  {
    name: 'degraded',
    description:
      'Something is wrong behind llama-3.1-70b and qwen2.5-72b: ~12% of their requests fail (past the 5% alert, burning a 99.5% SLO 24x), latencies x3; the other models stay normal.',
    settings: { ...NORMAL_SETTINGS, error_rate: 0.12, latency_multiplier: 3 },
    faults: { degradedModels: ['vllm-llama70b', 'vllm-qwen72b'] },
  },
  {
    name: 'maintenance',
    description: 'Maintenance window: mixtral drains, the llama-8b container is stopped.',
    settings: { ...NORMAL_SETTINGS, cpu_load: 0.2, gpu_utilization: 0.4 },
    faults: { drainingModels: ['vllm-mixtral'], stoppedContainers: ['vllm-llama8b'] },
  },
  {
    name: 'gpu_overheat',
    description: 'Cooling failure on GPU 3: it heads for ~95 °C and throttles.',
    settings: NORMAL_SETTINGS,
    faults: { overheatingGpus: [3] },
  },
  {
    name: 'gpu_failure',
    description:
      'GPU 5 needs a reset (as after a double-bit ECC error): nvidia-smi prints "[GPU requires reset]" for its readings and lists no process on it.',
    settings: NORMAL_SETTINGS,
    faults: { resetRequiredGpus: [5] },
  },
  {
    name: 'model_load_failure',
    description: 'The qwen2.5-72b container cannot load its model: /health answers 503.',
    settings: NORMAL_SETTINGS,
    faults: { failedModels: ['vllm-qwen72b'] },
  },
  {
    name: 'container_restart_loop',
    description: 'The llama-8b container crashes and restarts every 30 s.',
    settings: NORMAL_SETTINGS,
    faults: { restartLoop: { containers: ['vllm-llama8b'], restartEverySeconds: 30 } },
  },
  {
    name: 'engine_stall',
    description:
      "llama-3.1-8b's engine hangs: /health still answers 200, requests pile up waiting, no token comes out.",
    settings: NORMAL_SETTINGS,
    faults: { stalledModels: ['vllm-llama8b'] },
  },
  {
    name: 'load_ramp',
    description: 'Load climbing 3% a minute up to twice the usual: the KV caches head for full.',
    settings: NORMAL_SETTINGS,
    faults: { loadRamp: { perMinute: 0.03, max: 2 } },
  },
  {
    name: 'disk_almost_full',
    description: 'The root filesystem is 95% full (model downloads).',
    settings: NORMAL_SETTINGS,
    faults: { rootDiskUsed: 0.95 },
  },
];

export const SCENARIO_NAMES = SCENARIOS.map((s) => s.name);

export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** Valid range per setting, used by validation and documented by GET /api/v1/scenarios. */
export const SETTING_RANGES: Record<Exclude<keyof Settings, 'enable_anomalies'>, [number, number]> = {
  cpu_load: [0, 1],
  gpu_utilization: [0, 1],
  error_rate: [0, 1],
  request_multiplier: [0, 100],
  latency_multiplier: [0.1, 100],
};

export class ValidationError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'ValidationError';
  }
}

export interface ScenarioChoice {
  readonly scenario: string;
  readonly settings: Settings;
}

/**
 * Validates a PUT body `{scenario, settings?}`: known scenario, known setting names, right
 * types, in range. Returns the effective settings (scenario defaults overridden).
 */
export function parseScenarioChoice(body: unknown): ScenarioChoice {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('body', 'expected a JSON object {scenario, settings?}');
  }
  const { scenario, settings, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new ValidationError(extra[0]!, 'unknown field');
  if (typeof scenario !== 'string') throw new ValidationError('scenario', 'expected a string');
  const chosen = scenarioByName(scenario);
  if (!chosen) throw new ValidationError('scenario', `unknown scenario; one of ${SCENARIO_NAMES.join(', ')}`);
  if (settings === undefined) return { scenario, settings: chosen.settings };
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) {
    throw new ValidationError('settings', 'expected an object');
  }
  const out: Record<string, number | boolean> = { ...chosen.settings };
  for (const [key, value] of Object.entries(settings)) {
    const field = `settings.${key}`;
    if (key === 'enable_anomalies') {
      if (typeof value !== 'boolean') throw new ValidationError(field, 'expected true or false');
      out[key] = value;
      continue;
    }
    const range = SETTING_RANGES[key as keyof typeof SETTING_RANGES];
    if (!range) throw new ValidationError(field, 'unknown setting');
    if (typeof value !== 'number' || !Number.isFinite(value) || value < range[0] || value > range[1]) {
      throw new ValidationError(field, `expected a number between ${range[0]} and ${range[1]}`);
    }
    out[key] = value;
  }
  return { scenario, settings: out as unknown as Settings };
}
