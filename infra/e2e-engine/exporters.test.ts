/**
 * The real profile's Docker readers against a real engine (podman's Docker Engine API), with
 * containers this test starts: the container exporter's state, restarts, exit codes, limits,
 * CPU and memory against the engine's own answers; the vLLM exporter discovering a container
 * by its image and reading it at its published port; the GPU exporter naming the container of
 * a GPU process through the real /proc/<pid>/cgroup (podman's libpod-<id>) and the real API.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImages, startEngine, type BaseImages, type Engine } from '@llmmon/engine';
import { containerExporter } from '@llmmon/exporter-container';
import { gpuExporter } from '@llmmon/exporter-gpu';
import { vllmExporter } from '@llmmon/exporter-vllm';
import { FAKE_NVIDIA_SMI, readFixture } from '@llmmon/fixtures';
import { freePort } from '@llmmon/native-stack';
import {
  sampleValue,
  scrape,
  scrapeUntil,
  startDefinition,
  type TestExporter,
} from '@llmmon/metrics-core/testing';

const PREFIX = 'llmmon-e2e-';
const say = (msg: string) => process.stderr.write(`[engine e2e] ${msg}\n`);

let runDir: string;
let engine: Engine;
let base: BaseImages;
const shell = 'docker.io/library/busybox:1.37';

interface Inspected {
  Id: string;
  RestartCount: number;
  State: { Status: string; ExitCode: number; Pid: number };
}
const inspect = async (name: string) =>
  JSON.parse((await engine.api(`/v1.41/containers/${name}/json`)).body) as Inspected;
interface EngineStats {
  cpu_stats: { cpu_usage: { total_usage: number } };
  memory_stats: { usage: number };
}
const engineStats = async (name: string) =>
  JSON.parse((await engine.api(`/v1.41/containers/${name}/stats?stream=false`)).body) as EngineStats;
const run = (name: string, args: readonly string[]) =>
  engine.podman(['run', '-d', '--name', PREFIX + name, ...args]);

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'llmmon-engine-e2e-'));
  engine = await startEngine(runDir);
  await removeOurs();
  ({ base } = await buildImages(engine, ['simulator'], {
    onImage: (b) => say(`built ${b.image} (${b.seconds.toFixed(0)} s)`),
  }));
  // A container under load: half a CPU at most, 128 MiB at most, 48 MiB of it touched.
  await run('load', [
    '--label',
    'team=inference',
    '--cpus',
    '0.5',
    '--memory',
    '128m',
    base.node,
    'node',
    '-e',
    'globalThis.keep = Buffer.alloc(48 * 1024 * 1024, 1); for (;;) {}',
  ]);
  // Exits 3 after a second, restarted by its policy: a crash loop.
  await run('crashloop', ['--restart', 'on-failure', shell, 'sh', '-c', 'sleep 1; exit 3']);
  // Started, then stopped by hand (sleep ignores SIGTERM as PID 1: killed, 137).
  await run('stopped', [shell, 'sleep', '600']);
  await engine.podman(['stop', '-t', '1', `${PREFIX}stopped`]);
}, 3_600_000);

afterAll(async () => {
  await removeOurs().catch((e: Error) => say(e.message));
  await engine?.stop();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}, 120_000);

async function removeOurs(): Promise<void> {
  const names = (await engine.podman(['ps', '-a', '--format', '{{.Names}}']))
    .split('\n')
    .filter((n) => n.startsWith(PREFIX));
  if (names.length) await engine.podman(['rm', '-f', '-t', '0', ...names]);
}

describe('the container exporter', () => {
  let exporter: TestExporter;
  beforeAll(async () => {
    exporter = await startDefinition(containerExporter, {
      DOCKER_HOST: engine.dockerHost,
      CONTAINER_LABEL_ALLOWLIST: 'team',
    });
  });
  afterAll(() => exporter?.stop());

  it('reports state, exit code, limits and labels as the engine has them', async () => {
    const r = await scrapeUntil(
      exporter.url,
      (x) =>
        sampleValue(x.families, 'llmmon_container_state', { name: `${PREFIX}stopped`, state: 'exited' }) ===
        1,
      'the stopped container',
      30_000,
    );
    const f = r.families;
    expect(sampleValue(f, 'llmmon_container_state', { name: `${PREFIX}load`, state: 'running' })).toBe(1);
    expect(sampleValue(f, 'llmmon_container_last_exit_code', { name: `${PREFIX}stopped` })).toBe(
      (await inspect(`${PREFIX}stopped`)).State.ExitCode,
    );
    expect(sampleValue(f, 'container_spec_memory_limit_bytes', { name: `${PREFIX}load` })).toBe(
      128 * 1024 * 1024,
    );
    const quota = sampleValue(f, 'container_spec_cpu_quota', { name: `${PREFIX}load` })!;
    const period = sampleValue(f, 'container_spec_cpu_period', { name: `${PREFIX}load` })!;
    expect(quota / period).toBeCloseTo(0.5, 3);
    expect(
      sampleValue(f, 'llmmon_container_labels_info', {
        name: `${PREFIX}load`,
        container_label_team: 'inference',
      }),
    ).toBe(1);
    const load = await inspect(`${PREFIX}load`);
    expect(sampleValue(f, 'llmmon_container_info', { name: `${PREFIX}load`, id: load.Id.slice(0, 12) })).toBe(
      1,
    );
  });

  it("agrees with the engine's stats on CPU seconds and memory of the loaded container within 5 %", async () => {
    // Enough CPU time that the gap between two reads is small beside it.
    const name = `${PREFIX}load`;
    const deadline = Date.now() + 120_000;
    while ((await engineStats(name)).cpu_stats.cpu_usage.total_usage < 10e9 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 2000));
    const before = await engineStats(name);
    const r = await scrape(exporter.url);
    const after = await engineStats(name);
    const cpu = sampleValue(r.families, 'container_cpu_usage_seconds_total', { name })!;
    expect(cpu).toBeGreaterThanOrEqual((before.cpu_stats.cpu_usage.total_usage / 1e9) * 0.95);
    expect(cpu).toBeLessThanOrEqual((after.cpu_stats.cpu_usage.total_usage / 1e9) * 1.05);
    const memory = sampleValue(r.families, 'container_memory_usage_bytes', { name })!;
    say(
      `CPU ${cpu.toFixed(3)} s (engine before/after: ${(before.cpu_stats.cpu_usage.total_usage / 1e9).toFixed(3)}/` +
        `${(after.cpu_stats.cpu_usage.total_usage / 1e9).toFixed(3)} s); memory ${memory} B (engine ${after.memory_stats.usage} B)`,
    );
    expect(memory).toBeGreaterThan(48 * 1024 * 1024);
    expect(Math.abs(memory - after.memory_stats.usage) / after.memory_stats.usage).toBeLessThan(0.05);
  });

  it("counts the crash loop's restarts as the engine does, and follows its start and die events", async () => {
    const name = `${PREFIX}crashloop`;
    // A few restarts first.
    const deadline = Date.now() + 60_000;
    while ((await inspect(name)).RestartCount < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 1000));
    // The counter follows the engine through the events (no polling of inspect per scrape):
    // read until the two agree, as a restart may land between the reads.
    await scrapeUntil(
      exporter.url,
      (x) => {
        const counted = sampleValue(x.families, 'llmmon_container_restarts_total', { name });
        return counted !== undefined && counted >= 3;
      },
      'three restarts',
      30_000,
    );
    let agreed = false;
    for (let i = 0; i < 20 && !agreed; i++) {
      const engineBefore = (await inspect(name)).RestartCount;
      const counted = sampleValue((await scrape(exporter.url)).families, 'llmmon_container_restarts_total', {
        name,
      });
      const engineAfter = (await inspect(name)).RestartCount;
      agreed = engineBefore === engineAfter && counted === engineAfter;
      if (!agreed) await new Promise((r) => setTimeout(r, 300));
    }
    expect(agreed).toBe(true);
    const events = sampleValue((await scrape(exporter.url)).families, 'llmmon_docker_events_total');
    expect(events).toBeGreaterThan(0);
  });

  it('sees a container started after it, and its removal', async () => {
    await run('late', [shell, 'sleep', '600']);
    await scrapeUntil(
      exporter.url,
      (x) =>
        sampleValue(x.families, 'llmmon_container_state', { name: `${PREFIX}late`, state: 'running' }) === 1,
      'the late container',
      30_000,
    );
    await engine.podman(['rm', '-f', '-t', '0', `${PREFIX}late`]);
    await scrapeUntil(
      exporter.url,
      (x) =>
        sampleValue(x.families, 'llmmon_container_state', { name: `${PREFIX}late`, state: 'running' }) ===
        undefined,
      'the late container gone',
      30_000,
    );
  });
});

it('the vLLM exporter discovers a container by its image and reads it at its published port', async () => {
  // The simulator playing vLLM: its first instance on vLLM's port 8000, under a vLLM-like name.
  const image = 'localhost/llmmon-e2e/vllm-openai:sim';
  await engine.podman(['tag', 'llmmon/simulator:dev', image]);
  const port = await freePort();
  await run('vllm', [
    '-p',
    `127.0.0.1:${port}:8000`,
    '-e',
    'HOST=0.0.0.0',
    '-e',
    'SIM_VLLM_BASE_PORT=8000',
    '-e',
    'SIM_DATA_DIR=/var/cache/llmmon/sim',
    image,
  ]);
  const exporter = await startDefinition(vllmExporter, {
    DOCKER_HOST: engine.dockerHost,
    VLLM_PUBLISHED_HOST: '127.0.0.1',
  });
  try {
    const r = await scrapeUntil(
      exporter.url,
      (x) => sampleValue(x.families, 'llmmon_upstream_up', { upstream: `vllm/${PREFIX}vllm` }) === 1,
      'the vLLM container read',
      120_000,
    );
    const models = r.families.get('llmmon_vllm_model_info')?.samples ?? [];
    expect(models.map((s) => s.labels['container'])).toContain(`${PREFIX}vllm`);
    expect(
      sampleValue(r.families, 'llmmon_vllm_requests_running', { container: `${PREFIX}vllm` }),
    ).toBeDefined();
  } finally {
    await exporter.stop();
  }
}, 300_000);

it('the GPU exporter names the container of a GPU process through the real /proc/<pid>/cgroup and API', async () => {
  await run('gpu-user', [shell, 'sleep', '600']);
  const { Id, State } = await inspect(`${PREFIX}gpu-user`);
  expect(readFileSync(`/proc/${State.Pid}/cgroup`, 'utf8')).toContain(`libpod-${Id}`);
  // nvidia-smi (a real capture, replayed) reports that process as using a GPU.
  const capture = readFixture('real-upstream/nvidia-smi-capture__linux-x86_64__nvidia-h200__590.48.01.txt');
  const file = join(runDir, 'capture.txt');
  writeFileSync(file, capture.replace(/, 10291, \/root\/tools\/memhog,/, `, ${State.Pid}, sleep,`));
  process.env['FAKE_NVIDIA_SMI_CAPTURE'] = file;
  const exporter = await startDefinition(gpuExporter, {
    GPU_SOURCE: 'nvidia-smi',
    NVIDIA_SMI_PATH: FAKE_NVIDIA_SMI,
    PROCFS_PATH: '/proc',
    DOCKER_HOST: engine.dockerHost,
  });
  try {
    const r = await scrapeUntil(
      exporter.url,
      (x) => (x.families.get('llmmon_gpu_process_memory_used_bytes')?.samples.length ?? 0) > 0,
      'GPU processes',
      30_000,
    );
    const byPid = new Map(
      r.families
        .get('llmmon_gpu_process_memory_used_bytes')!
        .samples.map((s) => [s.labels['pid'], s.labels['container']]),
    );
    expect(byPid.get(String(State.Pid))).toBe(`${PREFIX}gpu-user`);
    // The capture's other processes are not that container's.
    expect([...byPid].filter(([, c]) => c === `${PREFIX}gpu-user`)).toHaveLength(1);
  } finally {
    await exporter.stop();
    delete process.env['FAKE_NVIDIA_SMI_CAPTURE'];
  }
});
