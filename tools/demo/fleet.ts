/**
 * `npm run demo -- --hosts N`: a fleet on this machine. VictoriaMetrics is the centre; each of
 * the N simulated hosts is a demo of its own (simulator with its own seed and layout, the
 * agent, Prometheus with the rules and an Alertmanager: alerts keep working without the
 * centre) remote-writing every series to it under its own `host` label.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  renderAlertmanagerConfig,
  startAlertmanager,
  startVictoriaMetrics,
  startVmalert,
  waitForQuery,
  type ManagedProcess,
} from '@llmmon/native-stack';
import { TOPOLOGY } from '@llmmon/topology';

/** The simulated hosts, by position: each its own name, world (seed) and GPU layout. */
const LAYOUTS = ['standard', 'dense', 'mig', 'h100'] as const;
export interface FleetHost {
  readonly name: string;
  readonly seed: number;
  readonly layout: (typeof LAYOUTS)[number];
}
export function fleetHosts(n: number): FleetHost[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `gpu-node-${String(i + 1).padStart(2, '0')}`,
    seed: 42 + i,
    layout: LAYOUTS[i % LAYOUTS.length]!,
  }));
}

export interface FleetOptions {
  readonly hosts: number;
  readonly dataDir: string;
  readonly centrePort: number;
  /** Passed to every host (scrape interval, admin token, days of history). */
  readonly env: Record<string, string>;
  /** Each host backfills history (env) first: into its Prometheus and the centre's import API. */
  readonly backfill?: boolean;
  readonly say: (msg: string) => void;
  /** Where the centre's Alertmanager posts (ALERT_WEBHOOK_URL); none: held, sent nowhere. */
  readonly webhookUrl?: string;
  /** Receives the fleet's stop as soon as there is something to stop (Ctrl-C during start-up). */
  readonly onStop: (stop: () => Promise<void>) => void;
  /** The runner's own entry point, started once per host with --agent. */
  readonly main: string;
  readonly root: string;
}

export interface RunningFleet {
  readonly centre: ManagedProcess & { url: string };
  /** The centre's rules (vmalert) and its Alertmanager. */
  readonly vmalert: string;
  readonly alertmanager: string;
  readonly hosts: readonly (FleetHost & { child: ChildProcess; prometheus: string; simulator: string })[];
  stop(): Promise<void>;
}

export async function startFleet(o: FleetOptions): Promise<RunningFleet> {
  mkdirSync(join(o.dataDir, 'logs'), { recursive: true });
  o.say(`starting VictoriaMetrics (the centre) on http://127.0.0.1:${o.centrePort} …`);
  const urls = { vmalert: '', alertmanager: '' };
  const centre = await startVictoriaMetrics({
    port: o.centrePort,
    dataDir: join(o.dataDir, 'victoria-metrics'),
    logFile: join(o.dataDir, 'logs/victoria-metrics.log'),
  });
  const centreParts: ManagedProcess[] = [centre];
  const hosts: RunningFleet['hosts'][number][] = [];
  const stop = async () => {
    for (const h of hosts) h.child.kill('SIGINT');
    await Promise.all(
      hosts.map((h) => new Promise((r) => (h.child.exitCode !== null ? r(null) : h.child.once('exit', r)))),
    );
    for (const p of [...centreParts].reverse()) await p.stop();
  };
  o.onStop(stop);
  try {
    // The centre's own rules (a host missing, fleet capacity) and who hears of them.
    const alertmanager = await startAlertmanager({
      port: await freePort(),
      dataDir: join(o.dataDir, 'alertmanager'),
      config: renderAlertmanagerConfig(
        readFileSync(join(o.root, 'infra/alertmanager/alertmanager.yml'), 'utf8'),
        o.webhookUrl,
      ),
      logFile: join(o.dataDir, 'logs/alertmanager.log'),
    });
    centreParts.push(alertmanager);
    const vmalert = await startVmalert({
      port: await freePort(),
      datasourceUrl: centre.url,
      remoteWriteUrl: centre.url,
      notifierUrl: alertmanager.url,
      rules: [join(o.root, 'infra/fleet/rules/fleet.yml')],
      evaluationInterval: '30s',
      logFile: join(o.dataDir, 'logs/vmalert.log'),
    });
    centreParts.push(vmalert);
    urls.alertmanager = alertmanager.url;
    urls.vmalert = vmalert.url;
    for (const h of fleetHosts(o.hosts)) {
      const ports: Record<string, number> = {};
      for (const name of [
        'SIMULATOR_PORT',
        'AGENT_PORT',
        'PROMETHEUS_PORT',
        'ALERTMANAGER_PORT',
        'GRAFANA_PORT',
        'LOKI_PORT',
        'ALLOY_PORT',
        ...TOPOLOGY.map((t) => t.portVariable),
      ])
        ports[name] = await freePort();
      o.say(`starting host ${h.name} (${h.layout} layout, seed ${h.seed}) …`);
      const child = spawn(process.execPath, ['--import', 'tsx', o.main, '--agent'], {
        cwd: o.root,
        env: {
          ...process.env,
          ...o.env,
          ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
          DEMO_HOST_NAME: h.name,
          DEMO_DATA_DIR: join(o.dataDir, 'hosts', h.name),
          REMOTE_WRITE_URL: centre.writeUrl,
          ...(o.backfill ? { BACKFILL_IMPORT_URL: `${centre.url}/api/v1/import/prometheus` } : {}),
          SIM_SEED: String(h.seed),
          SIM_LAYOUT: h.layout,
          SIM_VLLM_BASE_PORT: '0',
          SIM_DOCKER_PORT: '0',
          SIM_LITELLM_PORT: '0',
          SIM_LANGFUSE_PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      // Each host's lines, prefixed with its name.
      for (const stream of [child.stdout!, child.stderr!])
        stream.on('data', (c: Buffer) => {
          for (const line of c.toString().split('\n').filter(Boolean)) console.log(`  [${h.name}] ${line}`);
        });
      hosts.push({
        ...h,
        child,
        prometheus: `http://127.0.0.1:${ports['PROMETHEUS_PORT']}`,
        simulator: `http://127.0.0.1:${ports['SIMULATOR_PORT']}`,
      });
      // One at a time: each host's start (simulator, agent, Prometheus) takes the machine's cores.
      await waitForQuery(
        centre.url,
        `count(up{host="${h.name}"} == 1)`,
        (r) => Number(r[0]?.value[1]) === TOPOLOGY.length + 1,
        // A host with history backfills it first (minutes a week).
        o.backfill ? 3_600_000 : 180_000,
      );
      o.say(`host ${h.name} ships to the centre`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { centre: { ...centre }, vmalert: urls.vmalert, alertmanager: urls.alertmanager, hosts, stop };
}
