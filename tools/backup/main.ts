/**
 * `npm run backup`: Grafana's dashboards (and datasources, without secrets) exported through
 * its HTTP API, and a Prometheus TSDB snapshot taken through its admin API, into one folder.
 * Each part is attempted even if the other fails; any failure is one line and exit 1. The
 * configuration (git) is the third part of a backup and needs nothing from here.
 *
 * Environment: BACKUP_DIR (backups/<UTC time>), GRAFANA_URL (http://127.0.0.1:23000),
 * GRAFANA_TOKEN (a service-account token) or GRAFANA_USER + GRAFANA_ADMIN_PASSWORD,
 * PROMETHEUS_URL (http://127.0.0.1:23001), PROMETHEUS_DATA_DIR (Prometheus's data folder on
 * this machine: the snapshot is copied into the backup; otherwise it stays where Prometheus
 * wrote it, and the path is printed).
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, env, errorMessage, fetchJson, loadConfigOrExit } from '@llmmon/metrics-core';

const ROOT = resolve(__dirname, '../..');
const say = (msg: string) => console.log(`[backup] ${msg}`);

const schema = {
  BACKUP_DIR: env.string('Where the backup goes (default backups/<UTC time>).'),
  GRAFANA_URL: env.url('Grafana.', 'http://127.0.0.1:23000'),
  GRAFANA_TOKEN: env.secret('A Grafana service-account token (Viewer is enough).'),
  GRAFANA_USER: env.string('Grafana user, with GRAFANA_ADMIN_PASSWORD, when there is no token.', 'admin'),
  GRAFANA_ADMIN_PASSWORD: env.secret("That user's password."),
  PROMETHEUS_URL: env.url('Prometheus (started with --web.enable-admin-api).', 'http://127.0.0.1:23001'),
  PROMETHEUS_DATA_DIR: env.string("Prometheus's data folder on this machine, to copy the snapshot from."),
};

const TIMEOUT_MS = 30_000;

async function exportGrafana(url: string, auth: string, out: string): Promise<number> {
  const headers = { authorization: auth };
  const found = await fetchJson<{ uid: string; folderTitle?: string }[]>(
    `${url}/api/search?type=dash-db&limit=5000`,
    {
      timeoutMs: TIMEOUT_MS,
      headers,
    },
  );
  for (const d of found) {
    if (!/^[\w-]{1,64}$/.test(d.uid)) continue; // a uid is a file name here
    const body = await fetchJson<{ dashboard: Record<string, unknown> }>(
      `${url}/api/dashboards/uid/${d.uid}`,
      {
        timeoutMs: TIMEOUT_MS,
        headers,
      },
    );
    const folder = join(out, 'grafana', (d.folderTitle ?? 'General').replace(/[^\w .-]/g, '_'));
    mkdirSync(folder, { recursive: true });
    // As provisioned files are: no database id, so the file imports anywhere.
    writeFileSync(
      join(folder, `${d.uid}.json`),
      `${JSON.stringify({ ...body.dashboard, id: null }, null, 2)}\n`,
    );
  }
  const datasources = await fetchJson<Record<string, unknown>[]>(`${url}/api/datasources`, {
    timeoutMs: TIMEOUT_MS,
    headers,
  });
  writeFileSync(
    join(out, 'grafana', 'datasources.json'),
    `${JSON.stringify(
      datasources.map(({ secureJsonFields: _secure, basicAuthPassword: _password, ...rest }) => rest),
      null,
      2,
    )}\n`,
  );
  return found.length;
}

async function snapshotPrometheus(url: string, dataDir: string | undefined, out: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/admin/tsdb/snapshot`, {
    method: 'POST',
    signal: AbortSignal.timeout(300_000),
  });
  if (res.status === 404 || res.status === 405)
    throw new Error(`${url} has no admin API: start Prometheus with --web.enable-admin-api`);
  const body = (await res.json()) as { status: string; data?: { name: string }; error?: string };
  if (body.status !== 'success' || !body.data)
    throw new Error(`snapshot refused: ${body.error ?? res.status}`);
  const name = body.data.name;
  if (!dataDir) return `snapshots/${name} in Prometheus's data folder`;
  cpSync(join(dataDir, 'snapshots', name), join(out, 'prometheus', name), { recursive: true });
  return join(out, 'prometheus', name);
}

async function main(): Promise<void> {
  const c = loadConfigOrExit(schema, process.env, (x) => {
    if (!x.GRAFANA_TOKEN && !x.GRAFANA_ADMIN_PASSWORD)
      throw new ConfigError('GRAFANA_TOKEN', 'set it, or GRAFANA_ADMIN_PASSWORD, to read Grafana');
  });
  const out = resolve(ROOT, c.BACKUP_DIR ?? join('backups', new Date().toISOString().replace(/[:.]/g, '-')));
  mkdirSync(out, { recursive: true });
  const auth = c.GRAFANA_TOKEN
    ? `Bearer ${c.GRAFANA_TOKEN}`
    : `Basic ${Buffer.from(`${c.GRAFANA_USER}:${c.GRAFANA_ADMIN_PASSWORD}`).toString('base64')}`;
  let failed = false;
  try {
    say(
      `exported ${await exportGrafana(c.GRAFANA_URL, auth, out)} Grafana dashboards to ${join(out, 'grafana')}`,
    );
  } catch (err) {
    failed = true;
    console.error(`[backup] Grafana at ${c.GRAFANA_URL}: ${errorMessage(err)}`);
  }
  try {
    say(`Prometheus snapshot: ${await snapshotPrometheus(c.PROMETHEUS_URL, c.PROMETHEUS_DATA_DIR, out)}`);
  } catch (err) {
    failed = true;
    console.error(`[backup] Prometheus at ${c.PROMETHEUS_URL}: ${errorMessage(err)}`);
  }
  process.exit(failed ? 1 : 0);
}

void main();
