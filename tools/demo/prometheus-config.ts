/**
 * The runner's prometheus.yml, from the one in infra/prometheus: its own addresses, an
 * optional shorter interval (tests), the host's identity, and remote write to a central store.
 */
import { parse, stringify } from 'yaml';

export interface PrometheusConfigOptions {
  /** Where this Prometheus listens (its own scrape target). */
  readonly self: string;
  readonly alertmanager: string;
  /** Scrape and evaluation interval, e.g. 1s; default: the file's. */
  readonly interval?: string;
  /** The `host` label of every series (its target label, and its external label for remote write). */
  readonly host: string;
  /** The central store's remote-write URL; none: nothing is shipped. */
  readonly remoteWriteUrl?: string;
}

/**
 * Remote-write queue for an 8-GPU host (~10 000 series every 30 s, ~350 samples/s): room for
 * a 2-hour outage of the centre in the WAL, sent back in batches of 2 000 on recovery without
 * starving the live samples.
 */
export const REMOTE_WRITE_QUEUE = {
  capacity: 10000,
  max_shards: 10,
  min_shards: 1,
  max_samples_per_send: 2000,
  batch_send_deadline: '5s',
  min_backoff: '100ms',
  max_backoff: '30s',
};

interface StaticConfig {
  targets: string[];
  labels?: Record<string, string>;
}
interface Config {
  global: Record<string, unknown> & { external_labels?: Record<string, string> };
  alerting: { alertmanagers: { static_configs: StaticConfig[] }[] };
  scrape_configs: { job_name: string; static_configs?: StaticConfig[] }[];
  remote_write?: unknown[];
}

export function renderPrometheusConfig(template: string, o: PrometheusConfigOptions): string {
  // A shorter interval also shortens the timeout, which must not exceed it.
  const text = o.interval
    ? template.replace(
        /^(\s+)(scrape_interval|scrape_timeout|evaluation_interval): .*$/gm,
        `$1$2: ${o.interval}`,
      )
    : template;
  const c = parse(text) as Config;
  c.global.external_labels = { ...c.global.external_labels, host: o.host };
  c.alerting.alertmanagers[0]!.static_configs = [{ targets: [o.alertmanager] }];
  for (const job of c.scrape_configs) {
    if (!job.static_configs) continue; // file_sd jobs: their target files carry the label
    job.static_configs = job.static_configs.map((s) => ({
      targets: job.job_name === 'prometheus' ? [o.self] : s.targets,
      labels: { ...s.labels, host: o.host },
    }));
  }
  if (o.remoteWriteUrl) c.remote_write = [{ url: o.remoteWriteUrl, queue_config: REMOTE_WRITE_QUEUE }];
  return stringify(c);
}
