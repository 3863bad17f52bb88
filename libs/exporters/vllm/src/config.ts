import { ConfigError, requireBelow, env, type ExporterConfigOf } from '@llmmon/metrics-core';
import { dockerConfigSchema } from '@llmmon/docker';

/** The vLLM exporter's own variables (the core adds the common ones). */
export const vllmConfig = {
  DOCKER_ENABLED: env.bool('Discover vLLM containers through the Docker API.', true),
  ...dockerConfigSchema,
  VLLM_IMAGE_PATTERN: env.regex(
    'Containers whose image matches are vLLM instances (as are those labelled vllm=true).',
    'vllm',
  ),
  VLLM_PORT: env.port("The port vLLM's API server listens on inside its container.", 8000),
  VLLM_ADDRESS: env.oneOf(
    'How to reach a container: published (the host port Docker publishes VLLM_PORT on, at VLLM_PUBLISHED_HOST) or container_ip (its address on its first network).',
    ['published', 'container_ip'] as const,
    'published',
  ),
  VLLM_PUBLISHED_HOST: env.string(
    'Host where published ports answer (from inside a container: host.docker.internal).',
    '127.0.0.1',
  ),
  VLLM_URLS: env.list(
    'Static vLLM base URLs (comma-separated), for hosts without Docker; each is an instance named by host:port.',
    [],
  ),
  VLLM_TIMEOUT_SECONDS: env.seconds(
    'Timeout of each call to an instance (/health, /v1/models, /metrics); a slow instance is reported down, the others are not held.',
    4,
    { min: 0.1, max: 60 },
  ),
  VLLM_MAX_METRICS_BYTES: env.int(
    'An instance whose /metrics body is larger is reported down (too_large).',
    16 * 1024 * 1024,
    {
      min: 1024,
      max: 1024 * 1024 * 1024,
    },
  ),
  VLLM_LOAD_TIMEOUT_SECONDS: env.seconds(
    'A running container whose API does not answer is "loading" for this long after it started, then "failed".',
    1800,
    { min: 1, max: 86_400 },
  ),
};

export type VllmExporterConfig = ExporterConfigOf<typeof vllmConfig>;

/** Checks that cannot be expressed per variable. */
export function validate(c: VllmExporterConfig): void {
  for (const url of c.VLLM_URLS) {
    let u: URL | undefined;
    try {
      u = new URL(url);
    } catch {
      // reported below
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
      throw new ConfigError('VLLM_URLS', `"${url}" is not an http(s) URL`);
    }
  }
  if (!c.DOCKER_ENABLED && c.VLLM_URLS.length === 0) {
    throw new ConfigError(
      'VLLM_URLS',
      'set at least one URL when DOCKER_ENABLED=false, or nothing is monitored',
    );
  }
  requireBelow(
    c,
    'VLLM_TIMEOUT_SECONDS',
    'COLLECTOR_TIMEOUT_SECONDS',
    "or one slow instance drops every instance's series",
  );
}
