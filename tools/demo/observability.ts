/**
 * Grafana, Loki and Alloy for the native runner. None of them has a Debian package (Debian's
 * `loki` is an unrelated genetics program), so each is started only when its binary is on
 * PATH, from the same configuration compose uses (infra/grafana, infra/loki, infra/alloy)
 * rewritten for loopback ports and a run directory; otherwise the runner says what is
 * missing and where to get it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@llmmon/metrics-core';
import { findExecutable, startProcess, type ManagedProcess } from '@llmmon/native-stack';
import { ROOT } from './run-demo';

export interface Observability {
  grafana?: string;
  loki?: string;
  alloy?: string;
  /** One line per part not found: what is missing and how to get it. */
  missing: string[];
}

/** The Grafana Loki binary, if the `loki` on PATH is that one (it prints "loki, version …"). */
function grafanaLoki(): { path?: string; note?: string } {
  const path = findExecutable('loki');
  if (!path) return {};
  const probe = spawnSync(path, ['-version'], { encoding: 'utf8', timeout: 5000 });
  if (/loki, version/i.test(`${probe.stdout}${probe.stderr}`)) return { path };
  return {
    note: `the loki on PATH (${path}) is not Grafana Loki (Debian's loki package is a genetics program)`,
  };
}

export function findObservability(withAlloy: boolean): Observability {
  const grafana = findExecutable('grafana') ?? findExecutable('grafana-server');
  const loki = grafanaLoki();
  const alloy = withAlloy ? findExecutable('alloy') : undefined;
  const missing: string[] = [];
  if (!grafana)
    missing.push(
      'Grafana: not on PATH (grafana or grafana-server); install the "grafana" package from https://apt.grafana.com, or use docker compose',
    );
  if (!loki.path)
    missing.push(
      `Loki: ${loki.note ?? 'not on PATH'}; get the loki binary from https://github.com/grafana/loki/releases, or use docker compose`,
    );
  if (withAlloy && !alloy)
    missing.push(
      'Alloy: not on PATH, so container logs are not shipped; install the "alloy" package from https://apt.grafana.com',
    );
  return { grafana, loki: loki.path, alloy, missing };
}

export const MIN_GRAFANA_PASSWORD = 12;

/**
 * The admin password rule compose's check-env enforces: a password that is set must be long
 * enough, and Grafana does not start without one.
 */
export function checkGrafanaPassword(password: string | undefined, grafanaWillStart: boolean): void {
  if (password !== undefined && password.length < MIN_GRAFANA_PASSWORD)
    throw new ConfigError(
      'GRAFANA_ADMIN_PASSWORD',
      `must be at least ${MIN_GRAFANA_PASSWORD} characters (got ${password.length})`,
    );
  if (password === undefined && grafanaWillStart)
    throw new ConfigError(
      'GRAFANA_ADMIN_PASSWORD',
      `required to start Grafana (found on PATH): set ${MIN_GRAFANA_PASSWORD} characters or more`,
    );
}

export interface GrafanaOptions {
  binary: string;
  port: number;
  runDir: string;
  password: string;
  prometheusUrl: string;
  alertmanagerUrl: string;
  lokiUrl?: string;
  logFile: string;
}

/** Grafana with llmmon's provisioning: the same datasources (pointed at this run's ports), folders and dashboards. */
export async function startGrafana(o: GrafanaOptions): Promise<ManagedProcess> {
  const provisioning = join(o.runDir, 'provisioning');
  mkdirSync(join(provisioning, 'datasources'), { recursive: true });
  mkdirSync(join(provisioning, 'dashboards'), { recursive: true });
  mkdirSync(join(provisioning, 'plugins'), { recursive: true });
  mkdirSync(join(provisioning, 'alerting'), { recursive: true });
  const datasources = readFileSync(join(ROOT, 'infra/grafana/provisioning/datasources/llmmon.yml'), 'utf8')
    .replace('http://prometheus:23001', o.prometheusUrl)
    .replace('http://alertmanager:9093', o.alertmanagerUrl)
    .replace('http://loki:3100', o.lokiUrl ?? 'http://127.0.0.1:23002');
  writeFileSync(join(provisioning, 'datasources/llmmon.yml'), datasources);
  writeFileSync(
    join(provisioning, 'dashboards/llmmon.yml'),
    readFileSync(join(ROOT, 'infra/grafana/provisioning/dashboards/llmmon.yml'), 'utf8').replaceAll(
      '/var/lib/grafana/dashboards',
      join(ROOT, 'infra/grafana/dashboards'),
    ),
  );
  // Our panel plugins, where they are built.
  const plugins = join(o.runDir, 'plugins');
  mkdirSync(plugins, { recursive: true });
  for (const [dir, id] of [
    ['gpu-heatmap-panel', 'llmmon-gpuheatmap-panel'],
    ['token-rate-panel', 'llmmon-tokenrate-panel'],
  ] as const) {
    try {
      cpSync(join(ROOT, 'plugins', dir, 'dist'), join(plugins, id), { recursive: true });
    } catch {
      // not built: the dashboards fall back to core panels
    }
  }
  const ini = join(o.runDir, 'grafana.ini');
  writeFileSync(
    ini,
    [
      '; Written by the llmmon native runner (tools/demo/observability.ts); settings as docker-compose.yml gives them.',
      '[server]',
      'http_addr = 127.0.0.1',
      `http_port = ${o.port}`,
      '[paths]',
      `data = ${join(o.runDir, 'data')}`,
      `logs = ${join(o.runDir, 'logs')}`,
      `plugins = ${plugins}`,
      `provisioning = ${provisioning}`,
      '[security]',
      'admin_user = admin',
      '[auth]',
      'login_maximum_lifetime_duration = 8h',
      'login_maximum_inactive_lifetime_duration = 8h',
      '[auth.anonymous]',
      'enabled = false',
      '[auth.basic]',
      'enabled = true',
      '[users]',
      'allow_sign_up = false',
      '[plugins]',
      'allow_loading_unsigned_plugins = llmmon-gpuheatmap-panel,llmmon-tokenrate-panel',
      '[dashboards]',
      `default_home_dashboard_path = ${join(ROOT, 'infra/grafana/dashboards/status/home.json')}`,
      '[analytics]',
      'reporting_enabled = false',
      'check_for_updates = false',
      '',
    ].join('\n'),
  );
  const home = process.env['GRAFANA_HOME'] ?? '/usr/share/grafana';
  const serverArgs = ['--homepath', home, '--config', ini];
  return startProcess({
    name: 'grafana',
    command: o.binary,
    args: o.binary.endsWith('grafana-server') ? serverArgs : ['server', ...serverArgs],
    // The password stays out of the files in the run directory.
    env: { GF_SECURITY_ADMIN_PASSWORD: o.password },
    readyUrl: `http://127.0.0.1:${o.port}/api/health`,
    timeoutMs: 120_000,
    logFile: o.logFile,
  });
}

/** Loki with infra/loki/loki.yml: this run's port, its data in the run directory. */
export async function startLoki(o: {
  binary: string;
  port: number;
  runDir: string;
  logFile: string;
}): Promise<ManagedProcess> {
  mkdirSync(o.runDir, { recursive: true });
  const config = join(o.runDir, 'loki.yml');
  writeFileSync(
    config,
    readFileSync(join(ROOT, 'infra/loki/loki.yml'), 'utf8')
      .replace('http_listen_port: 3100', `http_listen_port: ${o.port}`)
      .replace('grpc_listen_port: 9096', 'grpc_listen_port: 0')
      .replaceAll('/loki', o.runDir),
  );
  return startProcess({
    name: 'loki',
    command: o.binary,
    args: [`-config.file=${config}`],
    readyUrl: `http://127.0.0.1:${o.port}/ready`,
    timeoutMs: 120_000,
    logFile: o.logFile,
  });
}

/** Alloy with infra/alloy/config.alloy, shipping this host's Docker logs to this run's Loki. */
export async function startAlloy(o: {
  binary: string;
  port: number;
  runDir: string;
  lokiUrl: string;
  logFile: string;
}): Promise<ManagedProcess> {
  mkdirSync(join(o.runDir, 'data'), { recursive: true });
  const config = join(o.runDir, 'config.alloy');
  writeFileSync(
    config,
    readFileSync(join(ROOT, 'infra/alloy/config.alloy'), 'utf8').replace(
      'http://loki:3100/loki/api/v1/push',
      `${o.lokiUrl}/loki/api/v1/push`,
    ),
  );
  return startProcess({
    name: 'alloy',
    command: o.binary,
    args: [
      'run',
      config,
      `--server.http.listen-addr=127.0.0.1:${o.port}`,
      `--storage.path=${join(o.runDir, 'data')}`,
    ],
    readyUrl: `http://127.0.0.1:${o.port}/-/ready`,
    timeoutMs: 60_000,
    logFile: o.logFile,
  });
}
