/**
 * The fleet end to end: `npm run demo -- --hosts 3` (three simulated hosts, each its own
 * simulator, agent and Prometheus, remote-writing to VictoriaMetrics under its host label);
 * and the centre (VictoriaMetrics, vmalert with the fleet rules, Alertmanager) with two hosts:
 * one stops and is missing within 5 minutes, while VictoriaMetrics, stopped for two minutes,
 * loses nothing the other host's own Prometheus has.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  queryPrometheus,
  renderAlertmanagerConfig,
  startAlertmanager,
  startPrometheus,
  startVictoriaMetrics,
  startVmalert,
  waitForQuery,
  type RunningAlertmanager,
  type RunningPrometheus,
  type RunningVictoriaMetrics,
  type RunningVmalert,
} from '@llmmon/native-stack';
import { TOPOLOGY } from '@llmmon/topology';
import {
  askPrometheus,
  chosenValue,
  defaultValues,
  loadDashboards,
  MIG_ONLY,
  panelRange,
  panelsOf,
  prometheusQueries,
  queryName,
} from '../dashboards';
import { renderPrometheusConfig } from '../prometheus-config';
import { ADMIN_TOKEN, ROOT, startDemo, type RunningDemo } from '../run-demo';

/** `query` at the centre or a host's Prometheus, as a map from `label`'s value to the value. */
async function byLabel(url: string, query: string, label: string): Promise<Map<string, number>> {
  const r = await queryPrometheus(url, query);
  return new Map(r.map((s) => [s.metric[label] ?? '', Number(s.value[1])]));
}

describe('npm run demo -- --hosts 3', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-fleet-'));
  let child: ChildProcess;
  let output = '';
  let centre: string;

  beforeAll(async () => {
    const port = await freePort();
    centre = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', 'tools/demo/main.ts', '--hosts', '3'], {
      cwd: ROOT,
      env: {
        ...process.env,
        VICTORIA_METRICS_PORT: String(port),
        DEMO_DATA_DIR: dataDir,
        DEMO_ADMIN_TOKEN: ADMIN_TOKEN,
        PROMETHEUS_SCRAPE_INTERVAL: '1s',
        // Every host's Langfuse read every 10 s (not 60), so its panels fill soon.
        LANGFUSE_POLL_SECONDS: '10',
        LANGFUSE_TIMEOUT_SECONDS: '5',
        LANGFUSE_INGESTION_DELAY_SECONDS: '5',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 480_000;
    while (!output.includes('fleet demo is running')) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the fleet did not come up:\n${output}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // A few scrapes shipped, and the rules' 5-minute rates of every host evaluated.
    await waitForQuery(
      centre,
      'count by (host) (instance:node_cpu_busy:ratio_rate5m)',
      (r) => r.length === 3,
    );
    await waitForQuery(
      centre,
      'count by (host) (llmmon_langfuse_scores_total)',
      (r) => r.length === 3,
      90_000,
    );
    await waitForQuery(
      centre,
      'count by (host) (increase(llmmon_langfuse_score_value_count[1m]) > 0)',
      (r) => r.length === 3,
      120_000,
    );
    await waitForQuery(
      centre,
      'count by (host) (llmmon_langfuse_model_traces{window="today"})',
      (r) => r.length === 3,
      90_000,
    );
  }, 540_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const HOSTS = ['gpu-node-01', 'gpu-node-02', 'gpu-node-03'];
  /** Each host's addresses, as the runner printed them. */
  const addressesOf = (host: string) => {
    const m = new RegExp(`${host}\\s+Prometheus (\\S+)\\s+simulator (\\S+)`).exec(output)!;
    return { prometheus: m[1]!, simulator: m[2]! };
  };

  it("prints the centre and each host; the centre's vmalert has the fleet rules", async () => {
    expect(output).toContain(`centre (PromQL)     ${centre}/api/v1/query`);
    for (const h of HOSTS) expect(addressesOf(h).prometheus).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const vmalert = /centre's alerts\s+(\S+)\/api\/v1\/alerts/.exec(output)![1]!;
    const rules = (await (await fetch(`${vmalert}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string }[] }[] };
    };
    expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(
      expect.arrayContaining(['HostMissing', 'HostExporterMissing', 'llmmon:fleet_gpus:count']),
    );
    // Nothing missing while every host ships.
    const alerts = (await (await fetch(`${vmalert}/api/v1/alerts`)).json()) as {
      data: { alerts: unknown[] | null };
    };
    expect(alerts.data.alerts ?? []).toEqual([]);
  });

  it('lists every host in the Fleet overview, each target up, with its 8 GPUs and the models its simulator serves', async () => {
    const up = await byLabel(centre, 'count by (host) (up == 1)', 'host');
    expect(Object.fromEntries(up)).toEqual(Object.fromEntries(HOSTS.map((h) => [h, TOPOLOGY.length + 1])));
    // The dashboard's own queries, as Grafana sends them (every host chosen).
    const overview = loadDashboards()
      .map((d) => d.dashboard)
      .find((d) => d.uid === 'llmmon-fleet-overview')!;
    const ask = async (title: string, refId: string) => {
      const panel = panelsOf(overview).find((p) => p.title === title && p.type === 'table')!;
      const target = panel.targets!.find((t) => t.refId === refId)!;
      const a = await askPrometheus(centre, target, defaultValues(overview), {
        range: 600,
        scrapeInterval: 1,
      });
      return a.labels.map((l) => ({ labels: l, value: a.values.get(JSON.stringify(l)) }));
    };
    const gpus = await ask('Hosts', 'A');
    expect(Object.fromEntries(gpus.map((r) => [r.labels['host'], r.value]))).toEqual(
      Object.fromEntries(HOSTS.map((h) => [h, 8])),
    );
    const models = await ask('Models by host', 'A');
    for (const host of HOSTS) {
      const upstreams = (await (await fetch(`${addressesOf(host).simulator}/api/v1/upstreams`)).json()) as {
        vllm: { model: string }[];
      };
      expect({
        host,
        models: models
          .filter((r) => r.labels['host'] === host)
          .map((r) => r.labels['model'])
          .sort(),
      }).toEqual({ host, models: upstreams.vllm.map((v) => v.model).sort() });
    }
  });

  it("keeps each host's series apart, its recorded ones included, as its own Prometheus has them", async () => {
    for (const host of HOSTS) {
      const local = addressesOf(host).prometheus;
      // Raw series: the host label from its target files; recorded ones that aggregate it away
      // (CPU busy, by instance): from its external label.
      for (const metric of ['llmmon_gpu_info', 'instance:node_cpu_busy:ratio_rate5m']) {
        const there = await queryPrometheus(centre, `count(${metric}{host="${host}"})`);
        const here = await queryPrometheus(local, `count(${metric})`);
        expect({ host, metric, count: there[0]?.value[1] }).toEqual({
          host,
          metric,
          count: here[0]?.value[1],
        });
      }
    }
    // One host chosen: no other host's series.
    const one = await queryPrometheus(centre, 'llmmon_gpu_info{host="gpu-node-02"}');
    expect(new Set(one.map((s) => s.metric['host']))).toEqual(new Set(['gpu-node-02']));
  });

  it("answers every dashboard's PromQL queries from the centre, for all hosts and for each alone", async () => {
    const dashboards = loadDashboards().map((d) => d.dashboard);
    const problems: string[] = [];
    const empty: {
      host: string;
      q: ReturnType<typeof prometheusQueries>[number];
      values: Record<string, string>;
    }[] = [];
    let asked = 0;
    // Every host at once (the dashboards' default): no query may fail on series of several hosts.
    for (const q of prometheusQueries(dashboards)) {
      const a = await askPrometheus(centre, q.target, defaultValues(q.dashboard), {
        range: panelRange(q.panel, 600),
        scrapeInterval: 1,
      });
      if (a.error) problems.push(`all hosts: ${queryName(q)}: ${a.error}`);
    }
    for (const host of HOSTS) {
      for (const q of prometheusQueries(dashboards)) {
        // MIG devices exist on the MIG host only.
        if (MIG_ONLY.test(q.target.expr) && host !== 'gpu-node-03') continue;
        const values = { ...defaultValues(q.dashboard), host: chosenValue(host) };
        const a = await askPrometheus(centre, q.target, values, {
          range: panelRange(q.panel, 600),
          scrapeInterval: 1,
        });
        asked++;
        if (a.error) problems.push(`${host}: ${queryName(q)}: ${a.error}`);
        else if (a.series === 0) empty.push({ host, q, values });
        // Never another host's series.
        for (const l of a.labels)
          if (l['host'] !== undefined && l['host'] !== host)
            problems.push(`${host}: ${queryName(q)}: a series of ${l['host']}`);
      }
    }
    // A series of rare events (a Langfuse score every few minutes on a quiet host) may have had
    // none in the range: asked once more after 20 s, it must have some by then.
    if (empty.length > 0) await new Promise((r) => setTimeout(r, 20_000));
    for (const { host, q, values } of empty) {
      const a = await askPrometheus(centre, q.target, values, {
        range: panelRange(q.panel, 600),
        scrapeInterval: 1,
      });
      if (a.series === 0) problems.push(`${host}: ${queryName(q)}: no series`);
    }
    expect(asked).toBeGreaterThan(3 * 150);
    expect(problems).toEqual([]);
  });

  it('stops every host and the centre on Ctrl-C', async () => {
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(output).toMatch(/stopping the fleet…[\s\S]*\[demo\] stopped/);
  }, 120_000);
});

describe('the centre: an outage, and a host that stops', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmmon-outage-'));
  let vm: RunningVictoriaMetrics;
  let vmalert: RunningVmalert;
  let alertmanager: RunningAlertmanager;
  let kept: RunningDemo;
  let stopped: RunningPrometheus;
  let port: number;
  const start = () => startVictoriaMetrics({ port, dataDir: join(dir, 'vm'), logFile: join(dir, 'vm.log') });

  beforeAll(async () => {
    port = await freePort();
    vm = await start();
    alertmanager = await startAlertmanager({
      port: await freePort(),
      dataDir: join(dir, 'alertmanager'),
      config: renderAlertmanagerConfig(
        readFileSync(join(ROOT, 'infra/alertmanager/alertmanager.yml'), 'utf8'),
        undefined,
      ),
    });
    vmalert = await startVmalert({
      port: await freePort(),
      datasourceUrl: vm.url,
      remoteWriteUrl: vm.url,
      notifierUrl: alertmanager.url,
      rules: [join(ROOT, 'infra/fleet/rules/fleet.yml')],
      evaluationInterval: '10s',
      logFile: join(dir, 'vmalert.log'),
    });
    kept = await startDemo({ REMOTE_WRITE_URL: vm.writeUrl, DEMO_HOST_NAME: 'gpu-node-09' }, 180_000, [
      '--agent',
    ]);
    // The host that stops: all the centre ever sees of a host is its Prometheus remote-writing,
    // so a Prometheus that scrapes itself under the host's label stands for its whole stack.
    const stoppedPort = await freePort();
    stopped = await startPrometheus({
      port: stoppedPort,
      dataDir: join(dir, 'gpu-node-10'),
      config: renderPrometheusConfig(readFileSync(join(ROOT, 'infra/prometheus/prometheus.yml'), 'utf8'), {
        self: `127.0.0.1:${stoppedPort}`,
        alertmanager: alertmanager.url.replace('http://', ''),
        interval: '1s',
        host: 'gpu-node-10',
        remoteWriteUrl: vm.writeUrl,
      }),
    });
    await waitForQuery(vm.url, 'count by (host) (up)', (r) => r.length === 2);
  }, 420_000);

  afterAll(async () => {
    kept?.child.kill('SIGINT');
    await kept?.exited;
    kept?.cleanup();
    await stopped?.stop();
    for (const p of [vmalert, alertmanager, vm]) await p?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** vmalert's alerts: name, state and labels. */
  const centralAlerts = async () => {
    const body = (await (await fetch(`${vmalert.url}/api/v1/alerts`)).json()) as {
      // null while there are none (Go's nil slice).
      data: { alerts: { name: string; state: string; labels: Record<string, string> }[] | null };
    };
    return body.data.alerts ?? [];
  };

  it('one host stopped and the centre down for two minutes: the host is missing within 5 minutes, the other loses nothing', async () => {
    const from = Math.floor(Date.now() / 1000);
    await stopped.stop();
    await vm.stop();
    await new Promise((r) => setTimeout(r, 120_000));
    vm = await start();

    // HostMissing for the stopped host only, within 5 minutes of it stopping.
    let missing: string[] = [];
    while (Date.now() / 1000 - from < 300) {
      missing = (await centralAlerts())
        .filter((a) => a.name === 'HostMissing' && a.state === 'firing')
        .map((a) => a.labels['host']!);
      if (missing.length > 0) break;
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(missing).toEqual(['gpu-node-10']);

    // The kept host's samples over the outage: as many at the centre as in its own Prometheus.
    const to = Math.floor(Date.now() / 1000) - 5;
    const expr = `count_over_time(up{job="gpu", host="gpu-node-09"}[${to - from}s])`;
    const at = async (url: string) => Number((await queryPrometheus(url, expr, to))[0]?.value[1] ?? 0);
    const local = await at(kept.prometheus);
    expect(local).toBeGreaterThan(120); // a scrape a second for the whole outage
    let central = 0;
    const deadline = Date.now() + 90_000;
    while ((central = await at(vm.url)) < local && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 2000));
    expect(central).toBe(local);
    // And it keeps arriving; the kept host never went missing.
    await waitForQuery(
      vm.url,
      'time() - timestamp(up{job="gpu", host="gpu-node-09"}) < 5',
      (r) => r.length === 1,
    );
    // (Right after the restart its newest samples were still on their way: at most pending.)
    const hostsMissing = async () =>
      (await centralAlerts()).filter((a) => a.name === 'HostMissing').map((a) => a.labels['host']);
    const settle = Date.now() + 30_000;
    while ((await hostsMissing()).length > 1 && Date.now() < settle)
      await new Promise((r) => setTimeout(r, 2000));
    expect(await hostsMissing()).toEqual(['gpu-node-10']);
  }, 420_000);
});
