/**
 * GPU exporter benchmark (`npm run bench`, outside the test suite). For each source — the
 * simulator's nvidia-smi shim (8 GPUs) and NVML through koffi on the gcc-compiled stub — runs
 * the built exporter and measures: the source's read time (llmmon_upstream_read_duration_seconds
 * over several reads), CPU ms per scrape over 300 sequential scrapes without the
 * scrape cache, and scrape p50/p99 with 8 concurrent clients with the defaults, against
 * node_exporter under the same clients. Targets: p99 < 20 ms whatever the source; < 5 ms CPU per
 * scrape with NVML. A third row replays the shim's answers through a script that sleeps 2 s per
 * call, like nvidia-smi on a host without persistence mode: slow, but not burning our 2 cores
 * the way the shim (a Node process per call) does.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  processStats,
  startNodeExporter,
  startProcess,
  startSimulator,
} from '@llmmon/native-stack';
import { APP_FIELDS, GPU_FIELDS } from '@llmmon/exporter-gpu';
import { compileNvmlStub } from '@llmmon/fixtures';

const DIST = join(__dirname, '../../../dist/apps');
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const SCRAPES = 300;

function scrapeOnce(url: string): Promise<{ ms: number; body: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    request(`${url}/metrics`, { agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, body }));
    })
      .on('error', reject)
      .end();
  });
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

async function startExporter(env: Record<string, string>) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'gpu-exporter',
    command: join(DIST, 'gpu-exporter/main.js'),
    env: { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', DOCKER_ENABLED: 'false', ...env },
    readyUrl: `${url}/ready`,
  });
  return { proc, url };
}

/** 8 clients, 50 scrapes each, as fast as answers come. */
async function concurrentLatencies(url: string): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 50; i++) latencies.push((await scrapeOnce(url)).ms);
    }),
  );
  return latencies;
}

/**
 * The machine's floor for the same client: Debian's node_exporter (Go) serving a body of
 * similar size (~40 kB) under the same 8 clients.
 */
async function nodeExporterBaseline() {
  const exporter = await startNodeExporter({
    port: await freePort(),
    collectors: ['cpu', 'meminfo', 'netdev', 'diskstats', 'filesystem', 'stat', 'vmstat'],
  });
  try {
    const bytes = (await scrapeOnce(exporter.url)).body.length;
    for (let i = 0; i < 100; i++) await scrapeOnce(exporter.url); // warm-up, as for ours
    const latencies = await concurrentLatencies(exporter.url);
    return {
      bytes,
      conc8_p50_ms: Math.round(pct(latencies, 50) * 100) / 100,
      conc8_p99_ms: Math.round(pct(latencies, 99) * 100) / 100,
    };
  } finally {
    await exporter.stop();
  }
}

async function measure(name: string, env: Record<string, string>) {
  // Read time: the source's own duration gauge over ten reads, refreshing every 0.5 s.
  const fast = await startExporter({ ...env, GPU_REFRESH_SECONDS: '0.5' });
  const reads: number[] = [];
  try {
    for (let i = 0; i < 10; i++) {
      const { body } = await scrapeOnce(fast.url);
      const m =
        /^llmmon_upstream_read_duration_seconds\{[^}]*upstream="(?:nvml|nvidia-smi)"[^}]*\} (\S+)$/m.exec(
          body,
        );
      if (m) reads.push(Number(m[1]) * 1000);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await fast.proc.stop();
  }
  // CPU per scrape with every scrape collecting and rendering (no scrape cache), as
  // Prometheus scraping every 30 s sees it.
  const uncached = await startExporter({ ...env, SCRAPE_CACHE_SECONDS: '0' });
  let cpuMs: number;
  try {
    const before = processStats(uncached.proc.pid).cpuMs;
    for (let i = 0; i < SCRAPES; i++) await scrapeOnce(uncached.url);
    cpuMs = (processStats(uncached.proc.pid).cpuMs - before) / SCRAPES;
  } finally {
    await uncached.proc.stop();
  }
  // Concurrent scrapes with the defaults (10 s background refresh, 1 s scrape cache).
  const { proc: exporter, url } = await startExporter(env);
  try {
    for (let i = 0; i < 100; i++) await scrapeOnce(url); // warm-up: JIT, sockets
    const latencies = await concurrentLatencies(url);
    return {
      source: name,
      read_ms_avg: Math.round((reads.reduce((a, b) => a + b, 0) / reads.length) * 10) / 10,
      cpu_ms_per_scrape: Math.round(cpuMs * 100) / 100,
      conc8_p50_ms: Math.round(pct(latencies, 50) * 100) / 100,
      conc8_p99_ms: Math.round(pct(latencies, 99) * 100) / 100,
    };
  } finally {
    await exporter.stop();
  }
}

/** An nvidia-smi that answers what the shim answered, after sleeping `seconds`. */
function slowNvidiaSmi(dir: string, shim: string, seconds: number): string {
  const ask = (...args: string[]) => execFileSync(shim, args, { encoding: 'utf8' });
  const gpus = join(dir, 'gpus.csv');
  const apps = join(dir, 'apps.csv');
  const version = join(dir, 'version.txt');
  writeFileSync(gpus, ask(`--query-gpu=${GPU_FIELDS.join(',')}`, '--format=csv,noheader,nounits'));
  writeFileSync(apps, ask(`--query-compute-apps=${APP_FIELDS.join(',')}`, '--format=csv,noheader,nounits'));
  writeFileSync(version, ask('--version'));
  const script = join(dir, 'slow-nvidia-smi');
  writeFileSync(
    script,
    `#!/bin/sh\nsleep ${seconds}\ncase "$*" in\n  *--query-gpu=*) cat '${gpus}' ;;\n` +
      `  *--query-compute-apps=*) cat '${apps}' ;;\n  *) cat '${version}' ;;\nesac\n`,
  );
  chmodSync(script, 0o755);
  return script;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'llmmon-gpu-bench-'));
  console.log('[bench] starting the simulator and compiling the NVML stub');
  // The GPU bench needs only the simulated GPUs: no host tree rewrites competing for the CPU.
  const sim = await startSimulator({
    root: join(__dirname, '../../..'),
    dataDir: join(dir, 'sim'),
    env: { SIM_HOST_REFRESH_SECONDS: '300' },
  });
  const stub = compileNvmlStub(dir, 'stub');
  try {
    const shim = sim.upstreams.nvidia_smi;
    const results = [];
    console.log('[bench] NVML (stub) …');
    results.push(await measure('nvml (stub)', { GPU_SOURCE: 'nvml', NVML_LIBRARY: stub }));
    console.log('[bench] nvidia-smi (simulator shim) …');
    results.push(await measure('nvidia-smi (shim)', { GPU_SOURCE: 'nvidia-smi', NVIDIA_SMI_PATH: shim }));
    console.log('[bench] nvidia-smi (2 s per call, idle while it waits) …');
    results.push(
      await measure('nvidia-smi (slow 2 s)', {
        GPU_SOURCE: 'nvidia-smi',
        NVIDIA_SMI_PATH: slowNvidiaSmi(dir, shim, 2),
        NVIDIA_SMI_TIMEOUT_SECONDS: '5',
      }),
    );
    console.table(results);
    console.log('[bench] anchor: node_exporter under the same 8 clients …');
    const anchor = await nodeExporterBaseline();
    console.log(
      `anchor node_exporter (${anchor.bytes} bytes): p50 ${anchor.conc8_p50_ms} ms, p99 ${anchor.conc8_p99_ms} ms with 8 clients`,
    );
    for (const r of results) {
      console.log(
        `${r.conc8_p99_ms < 20 ? 'PASS' : 'MISS'}  ${r.source}: p99 with 8 clients ${r.conc8_p99_ms} ms ` +
          `(target < 20 ms; ${(r.conc8_p99_ms / anchor.conc8_p99_ms).toFixed(2)}x node_exporter's)`,
      );
    }
    const nvml = results[0]!;
    console.log(
      `${nvml.cpu_ms_per_scrape < 5 ? 'PASS' : 'MISS'}  nvml: CPU ${nvml.cpu_ms_per_scrape} ms per scrape (target < 5 ms)`,
    );
  } finally {
    await sim.stop();
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
