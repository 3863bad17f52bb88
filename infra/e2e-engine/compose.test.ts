/**
 * The compose stack, up for real on the container engine: the images built with the project's
 * Dockerfile, `docker-compose --profile mock up` against podman's Docker API, every service but
 * Grafana, Loki and Alloy (their images cannot be had here; check-env only guards Grafana).
 * Prometheus scrapes every exporter across the compose network, the simulator's overheating
 * GPU fires GpuTemperatureCritical into that Alertmanager, Prometheus keeps its data over
 * `down` + `up`, and `down -v` leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildImages,
  composeProject,
  createDefaultNetwork,
  startEngine,
  type ComposeProject,
  type Engine,
} from '@llmmon/engine';
import { freePort, isPortFree, queryPrometheus, waitForQuery } from '@llmmon/native-stack';

const PROJECT = 'llmmon-e2e-compose';
/** Not to be had here (no registry serves them); check-env only guards Grafana's start. */
const LEFT_OUT = ['grafana', 'loki', 'alloy', 'check-env'];
const PROMETHEUS = 'http://127.0.0.1:23001';
const ALERTMANAGER = 'http://127.0.0.1:23003';
const ADMIN_TOKEN = 'e2e-simulator-admin-token';
/** The host label Prometheus puts on what leaves it (LLMMON_HOST_NAME). */
const HOST_NAME = 'compose-e2e-host';
const say = (msg: string) => process.stderr.write(`[compose e2e] ${msg}\n`);

let runDir: string;
let engine: Engine;
let project: ComposeProject;
let services: string[];
let simulatorUrl: string;
let subnet: string;

async function up(): Promise<void> {
  const started = Date.now();
  // `down` removed the network: the same subnet again, where the system exporter listens.
  if (
    !(await engine.podman(['network', 'exists', `${PROJECT}_default`]).then(
      () => true,
      () => false,
    ))
  )
    await createDefaultNetwork(engine, PROJECT, subnet);
  await project.compose(['--profile', 'mock', 'up', '-d', '--no-build', ...services], { timeoutMs: 600_000 });
  await project.waitHealthy(300_000, (healthy, total) => say(`${healthy}/${total} healthy`));
  say(`up and healthy in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

beforeAll(async () => {
  for (const port of [23001, 23003])
    if (!(await isPortFree(port)))
      throw new Error(
        `port ${port} on 127.0.0.1 is taken (a running llmmon stack?): the compose file publishes it`,
      );
  runDir = mkdtempSync(join(tmpdir(), 'llmmon-compose-e2e-'));
  engine = await startEngine(runDir);
  const simulatorPort = await freePort();
  simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  // A first project object only to read the file and clear what an aborted run left.
  const reader = composeProject(engine, PROJECT);
  await reader.compose(['--profile', 'mock', 'down', '-v', '--remove-orphans']).catch(() => undefined);
  await engine.podman(['network', 'rm', '-f', `${PROJECT}_default`]).catch(() => undefined);
  services = (await reader.services('mock')).filter((s) => !LEFT_OUT.includes(s));
  const images = (await reader.compose(['--profile', 'mock', 'config']))
    .split('\n')
    .map((l) => /^\s+image: llmmon\/([\w-]+):/.exec(l)?.[1])
    .filter((a): a is string => !!a);
  const apps = [...new Set(images)].sort();
  say(
    `building ${apps.join(', ')} (the first run on a machine makes the base images and installs packages: minutes)`,
  );
  await buildImages(engine, apps, {
    onImage: (b) =>
      say(
        `built ${b.image}: ${(b.appLayerBytes / 1e6).toFixed(1)} MB over its base, ${b.seconds.toFixed(0)} s`,
      ),
  });
  // The host-network system exporter listens on the host's address in the compose network
  // (not every interface; on 9100, where targets/system.json looks), and host.docker.internal
  // names that address (podman 4.3 has no `host-gateway`).
  const network = await createDefaultNetwork(engine, PROJECT);
  subnet = network.subnet;
  const gateway = network.gateway;
  project = composeProject(engine, PROJECT, {
    LLMMON_HOST_GATEWAY: gateway,
    SYSTEM_EXPORTER_HOST: gateway,
    SIMULATOR_PORT: String(simulatorPort),
    SIMULATOR_ADMIN_TOKEN: ADMIN_TOKEN,
    LLMMON_HOST_NAME: HOST_NAME,
  });
  say(`up: ${services.join(', ')}`);
  await up();
}, 3_600_000);

afterAll(async () => {
  if (project) await project.compose(['--profile', 'mock', 'down', '-v']).catch((e: Error) => say(e.message));
  await engine?.podman(['network', 'rm', '-f', `${PROJECT}_default`]).catch(() => undefined);
  await engine?.stop();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}, 300_000);

it("runs every service from its image, llmmon's as the unprivileged node user", async () => {
  const running = await project.containers();
  const longRunning = services.filter((s) => s !== 'alertmanager-config');
  expect(
    running
      .filter((c) => c.state === 'running')
      .map((c) => c.service)
      .sort(),
  ).toEqual(longRunning.sort());
  // Every long-running service has a healthcheck (llmmon's from its image), now healthy.
  expect(
    running
      .filter((c) => c.service !== 'alertmanager-config' && c.health !== 'healthy')
      .map((c) => c.service),
  ).toEqual([]);
  for (const c of running.filter((x) => x.image.includes('llmmon/'))) {
    expect([c.service, c.user]).toEqual([c.service, 'node']);
    // The process itself, not only the configuration: uid 1000.
    const status = await engine.podman(['exec', c.id, 'cat', '/proc/1/status']);
    expect([c.service, /^Uid:\s+(\d+)/m.exec(status)?.[1]]).toEqual([c.service, '1000']);
  }
  // The one-shot config renderer ran and succeeded.
  const renderer = running.find((c) => c.service === 'alertmanager-config');
  expect([renderer?.state, renderer?.exitCode]).toEqual(['exited', 0]);
});

it('has every Prometheus target up across the compose network', async () => {
  const jobs = ['prometheus', 'system', 'gpu', 'container', 'vllm', 'litellm', 'langfuse'];
  const up = await waitForQuery(
    PROMETHEUS,
    'up',
    (r) =>
      jobs.every((j) => r.some((s) => s.metric['job'] === j && s.value[1] === '1')) &&
      r.every((s) => s.value[1] === '1'),
    150_000,
  );
  expect(up.map((s) => s.metric['job']).sort()).toEqual([...jobs].sort());
  // Each exporter read its upstream through the network: no upstream is down.
  const down = await queryPrometheus(PROMETHEUS, 'llmmon_upstream_up == 0');
  expect(down.map((s) => `${s.metric['job']}/${s.metric['upstream']}`)).toEqual([]);
}, 200_000);

it("fires GpuTemperatureCritical in that Prometheus when the simulator's GPU overheats, and delivers it to that Alertmanager", async () => {
  const res = await fetch(`${simulatorUrl}/api/v1/scenario`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scenario: 'gpu_overheat' }),
  });
  expect(res.status).toBe(200);
  // 30 s scrapes, 30 s rule evaluation, `for: 2m`.
  const deadline = Date.now() + 330_000;
  let alerts: {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    status: { state: string };
  }[] = [];
  while (Date.now() < deadline) {
    const answer = await fetch(
      `${ALERTMANAGER}/api/v2/alerts?filter=alertname%3D%22GpuTemperatureCritical%22`,
    );
    alerts = (await answer.json()) as typeof alerts;
    if (alerts.length) break;
    await new Promise((r) => setTimeout(r, 5000));
  }
  expect(
    alerts.map((a) => [a.labels['job'], a.labels['severity'], a.labels['host'], a.status.state]),
  ).toEqual([['gpu', 'critical', HOST_NAME, 'active']]);
  expect(alerts[0]!.annotations['summary']).toMatch(new RegExp(`^GPU \\d on ${HOST_NAME} is at`));
  const firing = await queryPrometheus(
    PROMETHEUS,
    'ALERTS{alertname="GpuTemperatureCritical",alertstate="firing"}',
  );
  expect(firing).toHaveLength(1);
}, 400_000);

it('keeps Prometheus data in its named volume over down and up', async () => {
  const before = Math.floor(Date.now() / 1000) - 5;
  const query = async () =>
    (await fetch(
      `${PROMETHEUS}/api/v1/query?query=${encodeURIComponent('count(up{job="gpu"})')}&time=${before}`,
    ).then((r) => r.json())) as { data: { result: { value: [number, string] }[] } };
  expect((await query()).data.result[0]?.value[1]).toBe('1');

  await project.compose(['--profile', 'mock', 'down'], { timeoutMs: 300_000 });
  expect(await project.containers()).toEqual([]);
  const volumes = await engine.podman(['volume', 'ls', '--format', '{{.Name}}']);
  expect(volumes.split('\n')).toEqual(
    expect.arrayContaining([`${PROJECT}_prometheus-data`, `${PROJECT}_simulator-data`]),
  );

  await up();
  // The sample from before `down` is still there: the TSDB came back from the volume.
  expect((await waitForQuery(PROMETHEUS, 'up{job="prometheus"}', (r) => r.length === 1, 60_000)).length).toBe(
    1,
  );
  expect((await query()).data.result[0]?.value[1]).toBe('1');
}, 900_000);

it('leaves no container, network or volume behind after down -v', async () => {
  await project.compose(['--profile', 'mock', 'down', '-v'], { timeoutMs: 300_000 });
  const label = `label=com.docker.compose.project=${PROJECT}`;
  expect(await engine.podman(['ps', '-a', '--filter', label, '--format', '{{.Names}}'])).toBe('');
  expect(await engine.podman(['volume', 'ls', '--filter', label, '--format', '{{.Name}}'])).toBe('');
  const networks = await engine.podman(['network', 'ls', '--format', '{{.Name}}']);
  expect(networks.split('\n')).not.toContain(`${PROJECT}_default`);
}, 300_000);
