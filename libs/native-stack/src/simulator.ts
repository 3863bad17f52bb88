import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startProcess, type ManagedProcess } from './processes';

/** Where the simulator's upstreams answer (its GET /api/v1/upstreams). */
export interface SimulatorUpstreams {
  readonly host: { readonly procfs: string; readonly sysfs: string; readonly statfs: string };
  readonly nvidia_smi: string;
  /** The simulator's NVML stand-in (NVML_LIBRARY); null where gcc could not build it. */
  readonly nvml: string | null;
  readonly docker: { readonly socket: string; readonly url: string };
  readonly vllm: readonly {
    readonly container: string;
    readonly model: string;
    readonly version: string;
    readonly url: string;
  }[];
  readonly litellm: { readonly url: string };
  readonly langfuse: { readonly url: string };
  /** The Hugging Face Hub mirror of the simulated models (HF_URL). */
  readonly huggingface: { readonly url: string };
}

/** Asks a running simulator where its upstreams answer. */
export async function simulatorUpstreams(url: string): Promise<SimulatorUpstreams> {
  const res = await fetch(`${url}/api/v1/upstreams`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`simulator ${url}/api/v1/upstreams answered ${res.status}`);
  return (await res.json()) as SimulatorUpstreams;
}

export interface RunningSimulator extends ManagedProcess {
  readonly url: string;
  readonly upstreams: SimulatorUpstreams;
  /** The control API's token. */
  readonly adminToken: string;
  /** PUT to the control API with the admin token. */
  put(path: string, body: object): Promise<Response>;
  /** Any control call with the admin token (DELETE a container, POST a fault). */
  control(method: 'PUT' | 'POST' | 'DELETE', path: string, body?: object): Promise<Response>;
}

/**
 * Starts the built simulator (dist/apps/simulator) on loopback, every upstream on an
 * ephemeral port, for tests and benchmarks of the exporters that read it.
 */
export async function startSimulator(opts: {
  readonly root: string;
  readonly dataDir: string;
  readonly env?: Record<string, string>;
}): Promise<RunningSimulator> {
  const main = join(opts.root, 'dist/apps/simulator/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npx nx build simulator"`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const token = 'simulator-test-admin-token';
  const proc = await startProcess({
    name: 'simulator',
    command: main,
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN: token,
      SIM_DATA_DIR: opts.dataDir,
      SIM_VLLM_BASE_PORT: '0',
      SIM_DOCKER_PORT: '0',
      SIM_LITELLM_PORT: '0',
      SIM_LANGFUSE_PORT: '0',
      ...opts.env,
    },
    readyUrl: `${url}/ready`,
  });
  const upstreams = await simulatorUpstreams(url);
  const control: RunningSimulator['control'] = (method, path, body) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  return {
    ...proc,
    url,
    upstreams,
    adminToken: token,
    put: (path, body) => control('PUT', path, body),
    control,
  };
}

export interface RunningAgent extends ManagedProcess {
  /** Its base URL: each exporter at /metrics/<name>. */
  readonly url: string;
}

/**
 * Starts the built agent (dist/apps/agent: the six exporters in one process) on loopback and
 * waits for its /ready; `env` says what it reads (topology's simulatedEnv for a simulator).
 */
export async function startAgent(opts: {
  readonly root: string;
  readonly env: Record<string, string>;
}): Promise<RunningAgent> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'agent',
    command: join(opts.root, 'dist/apps/agent/main.js'),
    env: { HOST: '127.0.0.1', PORT: String(port), ...opts.env },
    readyUrl: `${url}/ready`,
  });
  return { ...proc, url };
}
