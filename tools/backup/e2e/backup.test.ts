/**
 * `npm run backup` against a real Prometheus (admin API on) and a stand-in Grafana HTTP API
 * (Grafana cannot run here): dashboards land per folder without ids, datasources without
 * secrets, the TSDB snapshot is copied; a Grafana that is down fails that part with one line
 * and exit 1 while the snapshot is still taken.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, scrapeEverySecond, startPrometheus, type RunningPrometheus } from '@llmmon/native-stack';
import { runScript } from '../../demo/run-demo';

const TOKEN = 'glsa_test_token_0123456789';

/** Grafana's /api/search, /api/dashboards/uid/:uid and /api/datasources, behind a Bearer token. */
async function startFakeGrafana(): Promise<{ url: string; server: Server }> {
  const dashboards: Record<string, { folderTitle: string; dashboard: Record<string, unknown> }> = {
    'llmmon-gpu': {
      folderTitle: 'System',
      dashboard: { id: 7, uid: 'llmmon-gpu', title: 'GPU usage', panels: [] },
    },
    'llmmon-home': {
      folderTitle: 'Status',
      dashboard: { id: 3, uid: 'llmmon-home', title: 'llmmon home', panels: [] },
    },
  };
  const server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { message: 'Unauthorized' });
    const url = new URL(req.url ?? '/', 'http://grafana');
    if (url.pathname === '/api/search')
      return send(
        200,
        Object.entries(dashboards).map(([uid, d]) => ({
          uid,
          title: d.dashboard['title'],
          folderTitle: d.folderTitle,
          type: 'dash-db',
        })),
      );
    const m = /^\/api\/dashboards\/uid\/([\w-]+)$/.exec(url.pathname);
    if (m && dashboards[m[1]!])
      return send(200, {
        meta: { folderTitle: dashboards[m[1]!]!.folderTitle },
        dashboard: dashboards[m[1]!]!.dashboard,
      });
    if (url.pathname === '/api/datasources')
      return send(200, [
        {
          uid: 'llmmon-prometheus',
          type: 'prometheus',
          basicAuthPassword: 'secret',
          secureJsonFields: { x: true },
        },
      ]);
    return send(404, { message: 'Not found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Runs it with only PATH and `env`: nothing from this shell's Grafana or Prometheus settings. */
const backup = async (env: Record<string, string>) => {
  const r = await runScript('tools/backup/main.ts', [], { PATH: process.env['PATH'], ...env });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
};

describe('npm run backup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmmon-backup-'));
  let prometheus: RunningPrometheus;
  let grafana: Awaited<ReturnType<typeof startFakeGrafana>>;

  beforeAll(async () => {
    prometheus = await startPrometheus({
      port: await freePort(),
      dataDir: join(dir, 'prometheus'),
      config: scrapeEverySecond({}),
    });
    grafana = await startFakeGrafana();
  });
  afterAll(async () => {
    await prometheus?.stop();
    grafana?.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the dashboards per folder and copies a TSDB snapshot', async () => {
    const out = join(dir, 'backup-1');
    const r = await backup({
      BACKUP_DIR: out,
      GRAFANA_URL: grafana.url,
      GRAFANA_TOKEN: TOKEN,
      PROMETHEUS_URL: prometheus.url,
      PROMETHEUS_DATA_DIR: join(dir, 'prometheus', 'tsdb'),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const gpu = JSON.parse(readFileSync(join(out, 'grafana/System/llmmon-gpu.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(gpu['title']).toBe('GPU usage');
    expect(gpu['id']).toBeNull();
    expect(existsSync(join(out, 'grafana/Status/llmmon-home.json'))).toBe(true);
    const datasources = readFileSync(join(out, 'grafana/datasources.json'), 'utf8');
    expect(datasources).toContain('llmmon-prometheus');
    expect(datasources).not.toContain('secret');
    expect(readdirSync(join(out, 'prometheus'))).toHaveLength(1);
    expect(r.stdout).toMatch(/exported 2 Grafana dashboards/);
  });

  it('a Grafana that is down: one line, exit 1, the snapshot still taken', async () => {
    const out = join(dir, 'backup-2');
    const r = await backup({
      BACKUP_DIR: out,
      GRAFANA_URL: `http://127.0.0.1:${await freePort()}`,
      GRAFANA_TOKEN: TOKEN,
      PROMETHEUS_URL: prometheus.url,
      PROMETHEUS_DATA_DIR: join(dir, 'prometheus', 'tsdb'),
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^\[backup\] Grafana at .*ECONNREFUSED/),
    ]);
    expect(readdirSync(join(out, 'prometheus'))).toHaveLength(1);
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
  });

  it('refuses to run without a way into Grafana, naming the variable', async () => {
    const r = await backup({ BACKUP_DIR: join(dir, 'backup-3') });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/GRAFANA_TOKEN/);
  });
});
