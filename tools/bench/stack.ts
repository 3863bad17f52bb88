/**
 * Bench: what monitoring costs the host. Runs the demo stack (simulator, every exporter,
 * Prometheus scraping at 30 s) and measures, over BENCH_STACK_SECONDS (default 600), the CPU
 * and memory of the exporters together. SPEC §12: under 2% of the machine's CPU, and (issue
 * 8) under 500 MB RSS in total. The simulator and Prometheus are measured too but not counted:
 * on a real server neither runs as part of the exporters' cost (Prometheus may run elsewhere).
 *   npx tsx tools/bench/stack.ts        (or: npm run bench, which runs every bench)
 */
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { processStats } from '@llmmon/native-stack';
import { startDemo } from '../demo/run-demo';

const SECONDS = Number(process.env['BENCH_STACK_SECONDS'] ?? 600);
const APPS = [
  'system-exporter',
  'gpu-exporter',
  'container-exporter',
  'vllm-exporter',
  'litellm-exporter',
  'langfuse-exporter',
] as const;
const OTHERS = ['simulator', 'prometheus'] as const;

/** The pid of the process whose command line names `what` (a built app, or prometheus). */
function pidOf(what: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const match =
        what === 'prometheus'
          ? cmd[0]?.endsWith('/prometheus')
          : cmd.some((a) => a.endsWith(`dist/apps/${what}/main.js`));
      if (match) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no running process for ${what}`);
}

async function main(): Promise<void> {
  console.log(`[bench] starting the demo stack (30 s scrapes) and measuring for ${SECONDS} s …`);
  const demo = await startDemo({ PROMETHEUS_SCRAPE_INTERVAL: '30s' }, 180_000);
  try {
    const pids = Object.fromEntries([...APPS, ...OTHERS].map((a) => [a, pidOf(a)]));
    const before = Object.fromEntries(Object.entries(pids).map(([a, pid]) => [a, processStats(pid)]));
    const peakRss: Record<string, number> = {};
    const started = Date.now();
    while (Date.now() - started < SECONDS * 1000) {
      await new Promise((r) => setTimeout(r, 5000));
      for (const [a, pid] of Object.entries(pids))
        peakRss[a] = Math.max(peakRss[a] ?? 0, processStats(pid).rssBytes);
      const done = Math.min(1, (Date.now() - started) / (SECONDS * 1000));
      process.stdout.write(
        `\r[bench] ${'#'.repeat(Math.round(done * 30)).padEnd(30, '.')} ${Math.round(done * 100)}%`,
      );
    }
    process.stdout.write('\n');
    const elapsedMs = Date.now() - started;
    const cores = availableParallelism();
    const rows = Object.entries(pids).map(([a, pid]) => {
      const cpuMs = processStats(pid).cpuMs - before[a]!.cpuMs;
      return {
        app: a,
        cpuPercentOfMachine: (100 * cpuMs) / elapsedMs / cores,
        peakRssMB: peakRss[a]! / 2 ** 20,
      };
    });
    const exporters = rows.filter((r) => (APPS as readonly string[]).includes(r.app));
    const totalCpu = exporters.reduce((s, r) => s + r.cpuPercentOfMachine, 0);
    const totalRss = exporters.reduce((s, r) => s + r.peakRssMB, 0);
    console.log(`\n  ${SECONDS} s at 30 s scrapes, ${cores} cores; CPU as % of the whole machine\n`);
    console.log('  process              CPU %    peak RSS MB');
    for (const r of rows)
      console.log(
        `  ${r.app.padEnd(20)} ${r.cpuPercentOfMachine.toFixed(3).padStart(6)}   ${r.peakRssMB.toFixed(1).padStart(8)}`,
      );
    console.log(
      `  ${'exporters together'.padEnd(20)} ${totalCpu.toFixed(3).padStart(6)}   ${totalRss.toFixed(1).padStart(8)}`,
    );
    console.log(
      `\n  targets: CPU < 2% of the machine (${(totalCpu / 2).toFixed(2)}x of it used), RSS < 500 MB (${(totalRss / 500).toFixed(2)}x)`,
    );
  } finally {
    demo.child.kill('SIGINT');
    await demo.exited;
    demo.cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(`[bench] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
