import {
  ConfigError,
  env,
  exporterConfigSchema,
  validateExporterConfig,
  type ConfigOf,
} from '@llmmon/metrics-core';

/** Every variable the LiteLLM exporter reads. */
export const configSchema = {
  ...exporterConfigSchema({ port: 9901, timeoutSeconds: 8 }),
  LITELLM_URL: env.url('The LiteLLM proxy.', 'http://localhost:4000'),
  LITELLM_API_KEY: env.secret(
    'A LiteLLM key allowed to read /model/info and /health (the master key or an admin key). Required.',
  ),
  LITELLM_TIMEOUT_SECONDS: env.seconds('Timeout of each call to the proxy.', 5, { min: 0.1, max: 60 }),
  LITELLM_HEALTH_REFRESH_SECONDS: env.seconds(
    'How often the catalog (/model/info) and health (/health, which calls every deployment) are read in the background.',
    60,
    { min: 5, max: 3600 },
  ),
  LITELLM_HEALTH_TIMEOUT_SECONDS: env.seconds(
    "Timeout of LiteLLM's /health (it waits for every deployment).",
    30,
    {
      min: 1,
      max: 300,
    },
  ),
  LITELLM_MAX_METRICS_BYTES: env.int(
    "LiteLLM's /metrics larger than this is refused (too_large).",
    64 * 1024 * 1024,
    {
      min: 1024,
      max: 1024 * 1024 * 1024,
    },
  ),
  HF_METADATA: env.bool(
    'Look up parameters, quantization, license and pipeline tag on the Hugging Face Hub for models named by a Hub id (in the background, cached).',
    true,
  ),
  HF_URL: env.url('The Hugging Face Hub, or a mirror of its /api/models.', 'https://huggingface.co'),
  HF_TOKEN: env.secret('A Hub token, for private models.'),
  HF_CACHE_DIR: env.string(
    'Where Hub answers are kept across restarts (offline hosts keep their metadata); created if its parent exists; unwritable: memory only.',
    '/tmp/llmmon-hf-cache',
  ),
  HF_CACHE_TTL_SECONDS: env.seconds('How long a Hub answer is used before it is looked up again.', 86_400, {
    min: 60,
    max: 30 * 86_400,
  }),
  HF_TIMEOUT_SECONDS: env.seconds('Timeout of each Hub lookup.', 10, { min: 0.1, max: 120 }),
};

export type LitellmExporterConfig = ConfigOf<typeof configSchema>;

export function validate(c: LitellmExporterConfig): void {
  validateExporterConfig(c);
  if (!c.LITELLM_API_KEY)
    throw new ConfigError('LITELLM_API_KEY', 'must be set: /model/info and /health need a key');
  if (c.LITELLM_TIMEOUT_SECONDS >= c.COLLECTOR_TIMEOUT_SECONDS) {
    throw new ConfigError(
      'LITELLM_TIMEOUT_SECONDS',
      `must be below COLLECTOR_TIMEOUT_SECONDS (${c.COLLECTOR_TIMEOUT_SECONDS})`,
    );
  }
}
