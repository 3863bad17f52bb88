/**
 * The fleet's centre, up for real on the container engine: `docker-compose -f
 * docker-compose.fleet.yml up` (VictoriaMetrics and vmalert from images made of Debian's
 * victoria-metrics package, Alertmanager; Grafana's image cannot be had here) receives one
 * host's writes: a simulated host on this machine (simulator, agent, Prometheus with the
 * shipping entry of infra/prometheus/remote-write.yml) remote-writes to the published port;
 * vmalert in its container evaluates the fleet rules over it and writes back what they record.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { composeProject, ensureBaseImages, composeStandIns, startEngine, WORKSPACE } from '@llmmon/engine';
import type { ComposeProject, Engine } from '@llmmon/engine';
import {
  queryPrometheus,
  startPrometheus,
  startAgent,
  startSimulator,
  freePort,
  isPortFree,
  waitForQuery,
  type ManagedProcess,
} from '@llmmon/native-stack';
import { simulatedEnv, TOPOLOGY } from '@llmmon/topology';

const PROJECT = 'llmmon-e2e-fleet';
const FILE = ['-f', 'docker-compose.fleet.yml'];
/** Grafana's image cannot be had here; check-env only guards its start. */
const SERVICES = ['victoria-metrics', 'vmalert', 'alertmanager-config', 'alertmanager'];
const CENTRE = 'http://127.0.0.1:23005';
const VMALERT = 'http://127.0.0.1:23006';
const HOST = 'engine-host-01';
const say = (msg: string) => process.stderr.write(`[fleet e2e] ${msg}\n`);

let runDir: string;
let engine: Engine;
let project: ComposeProject;
const host: ManagedProcess[] = [];

/** A host as `npm run demo -- --agent` makes one, shipping to the centre's published port. */
async function startHost(): Promise<void> {
  const simulator = await startSimulator({ root: WORKSPACE, dataDir: join(runDir, 'simulator') });
  host.push(simulator);
  const agent = await startAgent({
    root: WORKSPACE,
    env: simulatedEnv(simulator.upstreams, join(runDir, 'simulator')),
  });
  host.push(agent);
  const shipping = parse(
    readFileSync(join(WORKSPACE, 'infra/prometheus/remote-write.yml'), 'utf8'),
  ) as object;
  const config = {
    global: { scrape_interval: '2s', evaluation_interval: '2s', external_labels: { host: HOST } },
    scrape_configs: TOPOLOGY.map((t) => ({
      job_name: t.job,
      metrics_path: `/metrics/${t.definition.name}`,
      static_configs: [{ targets: [new URL(agent.url).host], labels: { host: HOST } }],
    })),
    remote_write: [{ ...shipping, url: `${CENTRE}/api/v1/write` }],
  };
  host.push(
    await startPrometheus({
      port: await freePort(),
      dataDir: join(runDir, 'prometheus'),
      config: stringify(config),
    }),
  );
}

beforeAll(async () => {
  for (const port of [23003, 23005, 23006])
    if (!(await isPortFree(port)))
      throw new Error(
        `port ${port} on 127.0.0.1 is taken (a running llmmon centre?): the compose file publishes it`,
      );
  runDir = mkdtempSync(join(tmpdir(), 'llmmon-fleet-e2e-'));
  engine = await startEngine(runDir);
  project = composeProject(engine, PROJECT);
  await project.compose([...FILE, 'down', '-v', '--remove-orphans']).catch(() => undefined);
  say('making the stand-in images (VictoriaMetrics and vmalert from Debian: once per machine)');
  await ensureBaseImages(engine, composeStandIns());
  const started = Date.now();
  await project.compose([...FILE, 'up', '-d', '--no-build', ...SERVICES], { timeoutMs: 600_000 });
  await project.waitHealthy(180_000, (healthy, total) => say(`${healthy}/${total} healthy`));
  say(
    `the centre is up in ${((Date.now() - started) / 1000).toFixed(0)} s; starting a host that ships to it`,
  );
  await startHost();
}, 1_800_000);

afterAll(async () => {
  for (const p of host.reverse()) await p.stop();
  if (project) await project.compose([...FILE, 'down', '-v']).catch((e: Error) => say(e.message));
  await engine?.stop();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}, 300_000);

it("receives the host's series under its host label: every job up, its 8 GPUs, nothing it does not ship", async () => {
  const up = await waitForQuery(
    CENTRE,
    `up{host="${HOST}"} == 1`,
    (r) => r.length === TOPOLOGY.length,
    120_000,
  );
  expect(up.map((s) => s.metric['job']).sort()).toEqual(TOPOLOGY.map((t) => t.job).sort());
  const gpus = await queryPrometheus(CENTRE, `count(llmmon_gpu_info{host="${HOST}"})`);
  expect(gpus[0]?.value[1]).toBe('8');
  // remote-write.yml's drops held: vLLM's own families stay on the host.
  const vllm = await waitForQuery(
    CENTRE,
    `count(llmmon_vllm_model_info{host="${HOST}"})`,
    (r) => r.length === 1,
  );
  expect(Number(vllm[0]!.value[1])).toBeGreaterThan(0);
  expect(await queryPrometheus(CENTRE, `count({__name__=~"vllm:.+", host="${HOST}"})`)).toEqual([]);
}, 180_000);

it("evaluates the fleet rules in vmalert's container and writes back what they record", async () => {
  const rules = (await (await fetch(`${VMALERT}/api/v1/rules`)).json()) as {
    data: { groups: { rules: { name: string }[] }[] };
  };
  expect(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name))).toEqual(
    expect.arrayContaining(['HostMissing', 'HostExporterMissing', 'host:llmmon_gpus:count']),
  );
  const recorded = await waitForQuery(
    CENTRE,
    `host:llmmon_gpus:count{host="${HOST}"}`,
    (r) => r.length === 1,
    120_000,
  );
  expect(recorded[0]!.value[1]).toBe('8');
  // The host is shipping: nothing of the centre's alerts fires.
  const alerts = (await (await fetch(`${VMALERT}/api/v1/alerts`)).json()) as {
    data: { alerts: unknown[] | null };
  };
  expect(alerts.data.alerts ?? []).toEqual([]);
}, 180_000);
