/**
 * Bench: what monitoring costs the host, the six exporters as six processes and as one agent,
 * side by side. Runs the demo stack (simulator, the exporters, Prometheus scraping at 30 s)
 * twice, once each way, and measures over BENCH_STACK_SECONDS (default 600) each time the CPU
 * and memory of the exporters. Targets: SPEC §12, under 2% of the machine's CPU; issue 17, the
 * agent at most 130 MB RSS for all six and no more CPU than the six processes together. The
 * simulator and Prometheus are measured too but not counted: on a real server neither runs as
 * part of the exporters' cost.
 *   npx tsx tools/bench/stack.ts        (or: npm run bench, which runs every bench)
 */
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { processStats } from '@llmmon/native-stack';
import { TOPOLOGY } from '@llmmon/topology';
import { startDemo } from '../demo/run-demo';

const SECONDS = Number(process.env['BENCH_STACK_SECONDS'] ?? 600);
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

interface Row {
  readonly app: string;
  readonly cpuPercentOfMachine: number;
  readonly peakRssMB: number;
}

/** Runs the demo one way, measures every process for SECONDS: CPU share of the machine and peak RSS. */
async function measure(label: string, apps: readonly string[], args: readonly string[]): Promise<Row[]> {
  console.log(`[bench] ${label}: starting the demo stack (30 s scrapes), measuring for ${SECONDS} s …`);
  const demo = await startDemo({ PROMETHEUS_SCRAPE_INTERVAL: '30s' }, 180_000, args);
  try {
    const pids = Object.fromEntries([...apps, ...OTHERS].map((a) => [a, pidOf(a)]));
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
    return Object.entries(pids).map(([a, pid]) => ({
      app: a,
      cpuPercentOfMachine: (100 * (processStats(pid).cpuMs - before[a]!.cpuMs)) / elapsedMs / cores,
      peakRssMB: peakRss[a]! / 2 ** 20,
    }));
  } finally {
    demo.child.kill('SIGINT');
    await demo.exited;
    demo.cleanup();
  }
}

const line = (name: string, cpu: number, rss: number) =>
  `  ${name.padEnd(22)} ${cpu.toFixed(3).padStart(7)}   ${rss.toFixed(1).padStart(8)}`;

async function main(): Promise<void> {
  const apps = TOPOLOGY.map((t) => t.app);
  const six = await measure('six processes', apps, []);
  const agent = await measure('one agent', ['agent'], ['--agent']);
  const total = (rows: Row[], names: readonly string[]) => {
    const mine = rows.filter((r) => names.includes(r.app));
    return {
      cpu: mine.reduce((s, r) => s + r.cpuPercentOfMachine, 0),
      rss: mine.reduce((s, r) => s + r.peakRssMB, 0),
    };
  };
  const sixTotal = total(six, apps);
  const agentTotal = total(agent, ['agent']);
  console.log(
    `\n  ${SECONDS} s each at 30 s scrapes, ${availableParallelism()} cores; CPU as % of the whole machine\n`,
  );
  console.log('  process                  CPU %    peak RSS MB');
  for (const r of six) console.log(line(r.app, r.cpuPercentOfMachine, r.peakRssMB));
  console.log(line('six processes together', sixTotal.cpu, sixTotal.rss));
  console.log('');
  for (const r of agent)
    console.log(line(r.app === 'agent' ? 'agent (all six)' : r.app, r.cpuPercentOfMachine, r.peakRssMB));
  console.log(
    [
      '',
      `  agent vs six processes: RSS ${agentTotal.rss.toFixed(1)} MB vs ${sixTotal.rss.toFixed(1)} MB ` +
        `(${(agentTotal.rss / sixTotal.rss).toFixed(2)}x), CPU ${agentTotal.cpu.toFixed(3)}% vs ${sixTotal.cpu.toFixed(3)}% ` +
        `(${(agentTotal.cpu / sixTotal.cpu).toFixed(2)}x)`,
      `  ${agentTotal.rss <= 130 ? 'PASS' : 'MISS'}  agent RSS ≤ 130 MB for all six (${(agentTotal.rss / 130).toFixed(2)}x of it)`,
      `  ${agentTotal.cpu <= sixTotal.cpu ? 'PASS' : 'MISS'}  agent CPU ≤ the six processes' sum`,
      `  ${sixTotal.cpu < 2 && agentTotal.cpu < 2 ? 'PASS' : 'MISS'}  CPU < 2% of the machine either way`,
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error(`[bench] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
