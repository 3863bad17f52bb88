/**
 * Side-by-side benchmark: our system exporter vs Debian's prometheus-node-exporter with the
 * same collectors, on this host. Run with `npm run bench` (outside the test suite).
 *
 * Reports scrape latency p50/p99 (sequential and 8 concurrent clients), CPU milliseconds per
 * scrape from /proc/<pid>/stat, and RSS; then the ratios against node_exporter and the targets.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { processStats, type ManagedProcess } from '@llmmon/native-stack';
import { COLLECTOR_NAMES } from '@llmmon/exporter-system';
import { BUILT_MAIN, startBuiltExporter, startReferenceNodeExporter } from '../e2e/helpers';

const SEQUENTIAL = Number(process.env['BENCH_SEQUENTIAL'] ?? 400);
const CONCURRENT_CLIENTS = 8;
const PER_CLIENT = Number(process.env['BENCH_PER_CLIENT'] ?? 60);

interface Target {
  name: string;
  url: string;
  proc: ManagedProcess;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One scrape with the headers Prometheus sends; resolves with the latency in ms. */
function scrapeOnce(url: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/metrics`,
      { agent, headers: { 'accept-encoding': 'gzip', accept: 'text/plain;version=0.0.4' } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
          else resolve(Number(process.hrtime.bigint() - started) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
};

async function sequential(t: Target) {
  const before = processStats(t.proc.pid).cpuMs;
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) latencies.push(await scrapeOnce(t.url));
  const cpuMs = processStats(t.proc.pid).cpuMs - before;
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), cpuMsPerScrape: cpuMs / SEQUENTIAL };
}

async function concurrent(t: Target) {
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENT_CLIENTS }, async () => {
      for (let i = 0; i < PER_CLIENT; i++) latencies.push(await scrapeOnce(t.url));
    }),
  );
  return { p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

async function main() {
  if (!existsSync(BUILT_MAIN))
    throw new Error(`${BUILT_MAIN} is missing: run "npx nx build system-exporter"`);
  console.log(
    `[bench] starting node_exporter and llmmon system-exporter (collectors: ${COLLECTOR_NAMES.join(',')})`,
  );
  const ne = await startReferenceNodeExporter();
  // No result cache: every scrape collects, as node_exporter does.
  const ours = await startBuiltExporter({ SCRAPE_CACHE_SECONDS: '0' });
  const targets: Target[] = [
    { name: 'node_exporter', url: ne.url, proc: ne },
    { name: 'llmmon', url: ours.url, proc: ours.proc },
  ];
  try {
    const results: Record<string, Record<string, number>> = {};
    for (const t of targets) {
      console.log(`[bench] ${t.name}: warm-up`);
      for (let i = 0; i < 30; i++) await scrapeOnce(t.url);
      console.log(`[bench] ${t.name}: ${SEQUENTIAL} sequential scrapes`);
      const seq = await sequential(t);
      console.log(`[bench] ${t.name}: ${CONCURRENT_CLIENTS} clients x ${PER_CLIENT} scrapes`);
      const conc = await concurrent(t);
      results[t.name] = {
        seq_p50_ms: seq.p50,
        seq_p99_ms: seq.p99,
        cpu_ms_per_scrape: seq.cpuMsPerScrape,
        conc8_p50_ms: conc.p50,
        conc8_p99_ms: conc.p99,
        rss_mb: processStats(t.proc.pid).rssBytes / 1024 / 1024,
      };
    }
    const ne1 = results['node_exporter']!;
    const us = results['llmmon']!;
    console.table(
      Object.fromEntries(Object.entries(results).map(([k, r]) => [k, mapValues(r, (x) => round(x))])),
    );
    const summary = {
      cpu_ratio: us['cpu_ms_per_scrape']! / ne1['cpu_ms_per_scrape']!,
      seq_p99_ratio: us['seq_p99_ms']! / ne1['seq_p99_ms']!,
      conc8_p99_ratio: us['conc8_p99_ms']! / ne1['conc8_p99_ms']!,
      rss_ratio: us['rss_mb']! / ne1['rss_mb']!,
    };
    const checks = [
      [
        `CPU per scrape ${round(summary.cpu_ratio)}x node_exporter (target <= 1.0x)`,
        summary.cpu_ratio <= 1.0,
      ],
      [
        `p99 with 8 concurrent clients ${round(us['conc8_p99_ms']!)} ms (target < 50 ms)`,
        us['conc8_p99_ms']! < 50,
      ],
      [`RSS ${round(us['rss_mb']!)} MB (target < 80 MB)`, us['rss_mb']! < 80],
    ] as const;
    for (const [text, ok] of checks) console.log(`${ok ? 'PASS' : 'MISS'}  ${text}`);
    const out = join(__dirname, 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'latest.json'),
      JSON.stringify({ when: new Date().toISOString(), node: process.version, results, summary }, null, 2) +
        '\n',
    );
    console.log(`[bench] wrote ${join(out, 'latest.json')}`);
  } finally {
    await Promise.all(targets.map((t) => t.proc.stop()));
    agent.destroy();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const mapValues = <T, U>(o: Record<string, T>, f: (v: T) => U) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
