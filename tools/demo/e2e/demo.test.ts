/** `npm run demo` end to end: starts, Prometheus scrapes the exporter, Ctrl-C stops everything. */
import { spawn } from 'node:child_process';
import { freePort, queryPrometheus } from '@llmmon/native-stack';
import { ADMIN_TOKEN, ROOT, startDemo } from '../run-demo';

async function isListening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

it('runs the simulator, the system, GPU, container, vLLM, LiteLLM and Langfuse exporters on the simulated server and Prometheus, answers PromQL, and stops cleanly on SIGINT', async () => {
  const demo = await startDemo();
  const { child, exited, ports } = demo;
  const output = demo.output();
  const exporterPort = ports['system'];
  const prometheusPort = ports['prometheus'];
  try {
    const deadline = Date.now() + 90_000;
    expect(output).toContain(`http://127.0.0.1:${exporterPort}/metrics`);
    expect(output).toContain(`http://127.0.0.1:${prometheusPort}`);

    const prom = `http://127.0.0.1:${prometheusPort}`;
    let cpu: Awaited<ReturnType<typeof queryPrometheus>> = [];
    while (cpu.length === 0 && Date.now() < deadline) {
      cpu = await queryPrometheus(prom, '100 * (1 - avg(rate(node_cpu_seconds_total{mode="idle"}[1m])))');
      if (cpu.length === 0) await new Promise((r) => setTimeout(r, 500));
    }
    expect(Number(cpu[0]!.value[1])).toBeGreaterThanOrEqual(0);
    // The exporter reads the simulated 8x H200 host, not this machine.
    const uname = await queryPrometheus(prom, 'node_uname_info');
    expect(uname[0]!.metric['nodename']).toBe('gpu-node-01');
    // The GPU exporter reads the simulated server's 8 H200s, containers named.
    const gpus = await queryPrometheus(prom, 'llmmon_gpus{job="gpu"}');
    expect(gpus[0]!.value[1]).toBe('8');
    const containers = await queryPrometheus(
      prom,
      'count(llmmon_container_info{job="container",mock="true"})',
    );
    expect(containers[0]!.value[1]).toBe('15');
    const instances = await queryPrometheus(prom, 'count(llmmon_vllm_model_info{job="vllm",mock="true"})');
    expect(instances[0]!.value[1]).toBe('5');
    const groups = await queryPrometheus(prom, 'count(llmmon_litellm_model_info{job="litellm"})');
    expect(groups[0]!.value[1]).toBe('5');
    const langfuse = await queryPrometheus(prom, 'llmmon_upstream_up{job="langfuse",upstream="langfuse"}');
    expect(langfuse[0]!.value[1]).toBe('1');
    const models = await queryPrometheus(prom, 'count(llmmon_gpu_info{mock="true",name=~".*H200.*"})');
    expect(models[0]!.value[1]).toBe('8');

    // The scenario API printed in the banner works.
    expect(output).toContain(`Bearer ${ADMIN_TOKEN}`);
    expect((await demo.control('/api/v1/scenario', { scenario: 'high_load' })).status).toBe(200);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(demo.output()).toContain('[demo] stopped');
    for (const port of Object.values(ports)) expect(await isListening(port)).toBe(false);
  } finally {
    demo.cleanup();
  }
});

it('runs the six exporters in one agent with --agent: every job up at its path, the same series', async () => {
  const demo = await startDemo({}, 120_000, ['--agent']);
  try {
    const prom = demo.prometheus;
    expect(demo.output()).toContain(`http://127.0.0.1:${demo.ports['agent']}/metrics/gpu`);
    // "first scrape done": every job up; each job's target is the agent, at its exporter's path.
    const targets = (await (await fetch(`${prom}/api/v1/targets`)).json()) as {
      data: { activeTargets: { labels: { job: string }; scrapeUrl: string; health: string }[] };
    };
    const byJob = Object.fromEntries(targets.data.activeTargets.map((t) => [t.labels.job, t]));
    for (const job of ['system', 'gpu', 'container', 'vllm', 'litellm', 'langfuse']) {
      expect(byJob[job]!.scrapeUrl).toBe(`http://127.0.0.1:${demo.ports['agent']}/metrics/${job}`);
      expect(byJob[job]!.health).toBe('up');
    }
    const gpus = await queryPrometheus(prom, 'llmmon_gpus{job="gpu"}');
    expect(gpus[0]!.value[1]).toBe('8');
    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
  } finally {
    demo.cleanup();
  }
});

it('refuses to start on a port already in use, naming it', async () => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/demo/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        SYSTEM_EXPORTER_PORT: String(port),
        GPU_EXPORTER_PORT: String(await freePort()),
        PROMETHEUS_PORT: String(await freePort()),
        SIMULATOR_PORT: String(await freePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(err).toContain(`port ${port} (system exporter) is already in use`);
  } finally {
    blocker.close();
  }
});

it('refuses to start without Prometheus, in one line, before starting anything', async () => {
  // A PATH with node and nothing else: no prometheus.
  const { mkdtempSync, symlinkSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const bin = mkdtempSync(join(tmpdir(), 'llmmon-path-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  const simulatorPort = await freePort();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/demo/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PATH: bin, SIMULATOR_PORT: String(simulatorPort) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(
      out
        .trim()
        .split('\n')
        .filter((l) => !l.includes('stopp')),
    ).toEqual([expect.stringMatching(/^\[demo\] prometheus is not installed: .*apt-get install prometheus/)]);
    expect(out).not.toContain('starting the simulator');
    expect(await isListening(simulatorPort)).toBe(false);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});

it('refuses a malformed ALERT_WEBHOOK_URL in one line, exit 2, before starting anything', async () => {
  const simulatorPort = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/demo/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ALERT_WEBHOOK_URL: 'hooks.example.org/llmmon',
      SIMULATOR_PORT: String(simulatorPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  expect(code).toBe(2);
  expect(out.trim().split('\n')).toEqual([expect.stringContaining('ALERT_WEBHOOK_URL')]);
  expect(await isListening(simulatorPort)).toBe(false);
});
