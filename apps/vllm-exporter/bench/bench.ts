/**
 * vLLM exporter benchmark (`npm run bench`, outside the test suite): scrape latency with 10
 * instances that each answer every call after 20 ms (stand-in servers with the V1 fixture).
 * Target: p50 under 60 ms, i.e. the fan-out is concurrent (sequential reads would take
 * 10 x 20 ms x the calls per instance). The parser's throughput is metrics-core's bench.
 */
import { join } from 'node:path';
import { freePort, processStats, startProcess } from '@llmmon/native-stack';
import { startFakeVllm } from '@llmmon/fixtures';

const INSTANCES = 10;
const DELAY_MS = 20;
const SCRAPES = 50;

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

async function main() {
  console.log(
    `[bench] ${INSTANCES} stand-in vLLM servers answering after ${DELAY_MS} ms, ${SCRAPES} scrapes …`,
  );
  const fakes = await Promise.all(
    Array.from({ length: INSTANCES }, () => startFakeVllm({ delayMs: DELAY_MS })),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const exporter = await startProcess({
    name: 'vllm-exporter',
    command: join(__dirname, '../../../dist/apps/vllm-exporter/main.js'),
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DOCKER_ENABLED: 'false',
      SCRAPE_CACHE_SECONDS: '0',
      VLLM_URLS: fakes.map((f) => f.url).join(','),
    },
    readyUrl: `${url}/ready`,
  });
  try {
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) await (await fetch(`${url}/metrics`)).text(); // warm-up
    const before = processStats(exporter.pid).cpuMs;
    for (let i = 0; i < SCRAPES; i++) {
      const started = process.hrtime.bigint();
      bytes = (await (await fetch(`${url}/metrics`)).text()).length;
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    const cpuMs = (processStats(exporter.pid).cpuMs - before) / SCRAPES;
    const row = {
      instances: INSTANCES,
      body_kb: Math.round(bytes / 1024),
      p50_ms: Math.round(pct(latencies, 50) * 10) / 10,
      p99_ms: Math.round(pct(latencies, 99) * 10) / 10,
      cpu_ms_per_scrape: Math.round(cpuMs * 10) / 10,
    };
    console.table([row]);
    console.log(
      `${row.p50_ms < 60 ? 'PASS' : 'MISS'}  scrape p50 ${row.p50_ms} ms with ${INSTANCES} instances at ${DELAY_MS} ms each ` +
        `(target < 60 ms; sequential would be >= ${INSTANCES * DELAY_MS} ms)`,
    );
  } finally {
    await exporter.stop();
    await Promise.all(fakes.map((f) => f.close()));
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
