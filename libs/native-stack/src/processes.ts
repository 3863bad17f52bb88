import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';

/** Where a program is on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/** Like findExecutable, but says how to get it when it is missing. */
export function requireExecutable(name: string, debianPackage: string): string {
  const path = findExecutable(name);
  if (!path) {
    throw new Error(
      `${name} is not installed: run "npm run setup" (as root) or "apt-get install ${debianPackage}"`,
    );
  }
  return path;
}

/** Ports this process has handed out: never the same one twice. */
const handedOut = new Set<number>();

/** The kernel's ephemeral range, where bind(0) draws ports from. */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether `port` on 127.0.0.1 is free (nothing listens there). */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise((resolve) => server.close(resolve));
  return ok;
}

/**
 * A free TCP port on loopback for a test to hand to a server it starts. Taken below the
 * kernel's ephemeral range: a port from bind(0) (the simulator's upstreams bind that way)
 * could otherwise take it between this check and the server's own bind. Never the same port
 * twice in one process.
 */
export async function freePort(): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    // fetch() refuses the Fetch standard's "bad ports"; 10080 is the one in this range.
    if (handedOut.has(port) || port === 10080) continue;
    handedOut.add(port); // before the check: a concurrent call must not pick it meanwhile
    if (await isPortFree(port)) return port;
    handedOut.delete(port);
  }
  throw new Error(`no free port found between 10000 and ${low}`);
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: Record<string, string | undefined>;
  readonly cwd?: string;
  /** Polled until it answers 2xx; start fails if the process exits first or `timeoutMs` passes. */
  readonly readyUrl: string;
  readonly timeoutMs?: number;
  /** stdout and stderr go here (appended); otherwise they are kept in memory for error messages. */
  readonly logFile?: string;
}

/** Spawns a long-running program and waits until its HTTP endpoint answers. */
export async function startProcess(opts: StartOptions): Promise<ManagedProcess> {
  const child = spawn(opts.command, opts.args ?? [], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keepTail = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);
  if (opts.logFile) {
    mkdirSync(dirname(opts.logFile), { recursive: true });
    const log = createWriteStream(opts.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', (err) => {
    tail += `\n${err.message}`;
  });

  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined || child.exitCode !== null) {
      throw new Error(
        `${opts.name} exited (code ${exitCode ?? child.exitCode}) before it was ready:\n${tail.trim()}`,
      );
    }
    try {
      const res = await fetch(opts.readyUrl, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${opts.name} was not ready at ${opts.readyUrl} in time:\n${tail.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    name: opts.name,
    pid: child.pid ?? -1,
    child,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
