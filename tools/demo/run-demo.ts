/** Starts `npm run demo` (tools/demo/main.ts) on free loopback ports, for the end-to-end tests. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@llmmon/native-stack';
import { TOPOLOGY } from '@llmmon/topology';

export const ROOT = resolve(__dirname, '../..');
export const ADMIN_TOKEN = 'demo-test-token-123456';

export interface RunningDemo {
  readonly child: ChildProcess;
  /** By exporter name (system, gpu …), and prometheus, alertmanager, simulator, agent. */
  readonly ports: Readonly<Record<string, number>>;
  readonly prometheus: string;
  readonly simulator: string;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves with its exit code. */
  readonly exited: Promise<number | null>;
  /** PUT to the simulator's control API with the admin token. */
  control(path: string, body: unknown): Promise<Response>;
  /** SIGKILL if still running, and removes its data directory. */
  cleanup(): void;
}

/** Runs the demo with a 1 s scrape interval and waits until Prometheus sees every exporter up. */
export async function startDemo(
  env: Record<string, string> = {},
  upWithinMs = 120_000,
  /** The runner's own arguments, e.g. ['--agent']. */
  args: readonly string[] = [],
): Promise<RunningDemo> {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-demo-'));
  const ports: Record<string, number> = {};
  for (const name of [
    ...TOPOLOGY.map((t) => t.definition.name),
    'prometheus',
    'alertmanager',
    'simulator',
    'agent',
  ])
    ports[name] = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'tools/demo/main.ts', ...args], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(TOPOLOGY.map((t) => [t.portVariable, String(ports[t.definition.name])])),
      AGENT_PORT: String(ports['agent']),
      PROMETHEUS_PORT: String(ports['prometheus']),
      ALERTMANAGER_PORT: String(ports['alertmanager']),
      SIMULATOR_PORT: String(ports['simulator']),
      // Where Grafana, Loki or Alloy are installed the runner starts them: off the usual ports too.
      GRAFANA_PORT: String(await freePort()),
      GRAFANA_ADMIN_PASSWORD: 'demo-test-password',
      LOKI_PORT: String(await freePort()),
      ALLOY_PORT: String(await freePort()),
      DEMO_ADMIN_TOKEN: ADMIN_TOKEN,
      DEMO_DATA_DIR: dataDir,
      PROMETHEUS_SCRAPE_INTERVAL: '1s',
      // The simulator's upstreams on ephemeral ports too (it passes them through the environment),
      // so two demos (tests, a developer's own) never collide.
      SIM_VLLM_BASE_PORT: '0',
      SIM_DOCKER_PORT: '0',
      SIM_LITELLM_PORT: '0',
      SIM_LANGFUSE_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const simulator = `http://127.0.0.1:${ports['simulator']}`;
  const demo: RunningDemo = {
    child,
    ports,
    prometheus: `http://127.0.0.1:${ports['prometheus']}`,
    simulator,
    output: () => output,
    exited,
    control: (path, body) =>
      fetch(`${simulator}${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    cleanup: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + upWithinMs;
  while (!output.includes('first scrape done')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      demo.cleanup();
      throw new Error(`demo did not come up within ${upWithinMs / 1000} s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return demo;
}

/**
 * Runs one of the repository's TypeScript entry points to its end (a CLI, or the runner when
 * it is expected to refuse): exit code and output. Asynchronous, so stand-ins served by the
 * test answer meanwhile.
 */
export function runScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
