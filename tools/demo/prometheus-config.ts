/**
 * The runner's prometheus.yml, from the one in infra/prometheus: its own addresses, an
 * optional shorter interval (tests), the host's identity, and remote write to a central store
 * (infra/prometheus/remote-write.yml).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

export interface PrometheusConfigOptions {
  /** Where this Prometheus listens (its own scrape target). */
  readonly self: string;
  readonly alertmanager: string;
  /** Scrape and evaluation interval, e.g. 1s; default: the file's. */
  readonly interval?: string;
  /** The `host` label of every series (its target label, and its external label for remote write). */
  readonly host: string;
  /** Optional `site` and `cluster` labels, beside `host`, on every series. */
  readonly site?: string;
  readonly cluster?: string;
  /** The central store's remote-write URL; none: nothing is shipped. */
  readonly remoteWriteUrl?: string;
  /** How to reach a centre behind auth or a private CA (files: no secret in the config). */
  readonly remoteWriteAuth?: RemoteWriteAuth;
}

export interface RemoteWriteAuth {
  readonly bearerTokenFile?: string;
  readonly username?: string;
  readonly passwordFile?: string;
  readonly caFile?: string;
}

/** A host's identity labels: `host`, and `site` and `cluster` where given. */
export function identityLabels(o: { host: string; site?: string; cluster?: string }): Record<string, string> {
  return { host: o.host, ...(o.site ? { site: o.site } : {}), ...(o.cluster ? { cluster: o.cluster } : {}) };
}

/** The entry a host ships with, its url replaced: queue sizes and what is not shipped. */
export const REMOTE_WRITE_FILE = join(__dirname, '../../infra/prometheus/remote-write.yml');

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
  // Exactly the identity given (the file's `${…}` values are for compose's Prometheus).
  const identity = identityLabels(o);
  c.global.external_labels = identity;
  c.alerting.alertmanagers[0]!.static_configs = [{ targets: [o.alertmanager] }];
  for (const job of c.scrape_configs) {
    if (!job.static_configs) continue; // file_sd jobs: their target files carry the label
    job.static_configs = job.static_configs.map((s) => ({
      targets: job.job_name === 'prometheus' ? [o.self] : s.targets,
      labels: { ...s.labels, ...identity },
    }));
  }
  if (o.remoteWriteUrl) {
    const a = o.remoteWriteAuth ?? {};
    c.remote_write = [
      {
        ...(parse(readFileSync(REMOTE_WRITE_FILE, 'utf8')) as object),
        url: o.remoteWriteUrl,
        ...(a.bearerTokenFile
          ? { authorization: { type: 'Bearer', credentials_file: a.bearerTokenFile } }
          : {}),
        ...(a.username ? { basic_auth: { username: a.username, password_file: a.passwordFile } } : {}),
        ...(a.caFile ? { tls_config: { ca_file: a.caFile } } : {}),
      },
    ];
  }
  return stringify(c);
}

interface RelabelRule {
  readonly source_labels: readonly string[];
  readonly regex: string;
  readonly action: 'drop';
}

/**
 * Whether a series is shipped: remote-write.yml's drop rules, applied as Prometheus applies
 * them (source labels joined with `;`, the regex anchored), for history imported at the centre.
 */
export function shippedFilter(): (labels: Readonly<Record<string, string>>) => boolean {
  const entry = parse(readFileSync(REMOTE_WRITE_FILE, 'utf8')) as { write_relabel_configs?: RelabelRule[] };
  const rules = (entry.write_relabel_configs ?? []).map((r) => {
    if (r.action !== 'drop')
      throw new Error(`remote-write.yml: only drop rules are applied to history, not ${r.action}`);
    return { labels: r.source_labels, regex: new RegExp(`^(?:${r.regex})$`) };
  });
  return (labels) => !rules.some((r) => r.regex.test(r.labels.map((l) => labels[l] ?? '').join(';')));
}
