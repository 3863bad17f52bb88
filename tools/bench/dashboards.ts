/**
 * Bench: what the dashboards cost Prometheus. Runs the demo stack as `npm run backfill` does
 * (7 days of history, a scrape every 5 minutes, then live at 30 s) and sends every panel's
 * query over 7 days at the dashboard's default step, as Grafana would. Target (issue 9):
 * every query answers in under 500 ms. Each query runs three times; the median counts.
 *   npx tsx tools/bench/dashboards.ts     (or: npm run bench, which runs every bench)
 * BENCH_BACKFILL_STEP_SECONDS (300) trades history density for a quicker start.
 */
import { startDemo } from '../demo/run-demo';
import {
  askPrometheus,
  defaultValues,
  loadDashboards,
  panelRange,
  prometheusQueries,
  queryName,
} from '../demo/dashboards';

const TARGET_SECONDS = 0.5;
const WEEK = 7 * 86_400;
const SCRAPE_SECONDS = 30;
const STEP = process.env['BENCH_BACKFILL_STEP_SECONDS'] ?? '300';

async function main(): Promise<void> {
  console.log(`[bench] starting the demo stack with 7 days of history (a scrape every ${STEP} s) …`);
  const demo = await startDemo(
    {
      DEMO_BACKFILL_DAYS: '7',
      DEMO_BACKFILL_STEP_SECONDS: STEP,
      PROMETHEUS_SCRAPE_INTERVAL: `${SCRAPE_SECONDS}s`,
    },
    1_800_000,
  );
  try {
    // Two live scrapes, so the newest points are there too.
    await new Promise((r) => setTimeout(r, 2 * SCRAPE_SECONDS * 1000));
    const queries = prometheusQueries(loadDashboards().map((d) => d.dashboard));
    const results: { name: string; seconds: number; samples: number }[] = [];
    for (const [i, q] of queries.entries()) {
      const runs = [];
      for (let r = 0; r < 3; r++)
        runs.push(
          await askPrometheus(demo.prometheus, q.target, defaultValues(q.dashboard), {
            range: panelRange(q.panel, WEEK),
            scrapeInterval: SCRAPE_SECONDS,
          }),
        );
      if (runs[0]!.error) throw new Error(`${queryName(q)}: ${runs[0]!.error}`);
      runs.sort((a, b) => a.seconds - b.seconds);
      results.push({ name: queryName(q), seconds: runs[1]!.seconds, samples: runs[1]!.peakSamples });
      process.stdout.write(`\r[bench] ${i + 1}/${queries.length} panel queries`);
    }
    process.stdout.write('\n');
    results.sort((a, b) => b.seconds - a.seconds);
    const over = results.filter((r) => r.seconds >= TARGET_SECONDS);
    console.log('slowest five panel queries over 7 days (median of 3):');
    for (const r of results.slice(0, 5))
      console.log(
        `  ${(r.seconds * 1000).toFixed(1).padStart(7)} ms  ${String(r.samples).padStart(8)} samples  ${r.name}`,
      );
    const total = results.reduce((a, r) => a + r.seconds, 0);
    console.log(
      `${results.length} queries, ${(total * 1000).toFixed(0)} ms in all; ${over.length} at or over ${TARGET_SECONDS * 1000} ms (target: none) — ${over.length ? 'FAIL' : 'ok'}`,
    );
    process.exitCode = over.length ? 1 : 0;
  } finally {
    demo.child.kill('SIGINT');
    await demo.exited;
    demo.cleanup();
  }
}

void main();
