/**
 * Bench: a fleet's cost (issue 19). Three live simulated hosts (standard, dense, MIG layouts;
 * each its agent and Prometheus at 30 s scrapes) ship to VictoriaMetrics, and 20 more hosts'
 * 7 days of history are imported into it (four simulated weeks, one per layout with its own
 * seed, each under five host names: the data of 20 hosts, made in a fifth of the time). Then:
 *   per host: active series at the centre and in its Prometheus, samples/s and bytes/s of
 *     remote write (its Prometheus's own counters);
 *   centre: VictoriaMetrics's resident memory, and disk per host-day (its bytes per stored
 *     sample x a host-day of samples at 30 s scrapes);
 *   every Fleet overview panel query over 7 days, all 23 hosts, median of 3: p95 and max.
 * Targets: <= 10 000 series per 8-GPU host (dense layout), p95 < 500 ms.
 *   npx tsx tools/bench/fleet.ts   (or: npm run bench)
 * BENCH_FLEET_LIVE_MINUTES (5): how long the live hosts ship before the rates are read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  queryPrometheus,
  startAgent,
  startSimulator,
  freePort,
  type PromVectorSample,
} from '@llmmon/native-stack';
import { simulatedEnv, TOPOLOGY } from '@llmmon/topology';
import { backfill } from '../demo/backfill';
import {
  askPrometheus,
  defaultValues,
  loadDashboards,
  panelRange,
  prometheusQueries,
  queryName,
} from '../demo/dashboards';
import { startFleet } from '../demo/fleet';
import { shippedFilter } from '../demo/prometheus-config';
import { ROOT } from '../demo/run-demo';

const WEEK_MS = 7 * 86_400_000;
const SCRAPE_SECONDS = 30;
const BACKFILL_STEP_MS = 300_000;
const LIVE_MINUTES = Number(process.env['BENCH_FLEET_LIVE_MINUTES'] ?? '5');
const HISTORIES = [
  { layout: 'standard', seed: 142 },
  { layout: 'dense', seed: 143 },
  { layout: 'mig', seed: 144 },
  { layout: 'h100', seed: 145 },
] as const;
const NAMES_PER_HISTORY = 5;
const SERIES_TARGET = 10_000;
const QUERY_TARGET_SECONDS = 0.5;

const say = (msg: string) => console.log(`[bench] ${msg}`);
const num = (r: PromVectorSample[]) => Number(r[0]?.value[1] ?? NaN);
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** One simulated week of a layout, imported into the centre under `hosts`. */
async function importHistory(
  dir: string,
  centre: string,
  h: (typeof HISTORIES)[number],
  hosts: string[],
): Promise<void> {
  const fromMs = Date.now() - WEEK_MS;
  const simulator = await startSimulator({
    root: ROOT,
    dataDir: join(dir, 'simulator'),
    env: {
      SIM_LAYOUT: h.layout,
      SIM_SEED: String(h.seed),
      SIM_CLOCK: 'manual',
      SIM_START_TIME: new Date(fromMs).toISOString(),
      CONTROL_RATE_LIMIT_PER_MINUTE: '1000000',
    },
  });
  const agent = await startAgent({
    root: ROOT,
    env: {
      ...simulatedEnv(simulator.upstreams, join(dir, 'simulator')),
      // The GPUs read as often as the clock moves (as `npm run backfill` does).
      GPU_REFRESH_SECONDS: '0.2',
    },
  });
  try {
    let shown = -1;
    const result = await backfill({
      simulator: simulator.url,
      adminToken: simulator.adminToken,
      targets: TOPOLOGY.map((t) => ({
        job: t.job,
        instance: new URL(agent.url).host,
        url: `${agent.url}/metrics/${t.definition.name}`,
        labels: {},
      })),
      fromMs,
      toMs: () => Date.now(),
      stepMs: BACKFILL_STEP_MS,
      workDir: join(dir, 'work'),
      importUrls: hosts.map((host) => `${centre}/api/v1/import/prometheus?extra_label=host=${host}`),
      importFilter: shippedFilter(),
      onProgress: (_, done, total) => {
        const percent = Math.floor((100 * done) / total);
        if (percent !== shown && percent % 10 === 0) say(`  ${h.layout}: ${percent}%`);
        shown = percent;
      },
    });
    say(`  ${h.layout}: ${fmt(result.samples)} samples a host, as ${hosts.join(', ')}`);
  } finally {
    await agent.stop();
    await simulator.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'llmmon-bench-fleet-'));
  let stopFleet: (() => Promise<void>) | undefined;
  try {
    say(`a fleet of 3 live hosts at ${SCRAPE_SECONDS} s scrapes …`);
    const fleet = await startFleet({
      hosts: 3,
      dataDir: dir,
      centrePort: await freePort(),
      env: { PROMETHEUS_SCRAPE_INTERVAL: `${SCRAPE_SECONDS}s`, DEMO_ADMIN_TOKEN: 'bench-fleet-admin-token' },
      say: (m) => say(m),
      onStop: (stop) => (stopFleet = stop),
      main: join(ROOT, 'tools/demo/main.ts'),
      root: ROOT,
    });
    const centre = fleet.centre.url;
    const liveFrom = Date.now();
    let n = 4;
    for (const h of HISTORIES) {
      const hosts = Array.from(
        { length: NAMES_PER_HISTORY },
        () => `gpu-node-${String(n++).padStart(2, '0')}`,
      );
      say(`importing 7 days of a ${h.layout} host (a scrape every ${BACKFILL_STEP_MS / 1000} s) …`);
      const started = Date.now();
      await importHistory(join(dir, `history-${h.layout}`), centre, h, hosts);
      say(`  in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    const waitMs = liveFrom + LIVE_MINUTES * 60_000 - Date.now();
    if (waitMs > 0) {
      say(`letting the live hosts ship for ${LIVE_MINUTES} minutes in all …`);
      await new Promise((r) => setTimeout(r, waitMs));
    }
    await fetch(`${centre}/internal/force_flush`);

    console.log('\nper live host (30 s scrapes):');
    console.log(
      '  host         layout    series at centre  in its Prometheus  samples/s  remote-write bytes/s',
    );
    let denseSeries = 0;
    for (const h of fleet.hosts) {
      const atCentre = num(await queryPrometheus(centre, `count({host="${h.name}"})`));
      const local = num(await queryPrometheus(h.prometheus, 'prometheus_tsdb_head_series'));
      const samples = num(
        await queryPrometheus(h.prometheus, 'sum(rate(prometheus_remote_storage_samples_total[3m]))'),
      );
      const bytes = num(
        await queryPrometheus(h.prometheus, 'sum(rate(prometheus_remote_storage_bytes_total[3m]))'),
      );
      if (h.layout === 'dense') denseSeries = atCentre;
      console.log(
        `  ${h.name}  ${h.layout.padEnd(8)}  ${fmt(atCentre).padStart(16)}  ${fmt(local).padStart(17)}  ${fmt(samples, 1).padStart(9)}  ${fmt(bytes).padStart(20)}`,
      );
    }

    const vm = await (await fetch(`${centre}/metrics`)).text();
    const metric = (name: string, match = '') =>
      vm
        .split('\n')
        .filter((l) => l.startsWith(name) && l.includes(match))
        .reduce((a, l) => a + Number(l.split(' ').at(-1)), 0);
    const rss = metric('process_resident_memory_bytes');
    const diskBytes =
      metric('vm_data_size_bytes{type="storage/') + metric('vm_data_size_bytes{type="indexdb');
    const rows = metric('vm_rows{type="storage/');
    const bytesPerSample = diskBytes / rows;
    const hostDaySamples = (denseSeries * 86_400) / SCRAPE_SECONDS;
    const hosts = num(await queryPrometheus(centre, 'count(count by (host) (last_over_time(up[7d])))'));
    console.log(`\ncentre: VictoriaMetrics with ${hosts} hosts, ${fmt(rows)} samples stored`);
    console.log(`  resident memory       ${fmt(rss / 2 ** 20)} MiB`);
    console.log(
      `  on disk               ${fmt(diskBytes / 2 ** 20, 1)} MiB, ${bytesPerSample.toFixed(2)} bytes a sample`,
    );
    console.log(
      `  per host-day          ${fmt((bytesPerSample * hostDaySamples) / 2 ** 20, 1)} MiB (a dense host, ${fmt(denseSeries)} series every ${SCRAPE_SECONDS} s)`,
    );

    const overview = loadDashboards()
      .map((d) => d.dashboard)
      .filter((d) => d.uid === 'llmmon-fleet-overview');
    const queries = prometheusQueries(overview);
    const results: { name: string; seconds: number; samples: number }[] = [];
    for (const [i, q] of queries.entries()) {
      const runs = [];
      for (let r = 0; r < 3; r++)
        runs.push(
          await askPrometheus(centre, q.target, defaultValues(q.dashboard), {
            range: panelRange(q.panel, WEEK_MS / 1000),
            scrapeInterval: SCRAPE_SECONDS,
          }),
        );
      if (runs[0]!.error) throw new Error(`${queryName(q)}: ${runs[0]!.error}`);
      runs.sort((a, b) => a.seconds - b.seconds);
      results.push({ name: queryName(q), seconds: runs[1]!.seconds, samples: runs[0]!.series });
      process.stdout.write(`\r[bench] ${i + 1}/${queries.length} Fleet overview queries`);
    }
    process.stdout.write('\n');
    const sorted = results.map((r) => r.seconds).sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
    const max = sorted.at(-1)!;
    results.sort((a, b) => b.seconds - a.seconds);
    console.log(`slowest Fleet overview queries over 7 days, ${hosts} hosts (median of 3):`);
    for (const r of results.slice(0, 5))
      console.log(
        `  ${(r.seconds * 1000).toFixed(1).padStart(7)} ms  ${String(r.samples).padStart(5)} series  ${r.name}`,
      );
    const seriesOk = denseSeries <= SERIES_TARGET;
    const queriesOk = p95 < QUERY_TARGET_SECONDS;
    console.log(
      `\ndense host: ${fmt(denseSeries)} series at the centre (target <= ${fmt(SERIES_TARGET)}) — ${seriesOk ? 'ok' : 'FAIL'}`,
    );
    console.log(
      `${results.length} panel queries: p95 ${(p95 * 1000).toFixed(0)} ms, max ${(max * 1000).toFixed(0)} ms (target: p95 < ${QUERY_TARGET_SECONDS * 1000} ms) — ${queriesOk ? 'ok' : 'FAIL'}`,
    );
    process.exitCode = seriesOk && queriesOk ? 0 : 1;
  } finally {
    await stopFleet?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
