import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';

/** The project's podman settings (runc, no default ulimits), handed over with CONTAINERS_CONF. */
export const CONTAINERS_CONF = resolve(__dirname, '../../../infra/podman/containers.conf');

export interface Engine {
  /** `unix:///…/podman.sock`: what DOCKER_HOST says for docker-compose and dockerode. */
  readonly dockerHost: string;
  readonly socket: string;
  /** The environment podman and docker-compose run with (CONTAINERS_CONF, DOCKER_HOST). */
  readonly env: NodeJS.ProcessEnv;
  /** Runs podman with `args`; rejects with its stderr when it fails. */
  podman(args: readonly string[], opts?: RunOptions): Promise<string>;
  /** Runs docker-compose against the engine (in opts.cwd). */
  compose(args: readonly string[], opts?: RunOptions): Promise<string>;
  /** A GET on the Docker Engine API (for tests that read it as the exporters do). */
  api(path: string): Promise<{ status: number; body: string }>;
  stop(): Promise<void>;
}

export interface RunOptions {
  readonly input?: string;
  readonly timeoutMs?: number;
  readonly cwd?: string;
  /** Added to the engine's environment (CONTAINERS_CONF, DOCKER_HOST). */
  readonly env?: Readonly<Record<string, string>>;
  /** Each line of output as it comes (progress for long builds). */
  readonly onLine?: (line: string) => void;
}

/** Runs `cmd`; resolves with its stdout, rejects with the end of its stderr (or its timeout). */
function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  opts: RunOptions = {},
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      env: { ...env, ...opts.env },
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let partial = '';
    const lines = (chunk: string) => {
      if (!opts.onLine) return;
      const parts = (partial + chunk).split('\n');
      partial = parts.pop()!;
      for (const line of parts) opts.onLine(line);
    };
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      lines(c);
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-8000);
      lines(c);
    });
    const timeoutMs = opts.timeoutMs ?? 600_000;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not start: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolvePromise(stdout);
      const why = signal === 'SIGKILL' ? `timed out after ${timeoutMs / 1000} s` : `exit ${code ?? signal}`;
      reject(
        new Error(`${cmd} ${args.join(' ')}: ${why}: ${stderr.trim().split('\n').slice(-20).join('\n')}`),
      );
    });
    child.stdin!.end(opts.input ?? '');
  });
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolvePromise(res.statusCode === 200);
    });
    req.on('error', () => resolvePromise(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Starts `podman system service` on a socket in `runDir`: the Docker Engine API that
 * docker-compose and dockerode drive. Stopped by `stop()` (its containers are left to the
 * caller: `compose down`).
 */
export async function startEngine(runDir: string): Promise<Engine> {
  mkdirSync(runDir, { recursive: true });
  const socket = join(resolve(runDir), 'podman.sock');
  const dockerHost = `unix://${socket}`;
  const env = { ...process.env, CONTAINERS_CONF, DOCKER_HOST: dockerHost };
  const service: ChildProcess = spawn('podman', ['system', 'service', '--time=0', dockerHost], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  service.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const deadline = Date.now() + 30_000;
  while (!(existsSync(socket) && (await ping(socket)))) {
    if (service.exitCode !== null || Date.now() > deadline) {
      service.kill('SIGKILL');
      throw new Error(`podman system service did not come up: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    dockerHost,
    socket,
    env,
    podman: (args, opts) => run('podman', args, env, opts),
    compose: (args, opts) => run('docker-compose', args, env, opts),
    api: (path) =>
      new Promise((resolvePromise, reject) => {
        const req = request({ socketPath: socket, path, timeout: 30_000 }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      }),
    stop: async () => {
      if (service.exitCode !== null) return;
      const exited = new Promise((r) => service.once('exit', r));
      service.kill('SIGTERM');
      const force = setTimeout(() => service.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
}
