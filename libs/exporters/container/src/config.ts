import { ConfigError, requireBelow, env, type ExporterConfigOf } from '@llmmon/metrics-core';
import { dockerConfigSchema } from '@llmmon/docker';

/** The container exporter's own variables (the core adds the common ones). */
export const containerConfig = {
  ...dockerConfigSchema,
  STATS_TIMEOUT_SECONDS: env.seconds(
    "A container whose stats take longer is left out of that scrape (its resource series absent); the others' are not held.",
    2,
    { min: 0.1, max: 60 },
  ),
  STATS_CONCURRENCY: env.int('Stats calls in flight at once.', 8, { min: 1, max: 64 }),
  CONTAINER_LABEL_ALLOWLIST: env.list(
    'Docker labels exported on llmmon_container_labels_info, as container_label_<name> (other labels never are).',
    ['org.opencontainers.image.title', 'org.opencontainers.image.version', 'org.opencontainers.image.source'],
  ),
};

export type ContainerExporterConfig = ExporterConfigOf<typeof containerConfig>;

/** A Docker label key as a Prometheus label name, the way cAdvisor writes them. */
export const labelName = (key: string) => `container_label_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;

/** Checks that cannot be expressed per variable. */
export function validate(c: ContainerExporterConfig): void {
  requireBelow(
    c,
    'STATS_TIMEOUT_SECONDS',
    'COLLECTOR_TIMEOUT_SECONDS',
    "or one slow container drops every container's series",
  );
  const seen = new Map<string, string>();
  for (const key of c.CONTAINER_LABEL_ALLOWLIST) {
    const other = seen.get(labelName(key));
    if (other && other !== key) {
      throw new ConfigError('CONTAINER_LABEL_ALLOWLIST', `${other} and ${key} both become ${labelName(key)}`);
    }
    seen.set(labelName(key), key);
  }
}
