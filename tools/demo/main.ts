/**
 * `npm run demo`: the llmmon stack as native processes on this machine (no Docker): the
 * simulator (a digital twin of an 8x H200 server), the system, GPU, container, vLLM, LiteLLM
 * and Langfuse exporters reading the simulated server (or this machine with DEMO_HOST_SOURCE=real), and a real Prometheus
 * scraping them. Ctrl-C stops everything.
 *
 * Environment: SIMULATOR_PORT (23100), SYSTEM_EXPORTER_PORT (9100), GPU_EXPORTER_PORT (9445),
 * CONTAINER_EXPORTER_PORT (8080), VLLM_EXPORTER_PORT (9902), LITELLM_EXPORTER_PORT (9901),
 * LANGFUSE_EXPORTER_PORT (9903),
 * PROMETHEUS_PORT (23001), ALERTMANAGER_PORT (23003), and when their binaries are on PATH
 * GRAFANA_PORT (23000, with GRAFANA_ADMIN_PASSWORD), LOKI_PORT (23002), ALLOY_PORT (23004, --real only),
 * DEMO_DATA_DIR (.demo), DEMO_HOST_SOURCE (simulated | real), DEMO_ADMIN_TOKEN (the
 * simulator's control token; a random one by default), PROMETHEUS_SCRAPE_INTERVAL (30s),
 * PROMETHEUS_RULES_DIR (infra/prometheus/rules).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { env, loadConfigOrExit } from '@llmmon/metrics-core';
import { backfill } from './backfill';
import {
  checkGrafanaPassword,
  findObservability,
  startAlloy,
  startGrafana,
  startLoki,
  type Observability,
} from './observability';
import {
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
const EXPORTERS = [
  'system-exporter',
  'gpu-exporter',
  'container-exporter',
  'vllm-exporter',
  'litellm-exporter',
  'langfuse-exporter',
] as const;
const say = (msg: string) => console.log(`[demo] ${msg}`);

const port = (what: string, def: number) => env.int(`Port of ${what}.`, def, { min: 1, max: 65535 });
/** What the demo reads; a bad value exits 2 with one line naming the variable (metrics-core). */
const demoConfigSchema = {
  SIMULATOR_PORT: port('the simulator', 23100),
  SYSTEM_EXPORTER_PORT: port('the system exporter', 9100),
  GPU_EXPORTER_PORT: port('the GPU exporter', 9445),
  CONTAINER_EXPORTER_PORT: port('the container exporter', 8080),
  VLLM_EXPORTER_PORT: port('the vLLM exporter', 9902),
  LITELLM_EXPORTER_PORT: port('the LiteLLM exporter', 9901),
  LANGFUSE_EXPORTER_PORT: port('the Langfuse exporter', 9903),
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
};

async function assertPortFree(port: number, what: string): Promise<void> {
  const server = createServer();
  const free = await new Promise<boolean>((res) => {
    server.once('error', () => res(false));
    server.listen(port, '127.0.0.1', () => res(true));
  });
  if (free) await new Promise((r) => server.close(r));
  else {
    throw new Error(
      `port ${port} (${what}) is already in use. Stop whatever listens there ` +
        `(e.g. "systemctl stop prometheus-node-exporter prometheus") or choose another port.`,
    );
  }
}

const running: ManagedProcess[] = [];
let stopping = false;

/** Stops what was started (Prometheus first, so it does not log scrapes of a gone exporter). */
async function stopAll(code: number): Promise<void> {
  // A second Ctrl-C (or npm forwarding the first) while stopping must not exit before the
  // children are gone: that would leave them running, holding their ports.
  if (stopping) return;
  if (running.length > 0) {
    stopping = true;
    say('stopping…');
    for (const p of [...running].reverse()) await p.stop();
    say('stopped');
  }
  process.exit(code);
}

async function main() {
  // `npm run stack -- --real`: this machine instead of the simulated server (Alloy ships its Docker logs).
  const realFlag = process.argv.includes('--real');
  let observability: Observability = { missing: [] };
  const settings = loadConfigOrExit(demoConfigSchema, process.env, (c) => {
    observability = findObservability(realFlag || c.DEMO_HOST_SOURCE === 'real');
    checkGrafanaPassword(c.GRAFANA_ADMIN_PASSWORD, observability.grafana !== undefined);
  });
  const simulatorPort = settings.SIMULATOR_PORT;
  const exporterPort = settings.SYSTEM_EXPORTER_PORT;
  const gpuExporterPort = settings.GPU_EXPORTER_PORT;
  const containerExporterPort = settings.CONTAINER_EXPORTER_PORT;
  const vllmExporterPort = settings.VLLM_EXPORTER_PORT;
  const litellmExporterPort = settings.LITELLM_EXPORTER_PORT;
  const langfuseExporterPort = settings.LANGFUSE_EXPORTER_PORT;
  const prometheusPort = settings.PROMETHEUS_PORT;
  const alertmanagerPort = settings.ALERTMANAGER_PORT;
  const dataDir = resolve(ROOT, settings.DEMO_DATA_DIR);
  const hostSource = realFlag ? 'real' : settings.DEMO_HOST_SOURCE;
  const adminToken = settings.DEMO_ADMIN_TOKEN || randomBytes(12).toString('hex');
  // `npm run backfill -- --days 7 [--step 60]`: history first, then the live demo.
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const backfillDays = Number(arg('--days') ?? settings.DEMO_BACKFILL_DAYS);
  const backfillStepMs = Number(arg('--step') ?? settings.DEMO_BACKFILL_STEP_SECONDS) * 1000;
  if (!Number.isInteger(backfillDays) || backfillDays < 0 || backfillDays > 30)
    throw new Error('--days: expected a whole number of days from 0 to 30');
  if (!(backfillStepMs >= 5000)) throw new Error('--step: expected seconds, at least 5');
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
  for (const app of EXPORTERS) built(app);

  // What must exist is checked before anything starts, so a refusal leaves nothing behind.
  requireExecutable('prometheus', 'prometheus');
  requireExecutable('prometheus-alertmanager', 'prometheus-alertmanager');
  await assertPortFree(simulatorPort, 'simulator');
  await assertPortFree(exporterPort, 'system exporter');
  await assertPortFree(gpuExporterPort, 'GPU exporter');
  await assertPortFree(containerExporterPort, 'container exporter');
  await assertPortFree(vllmExporterPort, 'vLLM exporter');
  await assertPortFree(litellmExporterPort, 'LiteLLM exporter');
  await assertPortFree(langfuseExporterPort, 'Langfuse exporter');
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
  say(`starting the simulator (8x H200 digital twin) on ${simulatorUrl} …`);
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
  /** Starts one built exporter on loopback; `ready` waits for its /ready (else /health: real sources may never be ready). */
  const startExporter = (app: string, port: number, env: Record<string, string>, ready = sim !== undefined) =>
    startProcess({
      name: app,
      command: built(app),
      env: { HOST: '127.0.0.1', PORT: String(port), ...env },
      readyUrl: `http://127.0.0.1:${port}/${ready ? 'ready' : 'health'}`,
      logFile: join(dataDir, `logs/${app}.log`),
    });

  const exporterUrl = `http://127.0.0.1:${exporterPort}`;
  say(`starting system exporter on ${exporterUrl} (host: ${hostSource}) …`);
  const hostPaths: Record<string, string> = sim
    ? { PROCFS_PATH: sim.host.procfs, SYSFS_PATH: sim.host.sysfs, FILESYSTEM_STATFS_FILE: sim.host.statfs }
    : {};
  running.push(await startExporter('system-exporter', exporterPort, hostPaths, true));

  const gpuExporterUrl = `http://127.0.0.1:${gpuExporterPort}`;
  say(`starting GPU exporter on ${gpuExporterUrl} (GPUs: ${hostSource}) …`);
  // The simulated server's nvidia-smi, /proc and Docker API.
  const gpuSources: Record<string, string> = sim
    ? { NVIDIA_SMI_PATH: sim.nvidia_smi, HOST_PROC: sim.host.procfs, DOCKER_SOCKET: sim.docker.socket }
    : {};
  // While backfilling it reads the GPUs 5 times a second, so its background snapshot keeps up
  // with the simulator's clock; afterwards it is restarted at its normal pace.
  const startGpuExporter = (extraEnv: Record<string, string> = {}) =>
    startExporter('gpu-exporter', gpuExporterPort, { ...gpuSources, ...extraEnv });
  let gpuExporter = await startGpuExporter(backfillDays > 0 ? { GPU_REFRESH_SECONDS: '0.2' } : {});
  running.push(gpuExporter);

  const containerExporterUrl = `http://127.0.0.1:${containerExporterPort}`;
  say(`starting container exporter on ${containerExporterUrl} (Docker: ${hostSource}) …`);
  const dockerHost: Record<string, string> = sim ? { DOCKER_HOST: `unix://${sim.docker.socket}` } : {};
  running.push(await startExporter('container-exporter', containerExporterPort, dockerHost));

  const vllmExporterUrl = `http://127.0.0.1:${vllmExporterPort}`;
  say(`starting vLLM exporter on ${vllmExporterUrl} (vLLM: ${hostSource}) …`);
  running.push(await startExporter('vllm-exporter', vllmExporterPort, dockerHost));

  const litellmExporterUrl = `http://127.0.0.1:${litellmExporterPort}`;
  say(`starting LiteLLM exporter on ${litellmExporterUrl} (LiteLLM: ${hostSource}) …`);
  // The simulated proxy, its key and Hub mirror; on this machine, LITELLM_URL and LITELLM_API_KEY if set.
  const litellm: Record<string, string> = sim
    ? {
        LITELLM_URL: sim.litellm.url,
        LITELLM_API_KEY: 'sk-llmmon-simulator',
        HF_URL: sim.huggingface.url,
        HF_CACHE_DIR: join(dataDir, 'hf-cache'),
      }
    : { LITELLM_API_KEY: process.env['LITELLM_API_KEY'] || 'sk-unset' };
  running.push(await startExporter('litellm-exporter', litellmExporterPort, litellm));

  const langfuseExporterUrl = `http://127.0.0.1:${langfuseExporterPort}`;
  say(`starting Langfuse exporter on ${langfuseExporterUrl} (Langfuse: ${hostSource}) …`);
  // The simulated Langfuse and its project keys; on this machine, LANGFUSE_* if set.
  const langfuse: Record<string, string> = sim
    ? {
        LANGFUSE_URL: sim.langfuse.url,
        LANGFUSE_PUBLIC_KEY: 'pk-lf-llmmon-sim',
        LANGFUSE_SECRET_KEY: 'sk-lf-llmmon-sim',
      }
    : {
        LANGFUSE_PUBLIC_KEY: process.env['LANGFUSE_PUBLIC_KEY'] || 'pk-lf-unset',
        LANGFUSE_SECRET_KEY: process.env['LANGFUSE_SECRET_KEY'] || 'sk-lf-unset',
      };
  running.push(await startExporter('langfuse-exporter', langfuseExporterPort, langfuse));

  const targets: Record<string, { targets: string[]; labels: Record<string, string> }[]> = {
    system: [{ targets: [`127.0.0.1:${exporterPort}`], labels: { exporter: 'system-exporter' } }],
    gpu: [{ targets: [`127.0.0.1:${gpuExporterPort}`], labels: { exporter: 'gpu-exporter' } }],
    containers: [
      { targets: [`127.0.0.1:${containerExporterPort}`], labels: { exporter: 'container-exporter' } },
    ],
    vllm: [{ targets: [`127.0.0.1:${vllmExporterPort}`], labels: { exporter: 'vllm-exporter' } }],
    litellm: [{ targets: [`127.0.0.1:${litellmExporterPort}`], labels: { exporter: 'litellm-exporter' } }],
    langfuse: [{ targets: [`127.0.0.1:${langfuseExporterPort}`], labels: { exporter: 'langfuse-exporter' } }],
  };

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
            url: `http://${instance}/metrics`,
            labels: g.labels,
          })),
        ),
      ),
      fromMs: backfillFromMs,
      toMs: () => Date.now(),
      stepMs: backfillStepMs,
      tsdbDir: join(dataDir, 'prometheus', 'tsdb'),
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
    await gpuExporter.stop();
    running.splice(running.indexOf(gpuExporter), 1);
    gpuExporter = await startGpuExporter();
    running.push(gpuExporter);
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

  const interval = settings.PROMETHEUS_SCRAPE_INTERVAL;
  let config = readFileSync(join(ROOT, 'infra/prometheus/prometheus.yml'), 'utf8')
    .replace("'localhost:23001'", `'127.0.0.1:${prometheusPort}'`)
    .replace("'alertmanager:9093'", `'127.0.0.1:${alertmanagerPort}'`);
  // A shorter interval (tests) also shortens the timeout, which must not exceed it.
  if (interval)
    config = config.replace(
      /^(\s+)(scrape_interval|scrape_timeout|evaluation_interval): .*$/gm,
      `$1$2: ${interval}`,
    );

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
  console.log(
    [
      '',
      '  llmmon demo is running:',
      `    simulator         ${simulatorUrl}/api/v1/scenario   (admin token: ${adminToken})`,
      `    system exporter   ${exporterUrl}/metrics   (host: ${hostSource})`,
      `    GPU exporter      ${gpuExporterUrl}/metrics`,
      `    container exp.    ${containerExporterUrl}/metrics   ${containerExporterUrl}/api/v1/containers`,
      `    vLLM exporter     ${vllmExporterUrl}/metrics   ${vllmExporterUrl}/api/v1/targets`,
      `    LiteLLM exporter  ${litellmExporterUrl}/metrics   ${litellmExporterUrl}/api/v1/models`,
      `    Langfuse exporter ${langfuseExporterUrl}/metrics`,
      `    Prometheus        ${prometheus.url}   alerts: ${prometheus.url}/alerts`,
      `    Alertmanager      ${alertmanager.url}`,
      ...(grafanaUrl ? [`    Grafana           ${grafanaUrl}   (user admin, GRAFANA_ADMIN_PASSWORD)`] : []),
      ...(observability.loki ? [`    Loki              ${lokiUrl}`] : []),
      `    CPU busy (%)      ${prometheus.url}/graph?g0.expr=${encodeURIComponent(query)}&g0.tab=0`,
      `    logs              ${join(dataDir, 'logs')}`,
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
  const up = await waitForQuery(
    prometheus.url,
    'up{job=~"system|gpu|containers|vllm|litellm|langfuse"} == 1',
    (r) => r.length === 6,
    120_000,
  ).catch((err: unknown) => {
    say(`no successful scrape of every exporter yet: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  });
  if (up) say('first scrape done: Prometheus sees every exporter as up');
}

main().catch((err: unknown) => {
  console.error(`[demo] ${err instanceof Error ? err.message : String(err)}`);
  void stopAll(1);
});
