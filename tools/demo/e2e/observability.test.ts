/**
 * The native runner and Grafana, Loki, Alloy: none can be installed here, so stand-ins on
 * PATH play them. A `grafana` that serves /api/health like Grafana and reports how it was
 * started; a `loki` that is not Grafana Loki (as Debian's is not). The runner must refuse a
 * missing or short admin password before starting anything, start Grafana with llmmon's
 * provisioning pointed at this run, and say what it did not start.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '@llmmon/native-stack';
import { ROOT, runScript, startDemo } from '../run-demo';

const STUB_GRAFANA = `#!/usr/bin/env node
// Stand-in for Grafana: reads the ini it is given, serves /api/health on its port, reports.
const { readFileSync, writeFileSync } = require('node:fs');
const http = require('node:http');
const args = process.argv.slice(2);
const ini = readFileSync(args[args.indexOf('--config') + 1], 'utf8');
const setting = (key) => (new RegExp('^' + key + ' = (.*)$', 'm').exec(ini) || [])[1];
writeFileSync(process.env.STUB_REPORT, JSON.stringify({
  args, ini, password: process.env.GF_SECURITY_ADMIN_PASSWORD || null, provisioning: setting('provisioning'),
}));
const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/api/health' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ database: 'ok', version: 'stub' }));
});
server.listen(Number(setting('http_port')), setting('http_addr'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const NOT_GRAFANA_LOKI = `#!/bin/sh
echo "LOKI: genetic linkage analysis, version 2.4.7"
`;

const PASSWORD = 'correct-horse-battery';

let bin: string;
beforeAll(() => {
  bin = mkdtempSync(join(tmpdir(), 'llmmon-stub-bin-'));
  writeFileSync(join(bin, 'grafana'), STUB_GRAFANA);
  writeFileSync(join(bin, 'loki'), NOT_GRAFANA_LOKI);
  chmodSync(join(bin, 'grafana'), 0o755);
  chmodSync(join(bin, 'loki'), 0o755);
});
afterAll(() => rmSync(bin, { recursive: true, force: true }));

it.each([
  [
    'a missing Grafana password when Grafana is on PATH',
    true,
    undefined,
    /GRAFANA_ADMIN_PASSWORD: required to start Grafana/,
  ],
  [
    'a short Grafana password',
    false,
    'short-pw',
    /GRAFANA_ADMIN_PASSWORD: must be at least 12 characters \(got 8\)/,
  ],
])('refuses %s in one line, exit 2, starting nothing', async (_what, grafanaOnPath, password, message) => {
  const { GRAFANA_ADMIN_PASSWORD: _unset, ...env } = process.env;
  const r = await runScript('tools/demo/main.ts', [], {
    ...env,
    PATH: grafanaOnPath ? `${bin}${delimiter}${process.env['PATH']}` : (process.env['PATH'] ?? ''),
    ...(password ? { GRAFANA_ADMIN_PASSWORD: password } : {}),
    DEMO_DATA_DIR: mkdtempSync(join(tmpdir(), 'llmmon-refused-')),
  });
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).not.toMatch(/starting/);
});

describe('with Grafana on PATH', () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let grafanaPort: number;
  const report = join(tmpdir(), `llmmon-stub-grafana-${process.pid}.json`);
  beforeAll(async () => {
    grafanaPort = await freePort();
    demo = await startDemo({
      PATH: `${bin}${delimiter}${process.env['PATH']}`,
      GRAFANA_PORT: String(grafanaPort),
      GRAFANA_ADMIN_PASSWORD: PASSWORD,
      LOKI_PORT: String(await freePort()),
      STUB_REPORT: report,
    });
  }, 180_000);
  afterAll(async () => {
    demo?.child.kill('SIGINT');
    await demo?.exited;
    demo?.cleanup();
    rmSync(report, { force: true });
  });

  it('starts it, waits for /api/health, and prints its URL', async () => {
    expect(demo.output()).toContain(`Grafana             http://127.0.0.1:${grafanaPort}`);
    expect((await fetch(`http://127.0.0.1:${grafanaPort}/api/health`)).status).toBe(200);
  });

  it("gives it llmmon's provisioning, pointed at this run's Prometheus and the repository's dashboards", () => {
    const seen = JSON.parse(readFileSync(report, 'utf8')) as {
      args: string[];
      ini: string;
      password: string;
      provisioning: string;
    };
    expect(seen.args[0]).toBe('server');
    const datasources = readFileSync(join(seen.provisioning, 'datasources/llmmon.yml'), 'utf8');
    expect(datasources).toContain(`url: ${demo.prometheus}`);
    expect(datasources).toContain('uid: llmmon-prometheus');
    const folders = readFileSync(join(seen.provisioning, 'dashboards/llmmon.yml'), 'utf8');
    const paths = [...folders.matchAll(/path: (.+)$/gm)].map((m) => m[1]!);
    expect(paths).toHaveLength(6);
    for (const p of paths) expect(existsSync(p)).toBe(true);
    expect(paths).toContain(join(ROOT, 'infra/grafana/dashboards/system'));
    expect(seen.ini).toMatch(/^\[auth.anonymous\]\nenabled = false$/m);
    expect(seen.ini).toMatch(
      /allow_loading_unsigned_plugins = llmmon-gpuheatmap-panel,llmmon-tokenrate-panel/,
    );
    // The password reaches Grafana through its environment, never a file in the run directory.
    expect(seen.password).toBe(PASSWORD);
    expect(seen.ini).not.toContain(PASSWORD);
    expect(datasources).not.toContain(PASSWORD);
  });

  it('says which parts it did not start and how to get them', () => {
    expect(demo.output()).toMatch(/not started: Loki: the loki on PATH \(.*\/loki\) is not Grafana Loki/);
    expect(demo.output()).not.toMatch(/not started: Grafana/);
  });
});
