import { ConfigError, requireBelow, env, type ExporterConfigOf } from '@llmmon/metrics-core';

/** The LiteLLM exporter's own variables (the core adds the common ones). */
export const litellmConfig = {
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
  LITELLM_TRAFFIC_SOURCE: env.oneOf(
    "Where per-model traffic comes from: the proxy's /metrics (its prometheus callback), its spend logs (/spend/logs/v2), or auto (metrics, or spend logs when /metrics answers 404).",
    ['auto', 'metrics', 'spend_logs'] as const,
    'auto',
  ),
  LITELLM_SPEND_LOGS_POLL_SECONDS: env.seconds(
    'How often new spend-log rows are read (spend-log traffic).',
    30,
    {
      min: 5,
      max: 3600,
    },
  ),
  LITELLM_SPEND_LOGS_DELAY_SECONDS: env.seconds(
    'Spend-log rows are read up to this long ago (LiteLLM writes them in batches, every 10 s by default).',
    15,
    { max: 3600 },
  ),
  LITELLM_SPEND_LOGS_LOOKBACK_SECONDS: env.seconds(
    'Each poll re-reads this far behind its cursor for rows written late (requests longer than this are missed); rows are told apart by request id.',
    600,
    { max: 86_400 },
  ),
  LITELLM_SPEND_LOGS_MAX_PAGES: env.int(
    'Most pages of 100 rows read per poll; the rest is read by the next poll.',
    20,
    { min: 1, max: 1000 },
  ),
  LITELLM_STATE_DIR: env.string(
    'Where the spend-log cursor and totals are kept across restarts (created if its parent exists).',
    '/tmp/llmmon-litellm-exporter',
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

export type LitellmExporterConfig = ExporterConfigOf<typeof litellmConfig>;

export function validate(c: LitellmExporterConfig): void {
  if (!c.LITELLM_API_KEY)
    throw new ConfigError('LITELLM_API_KEY', 'must be set: /model/info and /health need a key');
  requireBelow(c, 'LITELLM_TIMEOUT_SECONDS', 'COLLECTOR_TIMEOUT_SECONDS');
}
