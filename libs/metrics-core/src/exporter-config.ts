import { ConfigError, type ConfigOf, env } from './config';
import { LOG_LEVELS } from './logger';

/** The listener's variables: one set per process (an exporter, the agent, the simulator). */
export function serverConfigSchema(port: number) {
  return {
    HOST: env.string('Address to listen on (0.0.0.0: all interfaces).', '0.0.0.0'),
    PORT: env.port('Port for /metrics, /health, /ready and the JSON API.', port),
    LOG_LEVEL: env.oneOf('Log level of the JSON log on stdout.', LOG_LEVELS, 'info'),
    METRICS_AUTH_USERNAME: env.string('Basic-auth user required on /metrics (with METRICS_AUTH_PASSWORD).'),
    METRICS_AUTH_PASSWORD: env.secret('Basic-auth password required on /metrics.'),
    METRICS_AUTH_TOKEN: env.secret('Bearer token accepted on /metrics.'),
  };
}

/** How one exporter collects: its own defaults, also inside the agent. */
export function collectionConfigSchema(defaults: { cacheSeconds?: number; timeoutSeconds?: number } = {}) {
  return {
    SCRAPE_CACHE_SECONDS: env.seconds(
      'Scrapes arriving within this many seconds of a finished collection reuse it (0: collect on every scrape).',
      defaults.cacheSeconds ?? 1,
      { max: 300 },
    ),
    COLLECTOR_TIMEOUT_SECONDS: env.seconds(
      'Longest one collector may run before its series are dropped from the scrape.',
      defaults.timeoutSeconds ?? 5,
      { min: 0.001, max: 300 },
    ),
  };
}

/** Only for services with routes that change state (the simulator's control API). */
export const controlConfigSchema = {
  ADMIN_TOKEN: env.secret('Bearer token required by routes that change state; unset disables them.'),
  CONTROL_RATE_LIMIT_PER_MINUTE: env.int('Requests per minute per client on control routes.', 60, {
    min: 1,
    max: 1_000_000,
  }),
};

/** Every variable a standalone exporter with control routes understands; each adds its own. */
export function exporterConfigSchema(defaults: {
  port: number;
  cacheSeconds?: number;
  timeoutSeconds?: number;
}) {
  return {
    ...serverConfigSchema(defaults.port),
    ...collectionConfigSchema(defaults),
    ...controlConfigSchema,
  };
}

export type ServerConfig = ConfigOf<ReturnType<typeof serverConfigSchema>>;
export type CollectionConfig = ConfigOf<ReturnType<typeof collectionConfigSchema>>;
export type ControlConfig = ConfigOf<typeof controlConfigSchema>;
export type ExporterConfig = ServerConfig & CollectionConfig & ControlConfig;

/** Checks that cannot be expressed per variable (each only where its variables exist). */
export function validateExporterConfig(c: Partial<ExporterConfig>): void {
  if ((c.METRICS_AUTH_USERNAME === undefined) !== (c.METRICS_AUTH_PASSWORD === undefined)) {
    const missing = c.METRICS_AUTH_USERNAME === undefined ? 'METRICS_AUTH_USERNAME' : 'METRICS_AUTH_PASSWORD';
    throw new ConfigError(missing, 'must be set together with its basic-auth partner');
  }
  if (c.ADMIN_TOKEN !== undefined && c.ADMIN_TOKEN.length < 16) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 16 characters');
  }
}
