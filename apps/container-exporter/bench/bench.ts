/**
 * Container exporter benchmark (`npm run bench`, outside the test suite). With 16 and 100
 * simulated containers (the simulator's 15 plus SIM_EXTRA_CONTAINERS idle ones), runs the
 * built exporter and measures: scrape latency p50/p99 and CPU ms per scrape over 100
 * sequential scrapes without the scrape cache (every scrape makes one stats call per running
 * container), then the exporter's CPU share of one core over 120 s scraped every 15 s with
 * gzip, as Prometheus does. Target: under 1% of one core with 100 containers (the anchor:
 * cAdvisor users report several percent for 30 containers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, processStats, startProcess, startSimulator } from '@llmmon/native-stack';

const ROOT = join(__dirname, '../../..');
const agent = new Agent({ keepAlive: true });
const SCRAPES = 100;
const WINDOW_S = 120;
const INTERVAL_S = 15;

/** One scrape; `gzip` asks for it as Prometheus does (the exporter then compresses each body). */
function scrapeOnce(url: string, gzip = false): Promise<{ ms: number; bytes: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    request(`${url}/metrics`, { agent, headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, bytes }));
    })
      .on('error', reject)
      .end();
  });
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function measure(containers: number) {
  const dir = mkdtempSync(join(tmpdir(), 'llmmon-cex-bench-'));
  const sim = await startSimulator({
    root: ROOT,
    dataDir: join(dir, 'sim'),
    env: { SIM_EXTRA_CONTAINERS: String(containers - 15), SIM_HOST_REFRESH_SECONDS: '300' },
  });
  const start = async (env: Record<string, string>) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = await startProcess({
      name: 'container-exporter',
      command: join(ROOT, 'dist/apps/container-exporter/main.js'),
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        DOCKER_HOST: `unix://${sim.upstreams.docker.socket}`,
        ...env,
      },
      readyUrl: `${url}/ready`,
    });
    return { proc, url };
  };
  try {
    const uncached = await start({ SCRAPE_CACHE_SECONDS: '0' });
    const latencies: number[] = [];
    let cpuMs = 0;
    let bytes = 0;
    try {
      for (let i = 0; i < 20; i++) await scrapeOnce(uncached.url); // warm-up: JIT, sockets
      const before = processStats(uncached.proc.pid).cpuMs;
      for (let i = 0; i < SCRAPES; i++) {
        const r = await scrapeOnce(uncached.url);
        latencies.push(r.ms);
        bytes = r.bytes;
      }
      cpuMs = (processStats(uncached.proc.pid).cpuMs - before) / SCRAPES;
    } finally {
      await uncached.proc.stop();
    }
    // As deployed: the defaults, one scrape every 15 s, the event stream followed between.
    const deployed = await start({});
    let share: number;
    try {
      await scrapeOnce(deployed.url);
      await new Promise((r) => setTimeout(r, 5_000)); // start-up (JIT) is not the steady cost
      const before = processStats(deployed.proc.pid).cpuMs;
      const started = Date.now();
      for (let t = 0; t < WINDOW_S; t += INTERVAL_S) {
        await scrapeOnce(deployed.url, true);
        await new Promise((r) => setTimeout(r, INTERVAL_S * 1000));
      }
      share = (processStats(deployed.proc.pid).cpuMs - before) / (Date.now() - started);
    } finally {
      await deployed.proc.stop();
    }
    return {
      containers,
      body_kb: round(bytes / 1024, 1),
      scrape_p50_ms: round(pct(latencies, 50)),
      scrape_p99_ms: round(pct(latencies, 99)),
      cpu_ms_per_scrape: round(cpuMs),
      cpu_pct_one_core_at_15s: round(share * 100, 3),
    };
  } finally {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const rows = [];
  for (const n of [16, 100]) {
    console.log(
      `[bench] ${n} containers: ${SCRAPES} scrapes, then ${WINDOW_S} s scraped every ${INTERVAL_S} s …`,
    );
    rows.push(await measure(n));
  }
  console.table(rows);
  const hundred = rows.find((r) => r.containers === 100)!;
  console.log(
    `${hundred.cpu_pct_one_core_at_15s < 1 ? 'PASS' : 'MISS'}  100 containers scraped every 15 s: ` +
      `${hundred.cpu_pct_one_core_at_15s}% of one core (target < 1%; ` +
      `${round(hundred.cpu_pct_one_core_at_15s / 1, 3)}x the target)`,
  );
  agent.destroy();
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
