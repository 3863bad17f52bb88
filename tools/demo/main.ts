/**
 * `npm run demo`: the llmmon stack as native processes on this machine (no Docker): the
 * simulator (a digital twin of an 8x H200 server), the six exporters of libs/topology reading
 * the simulated server (or this machine with DEMO_HOST_SOURCE=real), each its own process or
 * all in one agent (`-- --agent`), and a real Prometheus scraping them. Ctrl-C stops everything.
 *
 * Environment: SIMULATOR_PORT (23100), each exporter's port (SYSTEM_EXPORTER_PORT 9100 …, see
 * libs/topology), AGENT_PORT (9900, with --agent),
 * PROMETHEUS_PORT (23001), ALERTMANAGER_PORT (23003), and when their binaries are on PATH
 * GRAFANA_PORT (23000, with GRAFANA_ADMIN_PASSWORD), LOKI_PORT (23002), ALLOY_PORT (23004, --real only),
 * DEMO_DATA_DIR (.demo), DEMO_HOST_SOURCE (simulated | real), DEMO_ADMIN_TOKEN (the
 * simulator's control token; a random one by default), PROMETHEUS_SCRAPE_INTERVAL (30s),
 * PROMETHEUS_RULES_DIR (infra/prometheus/rules), DEMO_HOST_NAME (the `host` label; this
 * machine's hostname), REMOTE_WRITE_URL (ship every series to a central store),
 * with REMOTE_WRITE_BEARER_TOKEN_FILE or REMOTE_WRITE_USERNAME/_PASSWORD_FILE and
 * REMOTE_WRITE_CA_FILE for a centre behind auth; DEMO_SITE and DEMO_CLUSTER (optional labels
 * beside host); BACKFILL_IMPORT_URL (backfilled history to a central VictoriaMetrics too).
 * `-- --hosts N`: a fleet instead (tools/demo/fleet.ts), VictoriaMetrics on VICTORIA_METRICS_PORT
 * (23005); with `npm run backfill` each host's history reaches the centre as well.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { AGENT_PORT, ConfigError, env, loadConfigOrExit, type VarSpec } from '@llmmon/metrics-core';
import { TOPOLOGY, simulatedEnv, type ExporterTopology } from '@llmmon/topology';
import { backfill } from './backfill';
import { startFleet } from './fleet';
import { identityLabels, renderPrometheusConfig, shippedFilter } from './prometheus-config';
import {
  checkGrafanaPassword,
  findObservability,
  startAlloy,
  startGrafana,
  startLoki,
  type Observability,
} from './observability';
import {
  isPortFree,
  startPrometheus,
  startProcess,
  waitForQuery,
  simulatorUpstreams,
  type ManagedProcess,
  requireExecutable,
  renderAlertmanagerConfig,
  startAlertmanager,
} from '@llmmon/native-stack';

const ROOT = resolve(__dirname, '../..');
const say = (msg: string) => console.log(`[demo] ${msg}`);

const port = (what: string, def: number) => env.int(`Port of ${what}.`, def, { min: 1, max: 65535 });
/** What the demo reads; a bad value exits 2 with one line naming the variable (metrics-core). */
const exporterPorts = Object.fromEntries(
  TOPOLOGY.map((t) => [t.portVariable, port(`the ${t.definition.name} exporter`, t.definition.port)]),
) as Record<string, VarSpec<number>>;
const demoConfigSchema = {
  SIMULATOR_PORT: port('the simulator', 23100),
  ...exporterPorts,
  AGENT_PORT: port('the agent (--agent: all six exporters in one process)', AGENT_PORT),
  PROMETHEUS_PORT: port('Prometheus', 23001),
  ALERTMANAGER_PORT: port('Alertmanager', 23003),
  GRAFANA_PORT: port('Grafana (started when on PATH)', 23000),
  GRAFANA_ADMIN_PASSWORD: env.secret(
    "Grafana's admin password, 12 characters or more (required when Grafana is on PATH).",
  ),
  LOKI_PORT: port('Loki (started when Grafana Loki is on PATH)', 23002),
  ALLOY_PORT: port('Grafana Alloy (--real, when on PATH)', 23004),
  ALERT_WEBHOOK_URL: env.url('Where Alertmanager posts notifications (a webhook); unset: sent nowhere.'),
  ALERTMANAGER_CONFIG: env.string(
    'Alertmanager configuration template (default: infra/alertmanager/alertmanager.yml; tests use a time-compressed copy).',
  ),
  DEMO_DATA_DIR: env.string('Data and logs, relative to the repository.', '.demo'),
  DEMO_HOST_SOURCE: env.oneOf(
    'What the exporters read: the simulated server or this machine.',
    ['simulated', 'real'] as const,
    'simulated',
  ),
  DEMO_ADMIN_TOKEN: env.string("The simulator's control token (random by default)."),
  PROMETHEUS_SCRAPE_INTERVAL: env.string('Scrape interval, e.g. 1s (default: prometheus.yml).'),
  DEMO_BACKFILL_DAYS: env.int(
    'Days of history to backfill before Prometheus starts (npm run backfill -- --days N).',
    0,
    {
      min: 0,
      max: 30,
    },
  ),
  DEMO_BACKFILL_STEP_SECONDS: env.seconds('Seconds between backfilled scrapes (the scrape interval).', 30, {
    min: 5,
    max: 3600,
  }),
  PROMETHEUS_RULES_DIR: env.string(
    'Alert and recording rules to load (default: infra/prometheus/rules; tests load time-compressed copies).',
  ),
  DEMO_HOST_NAME: env.parsed(
    "The host label of every series (this machine's hostname by default).",
    hostname(),
    (raw) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(raw))
        throw new Error('expected a host name: letters, digits, dots, dashes, underscores');
      return raw;
    },
  ),
  DEMO_SITE: env.string('An optional site label of every series, beside host (e.g. a data centre).'),
  DEMO_CLUSTER: env.string('An optional cluster label of every series, beside host.'),
  VICTORIA_METRICS_PORT: port('VictoriaMetrics, the centre of a fleet (--hosts N)', 23005),
  BACKFILL_IMPORT_URL: env.url(
    "Also send the backfilled history to this VictoriaMetrics import URL (http://centre:8428/api/v1/import/prometheus): a fleet's centre.",
  ),
  REMOTE_WRITE_URL: env.url(
    "A central store's Prometheus remote-write URL (VictoriaMetrics: http://centre:8428/api/v1/write); unset: nothing is shipped.",
  ),
  REMOTE_WRITE_BEARER_TOKEN_FILE: env.string('A file holding the bearer token the central store asks for.'),
  REMOTE_WRITE_USERNAME: env.string(
    'Basic auth user for the central store (with REMOTE_WRITE_PASSWORD_FILE).',
  ),
  REMOTE_WRITE_PASSWORD_FILE: env.string("A file holding that user's password."),
  REMOTE_WRITE_CA_FILE: env.string("The CA certificate that signed the central store's TLS certificate."),
};

async function assertPortFree(port: number, what: string): Promise<void> {
  if (!(await isPortFree(port)))
    throw new Error(
      `port ${port} (${what}) is already in use. Stop whatever listens there ` +
        `(e.g. "systemctl stop prometheus-node-exporter prometheus") or choose another port.`,
    );
}

const running: ManagedProcess[] = [];
let stopping = false;

/** Stops what was started (Prometheus first, so it does not log scrapes of a gone exporter). */
async function stopAll(code: number): Promise<void> {
  // A second Ctrl-C (or npm forwarding the first) while stopping must not exit before the
  // children are gone: that would leave them running, holding their ports.
  if (stopping) return;
  if (stopFleet) {
    stopping = true;
    say('stopping the fleet…');
    await stopFleet();
    say('stopped');
  }
  if (running.length > 0) {
    stopping = true;
    say('stopping…');
    for (const p of [...running].reverse()) await p.stop();
    say('stopped');
  }
  process.exit(code);
}

/** One way to authenticate to the centre, and a password only with its user. */
function checkRemoteWriteAuth(c: {
  REMOTE_WRITE_BEARER_TOKEN_FILE?: string;
  REMOTE_WRITE_USERNAME?: string;
  REMOTE_WRITE_PASSWORD_FILE?: string;
}): void {
  if (c.REMOTE_WRITE_BEARER_TOKEN_FILE && c.REMOTE_WRITE_USERNAME)
    throw new ConfigError('REMOTE_WRITE_USERNAME', 'set a bearer token file or basic auth, not both');
  if (!c.REMOTE_WRITE_USERNAME !== !c.REMOTE_WRITE_PASSWORD_FILE)
    throw new ConfigError(
      c.REMOTE_WRITE_USERNAME ? 'REMOTE_WRITE_PASSWORD_FILE' : 'REMOTE_WRITE_USERNAME',
      'basic auth needs both REMOTE_WRITE_USERNAME and REMOTE_WRITE_PASSWORD_FILE',
    );
}

/** `npm run backfill -- --days 7 [--step 60]`: history first, then the live demo (or fleet). */
function historyOf(settings: DemoSettings): { days: number; stepMs: number } {
  const arg = (name: string) => {
    // The last: `npm run backfill -- --days 1` follows the script's own `--days 7`.
    const i = process.argv.lastIndexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const days = Number(arg('--days') ?? settings.DEMO_BACKFILL_DAYS);
  const stepMs = Number(arg('--step') ?? settings.DEMO_BACKFILL_STEP_SECONDS) * 1000;
  if (!Number.isInteger(days) || days < 0 || days > 30)
    throw new Error('--days: expected a whole number of days from 0 to 30');
  if (!(stepMs >= 5000)) throw new Error('--step: expected seconds, at least 5');
  return { days, stepMs };
}

async function main() {
  // `npm run stack -- --real`: this machine instead of the simulated server (Alloy ships its Docker logs).
  const realFlag = process.argv.includes('--real');
  let observability: Observability = { missing: [] };
  const settings = loadConfigOrExit(demoConfigSchema, process.env, (c) => {
    observability = findObservability(realFlag || c.DEMO_HOST_SOURCE === 'real');
    checkGrafanaPassword(c.GRAFANA_ADMIN_PASSWORD, observability.grafana !== undefined);
    checkRemoteWriteAuth(c);
  });
  // `npm run demo -- --hosts N`: N simulated hosts shipping to VictoriaMetrics.
  const hostsArg = process.argv.indexOf('--hosts');
  if (hostsArg > 0) return runFleet(Number(process.argv[hostsArg + 1]), settings, historyOf(settings));
  const simulatorPort = settings.SIMULATOR_PORT;
  const host = settings.DEMO_HOST_NAME;
  const identity = identityLabels({ host, site: settings.DEMO_SITE, cluster: settings.DEMO_CLUSTER });
  // `npm run demo -- --agent`: the six exporters in one process, each at /metrics/<name>.
  const agentMode = process.argv.includes('--agent');
  const portOf = (t: ExporterTopology) => (settings as unknown as Record<string, number>)[t.portVariable]!;
  const prometheusPort = settings.PROMETHEUS_PORT;
  const alertmanagerPort = settings.ALERTMANAGER_PORT;
  const dataDir = resolve(ROOT, settings.DEMO_DATA_DIR);
  const hostSource = realFlag ? 'real' : settings.DEMO_HOST_SOURCE;
  const adminToken = settings.DEMO_ADMIN_TOKEN || randomBytes(12).toString('hex');
  const { days: backfillDays, stepMs: backfillStepMs } = historyOf(settings);
  if (backfillDays > 0 && hostSource !== 'simulated')
    throw new Error('backfill needs the simulated server (its clock is driven through the past)');
  const backfillFromMs = Date.now() - backfillDays * 86_400_000;
  const built = (app: string) => {
    const main = join(ROOT, 'dist/apps', app, 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npx nx build ${app}"`);
    return main;
  };
  // Every build must exist before anything starts.
  const simulatorMain = built('simulator');
  if (agentMode) built('agent');
  else for (const t of TOPOLOGY) built(t.app);

  // What must exist is checked before anything starts, so a refusal leaves nothing behind.
  requireExecutable('prometheus', 'prometheus');
  requireExecutable('prometheus-alertmanager', 'prometheus-alertmanager');
  await assertPortFree(simulatorPort, 'simulator');
  if (agentMode) await assertPortFree(settings.AGENT_PORT, 'agent');
  else for (const t of TOPOLOGY) await assertPortFree(portOf(t), `${t.definition.name} exporter`);
  await assertPortFree(prometheusPort, 'Prometheus');
  await assertPortFree(alertmanagerPort, 'Alertmanager');
  if (observability.grafana) await assertPortFree(settings.GRAFANA_PORT, 'Grafana');
  if (observability.loki) await assertPortFree(settings.LOKI_PORT, 'Loki');
  if (observability.alloy) await assertPortFree(settings.ALLOY_PORT, 'Alloy');
  for (const line of observability.missing) say(`not started: ${line}`);

  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const lokiUrl = `http://127.0.0.1:${settings.LOKI_PORT}`;
  if (observability.loki) {
    say(`starting Loki on ${lokiUrl} …`);
    running.push(
      await startLoki({
        binary: observability.loki,
        port: settings.LOKI_PORT,
        runDir: join(dataDir, 'loki'),
        logFile: join(dataDir, 'logs/loki.log'),
      }),
    );
  }
  if (observability.alloy && observability.loki) {
    say(`starting Alloy on http://127.0.0.1:${settings.ALLOY_PORT} (Docker logs → Loki) …`);
    running.push(
      await startAlloy({
        binary: observability.alloy,
        port: settings.ALLOY_PORT,
        runDir: join(dataDir, 'alloy'),
        lokiUrl,
        logFile: join(dataDir, 'logs/alloy.log'),
      }),
    );
  }

  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const simDir = join(dataDir, 'simulator');
  say(`starting the simulator (${process.env['SIM_LAYOUT'] ?? 'standard'} layout) on ${simulatorUrl} …`);
  running.push(
    await startProcess({
      name: 'simulator',
      command: simulatorMain,
      env: {
        HOST: '127.0.0.1',
        PORT: String(simulatorPort),
        SIM_DATA_DIR: simDir,
        ADMIN_TOKEN: adminToken,
        // The simulated containers' logs go to Loki, as Alloy would ship real ones.
        ...(observability.loki ? { SIM_LOKI_URL: lokiUrl } : {}),
        // Backfill: start in the past on a manual clock; it is driven to now, then runs in real time.
        ...(backfillDays > 0
          ? {
              SIM_CLOCK: 'manual',
              SIM_START_TIME: new Date(backfillFromMs).toISOString(),
              // One clock move per backfilled scrape: far past the interactive limit.
              CONTROL_RATE_LIMIT_PER_MINUTE: '1000000',
            }
          : {}),
      },
      readyUrl: `${simulatorUrl}/ready`,
      logFile: join(dataDir, 'logs/simulator.log'),
    }),
  );

  // Where the simulated server's parts answer (asked once); on this machine, nothing to point at.
  const sim = hostSource === 'simulated' ? await simulatorUpstreams(simulatorUrl) : undefined;
  /** What an exporter reads: the simulated server, or this machine (keys from the environment, if set). */
  const upstreamEnv = (t: ExporterTopology): Record<string, string> =>
    sim
      ? t.simulated(sim, dataDir)
      : {
          LITELLM_API_KEY: process.env['LITELLM_API_KEY'] || 'sk-unset',
          LANGFUSE_PUBLIC_KEY: process.env['LANGFUSE_PUBLIC_KEY'] || 'pk-lf-unset',
          LANGFUSE_SECRET_KEY: process.env['LANGFUSE_SECRET_KEY'] || 'sk-lf-unset',
        };
  /** Starts one built app on loopback; `ready` waits for its /ready (else /health: real sources may never be ready). */
  const startApp = (app: string, port: number, env: Record<string, string>, ready = sim !== undefined) =>
    startProcess({
      name: app,
      command: built(app),
      env: { HOST: '127.0.0.1', PORT: String(port), ...env },
      readyUrl: `http://127.0.0.1:${port}/${ready ? 'ready' : 'health'}`,
      logFile: join(dataDir, `logs/${app}.log`),
    });
  // While backfilling the GPUs are read 5 times a second, so the GPU exporter's background
  // snapshot keeps up with the simulator's clock; afterwards it is restarted at its normal pace.
  const backfillEnv: Record<string, string> = backfillDays > 0 ? { GPU_REFRESH_SECONDS: '0.2' } : {};
  /** The processes that serve the exporters, and how Prometheus finds each job there. */
  const startExporters = async (extraEnv: Record<string, string>) => {
    if (agentMode) {
      const env = sim ? { ...simulatedEnv(sim, dataDir) } : Object.assign({}, ...TOPOLOGY.map(upstreamEnv));
      say(`starting the agent (six exporters, one process) on http://127.0.0.1:${settings.AGENT_PORT} …`);
      return [await startApp('agent', settings.AGENT_PORT, { ...env, ...extraEnv })];
    }
    const started: ManagedProcess[] = [];
    for (const t of TOPOLOGY) {
      say(
        `starting the ${t.definition.name} exporter on http://127.0.0.1:${portOf(t)} (reading: ${hostSource}) …`,
      );
      // The system exporter is ready as soon as it has read /proc, simulated or not.
      const ready = sim !== undefined || t.definition.name === 'system';
      started.push(await startApp(t.app, portOf(t), { ...upstreamEnv(t), ...extraEnv }, ready));
    }
    return started;
  };
  let exporters = await startExporters(backfillEnv);
  running.push(...exporters);

  const targets: Record<string, { targets: string[]; labels?: Record<string, string> }[]> =
    Object.fromEntries(
      TOPOLOGY.map((t) => [
        t.job,
        agentMode
          ? [
              {
                targets: [`127.0.0.1:${settings.AGENT_PORT}`],
                labels: { __metrics_path__: `/metrics/${t.definition.name}`, ...identity },
              },
            ]
          : [{ targets: [`127.0.0.1:${portOf(t)}`], labels: identity }],
      ]),
    );

  if (backfillDays > 0) {
    say(`backfilling ${backfillDays} day(s) of history, a scrape every ${backfillStepMs / 1000} s …`);
    let shown = -1;
    const result = await backfill({
      simulator: simulatorUrl,
      adminToken,
      targets: Object.entries(targets).flatMap(([job, groups]) =>
        groups.flatMap((g) =>
          g.targets.map((instance) => ({
            job,
            instance,
            url: `http://${instance}${g.labels?.['__metrics_path__'] ?? '/metrics'}`,
            labels: identity,
          })),
        ),
      ),
      fromMs: backfillFromMs,
      toMs: () => Date.now(),
      stepMs: backfillStepMs,
      tsdbDir: join(dataDir, 'prometheus', 'tsdb'),
      importUrls: settings.BACKFILL_IMPORT_URL ? [settings.BACKFILL_IMPORT_URL] : [],
      importFilter: shippedFilter(),
      workDir: join(dataDir, 'backfill'),
      onProgress: (atMs, done, total) => {
        const percent = Math.floor((100 * done) / total);
        if (percent === shown) return;
        shown = percent;
        const bar = '#'.repeat(Math.round(percent / 3.4)).padEnd(30, '.');
        process.stdout.write(`\r[demo] ${bar} ${percent}%  ${new Date(atMs).toISOString().slice(0, 16)}Z`);
      },
    });
    process.stdout.write('\n');
    say(
      `backfilled ${result.steps} scrapes (${result.samples} samples); the simulator now runs in real time`,
    );
    // The backfill stops a step or two short of now: catch up first, or the simulated server
    // would run that far behind the real clock (and Langfuse's traces look older than they are).
    for (const clock of [{ mode: 'manual', time: new Date().toISOString() }, { mode: 'realtime' }]) {
      const live = await fetch(`${simulatorUrl}/api/v1/clock`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(clock),
      });
      if (!live.ok) throw new Error(`the simulator refused to run in real time: ${await live.text()}`);
    }
    // Back to the normal pace: the processes that read GPUs start again without the backfill's setting.
    for (const p of exporters.filter((e) => e.name === 'gpu-exporter' || e.name === 'agent')) {
      await p.stop();
      running.splice(running.indexOf(p), 1);
    }
    const restarted = agentMode
      ? await startExporters({})
      : [
          await startApp(
            'gpu-exporter',
            portOf(TOPOLOGY.find((t) => t.job === 'gpu')!),
            upstreamEnv(TOPOLOGY.find((t) => t.job === 'gpu')!),
          ),
        ];
    exporters = [...exporters.filter((e) => e.name !== 'gpu-exporter' && e.name !== 'agent'), ...restarted];
    running.push(...restarted);
  }

  say(`starting Alertmanager on http://127.0.0.1:${alertmanagerPort} …`);
  const alertmanagerTemplate = readFileSync(
    settings.ALERTMANAGER_CONFIG
      ? resolve(ROOT, settings.ALERTMANAGER_CONFIG)
      : join(ROOT, 'infra/alertmanager/alertmanager.yml'),
    'utf8',
  );
  const alertmanager = await startAlertmanager({
    port: alertmanagerPort,
    dataDir: join(dataDir, 'alertmanager'),
    config: renderAlertmanagerConfig(alertmanagerTemplate, settings.ALERT_WEBHOOK_URL),
    logFile: join(dataDir, 'logs/alertmanager.log'),
  });
  running.push(alertmanager);
  if (!settings.ALERT_WEBHOOK_URL) say('ALERT_WEBHOOK_URL is not set: alerts are shown, not sent anywhere');

  const config = renderPrometheusConfig(readFileSync(join(ROOT, 'infra/prometheus/prometheus.yml'), 'utf8'), {
    self: `127.0.0.1:${prometheusPort}`,
    alertmanager: `127.0.0.1:${alertmanagerPort}`,
    interval: settings.PROMETHEUS_SCRAPE_INTERVAL,
    host,
    site: settings.DEMO_SITE,
    cluster: settings.DEMO_CLUSTER,
    remoteWriteUrl: settings.REMOTE_WRITE_URL,
    remoteWriteAuth: {
      bearerTokenFile: settings.REMOTE_WRITE_BEARER_TOKEN_FILE,
      username: settings.REMOTE_WRITE_USERNAME,
      passwordFile: settings.REMOTE_WRITE_PASSWORD_FILE,
      caFile: settings.REMOTE_WRITE_CA_FILE,
    },
  });
  if (settings.REMOTE_WRITE_URL)
    say(`shipping every series to ${settings.REMOTE_WRITE_URL} (host="${host}")`);

  say(`starting Prometheus on http://127.0.0.1:${prometheusPort} (data in ${dataDir}/prometheus) …`);
  const prometheus = await startPrometheus({
    port: prometheusPort,
    dataDir: join(dataDir, 'prometheus'),
    config,
    rulesDir: settings.PROMETHEUS_RULES_DIR
      ? resolve(ROOT, settings.PROMETHEUS_RULES_DIR)
      : join(ROOT, 'infra/prometheus/rules'),
    targets,
    logFile: join(dataDir, 'logs/prometheus.log'),
  });
  running.push(prometheus);

  let grafanaUrl: string | undefined;
  if (observability.grafana) {
    grafanaUrl = `http://127.0.0.1:${settings.GRAFANA_PORT}`;
    say(`starting Grafana on ${grafanaUrl} …`);
    running.push(
      await startGrafana({
        binary: observability.grafana,
        port: settings.GRAFANA_PORT,
        runDir: join(dataDir, 'grafana'),
        password: settings.GRAFANA_ADMIN_PASSWORD!,
        prometheusUrl: prometheus.url,
        alertmanagerUrl: alertmanager.url,
        lokiUrl: observability.loki ? lokiUrl : undefined,
        logFile: join(dataDir, 'logs/grafana.log'),
      }),
    );
  }

  const query = '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[1m])))';
  const apis: Record<string, string> = {
    container: '/api/v1/containers',
    vllm: '/api/v1/targets',
    litellm: '/api/v1/models',
  };
  const exporterLines = TOPOLOGY.map((t) => {
    const name = t.definition.name;
    const base = agentMode ? `http://127.0.0.1:${settings.AGENT_PORT}` : `http://127.0.0.1:${portOf(t)}`;
    const metrics = agentMode ? `${base}/metrics/${name}` : `${base}/metrics`;
    const api = apis[name] ? `   ${base}${agentMode ? `/${name}` : ''}${apis[name]}` : '';
    return `    ${`${name} exporter`.padEnd(20)}${metrics}${api}`;
  });
  console.log(
    [
      '',
      `  llmmon demo is running (reading: ${hostSource}${agentMode ? '; the exporters in one agent' : ''}):`,
      `    simulator           ${simulatorUrl}/api/v1/scenario   (admin token: ${adminToken})`,
      ...exporterLines,
      `    Prometheus          ${prometheus.url}   alerts: ${prometheus.url}/alerts`,
      `    Alertmanager        ${alertmanager.url}`,
      ...(grafanaUrl ? [`    Grafana             ${grafanaUrl}   (user admin, GRAFANA_ADMIN_PASSWORD)`] : []),
      ...(observability.loki ? [`    Loki                ${lokiUrl}`] : []),
      `    CPU busy (%)        ${prometheus.url}/graph?g0.expr=${encodeURIComponent(query)}&g0.tab=0`,
      `    logs                ${join(dataDir, 'logs')}`,
      '',
      '  Switch the simulated server to another scenario:',
      `    curl -X PUT -H 'Authorization: Bearer ${adminToken}' -H 'Content-Type: application/json' \\`,
      `      -d '{"scenario":"high_load"}' ${simulatorUrl}/api/v1/scenario`,
      '',
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  say('waiting for the first scrape (up to one scrape interval) …');
  const jobs = TOPOLOGY.map((t) => t.job);
  const up = await waitForQuery(
    prometheus.url,
    `up{job=~"${jobs.join('|')}"} == 1`,
    (r) => r.length === jobs.length,
    120_000,
  ).catch((err: unknown) => {
    say(`no successful scrape of every exporter yet: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });
  if (up) say('first scrape done: Prometheus sees every exporter as up');
}

type DemoSettings = ReturnType<typeof loadConfigOrExit<typeof demoConfigSchema>>;

async function runFleet(n: number, settings: DemoSettings, history: { days: number; stepMs: number }) {
  if (!Number.isInteger(n) || n < 1 || n > 10)
    throw new Error('--hosts: expected a number of hosts from 1 to 10');
  const dataDir = resolve(ROOT, settings.DEMO_DATA_DIR, 'fleet');
  await assertPortFree(settings.VICTORIA_METRICS_PORT, 'VictoriaMetrics');
  const adminToken = settings.DEMO_ADMIN_TOKEN || randomBytes(12).toString('hex');
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  const fleet = await startFleet({
    hosts: n,
    dataDir,
    centrePort: settings.VICTORIA_METRICS_PORT,
    env: {
      DEMO_ADMIN_TOKEN: adminToken,
      // `npm run backfill -- --hosts N`: each host's history in its Prometheus and at the centre.
      ...(history.days > 0
        ? {
            DEMO_BACKFILL_DAYS: String(history.days),
            DEMO_BACKFILL_STEP_SECONDS: String(history.stepMs / 1000),
          }
        : {}),
    },
    backfill: history.days > 0,
    say,
    webhookUrl: settings.ALERT_WEBHOOK_URL,
    onStop: (stop) => (stopFleet = stop),
    main: join(ROOT, 'tools/demo/main.ts'),
    root: ROOT,
  });
  const q = (expr: string) => `${fleet.centre.url}/vmui/#/?g0.expr=${encodeURIComponent(expr)}`;
  console.log(
    [
      '',
      `  llmmon fleet demo is running: ${n} simulated host(s) shipping to VictoriaMetrics`,
      `    centre (PromQL)     ${fleet.centre.url}/api/v1/query   remote write: ${fleet.centre.url}/api/v1/write`,
      `    hosts up            ${q('count by (host) (up == 1)')}`,
      `    centre's alerts     ${fleet.vmalert}/api/v1/alerts   (HostMissing …; Alertmanager ${fleet.alertmanager})`,
      ...fleet.hosts.map(
        (h) =>
          `    ${h.name.padEnd(20)}Prometheus ${h.prometheus}   simulator ${h.simulator} (${h.layout}, admin token ${adminToken})`,
      ),
      `    logs                ${join(dataDir, 'logs')} and ${join(dataDir, 'hosts/<host>/logs')}`,
      '',
      '  Point a Grafana Prometheus datasource at the centre to see every host. Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/** Set in fleet mode: stops the hosts, then the centre. */
let stopFleet: (() => Promise<void>) | undefined;

main().catch((err: unknown) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  void stopAll(1);
});
