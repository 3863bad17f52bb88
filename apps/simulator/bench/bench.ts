/**
 * Simulator load benchmark (`npm run bench`, outside the test suite): what it costs to play
 * the upstreams while exporters scrape them. In the dense layout (10 vLLM containers, 20 in
 * all), every second: /metrics of each of the 10 vLLM instances and Docker one-shot stats of
 * 16 containers, for BENCH_SECONDS. Reports the simulator's CPU as a share of one
 * core (from /proc/<pid>/stat), its RSS, and request latencies; targets: < 10% of one core,
 * < 150 MB RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStats, startSimulator } from '@llmmon/native-stack';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 60);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function get(url: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
          : reject(new Error(`${url}: ${res.statusCode}`)),
      );
    })
      .on('error', reject)
      .end();
  });
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-sim-bench-'));
  console.log(`[bench] starting the simulator (realtime clock, dense layout), ${SECONDS} s of load`);
  const sim = await startSimulator({
    root: join(__dirname, '../../..'),
    dataDir,
    env: { SIM_LAYOUT: 'dense' },
  });
  try {
    const upstreams = sim.upstreams;
    const containers = (await (await fetch(`${upstreams.docker.url}/containers/json?all=1`)).json()) as {
      Names: string[];
    }[];
    const names = containers.map((c) => c.Names[0]!.slice(1));
    const targets = [
      ...upstreams.vllm.map((v) => `${v.url}/metrics`),
      ...names.slice(0, 16).map((n) => `${upstreams.docker.url}/containers/${n}/stats?stream=false`),
    ];
    console.log(
      `[bench] ${targets.length} requests per second: 10 vLLM /metrics + ${targets.length - 10} Docker stats`,
    );
    for (const t of targets) await get(t); // warm-up
    const before = processStats(sim.pid).cpuMs;
    const startedAt = Date.now();
    const latencies: number[] = [];
    for (let s = 0; s < SECONDS; s++) {
      const tickStart = Date.now();
      latencies.push(...(await Promise.all(targets.map(get))));
      if (s % 10 === 9) console.log(`[bench] ${s + 1}/${SECONDS} s`);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tickStart))));
    }
    const wallMs = Date.now() - startedAt;
    const cpuMs = processStats(sim.pid).cpuMs - before;
    const rssMb = processStats(sim.pid).rssBytes / 1024 / 1024;
    const cpuShare = cpuMs / wallMs;
    console.table({
      simulator: {
        requests: latencies.length,
        p50_ms: Math.round(pct(latencies, 50) * 100) / 100,
        p99_ms: Math.round(pct(latencies, 99) * 100) / 100,
        cpu_pct_of_one_core: Math.round(cpuShare * 1000) / 10,
        rss_mb: Math.round(rssMb * 10) / 10,
      },
    });
    console.log(
      `${cpuShare < 0.1 ? 'PASS' : 'MISS'}  CPU ${(cpuShare * 100).toFixed(1)}% of one core (target < 10%)`,
    );
    console.log(`${rssMb < 150 ? 'PASS' : 'MISS'}  RSS ${rssMb.toFixed(1)} MB (target < 150 MB)`);
  } finally {
    await sim.stop();
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
