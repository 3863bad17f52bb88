/**
 * Bench: what monitoring costs the host, the six exporters as six processes and as one agent,
 * side by side: both demo stacks (simulator, the exporters, Prometheus scraping at 30 s) run at
 * the same time, so whatever else the machine does weighs on both alike, and each is measured
 * over the same BENCH_STACK_SECONDS (default 600): CPU and peak RSS of its exporters. Targets:
 * SPEC §12, under 2% of the machine's CPU; issue 17, the agent at most 130 MB RSS for all six
 * and no more CPU than the six processes together. The simulators and Prometheus servers are
 * measured too but not counted: on a real server neither runs as part of the exporters' cost.
 * The main thread's share is printed apart: the rest is V8's GC and compiler helpers and
 * libuv's pool, where one heap and six heaps differ most. BENCH_SCRAPE_INTERVAL (default 30s)
 * scrapes faster, to weigh the per-scrape work over the timers'.
 *   npx tsx tools/bench/stack.ts        (or: npm run bench, which runs every bench)
 */
import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { processStats } from '@llmmon/native-stack';
import { TOPOLOGY } from '@llmmon/topology';
import { startDemo, type RunningDemo } from '../demo/run-demo';

const SECONDS = Number(process.env['BENCH_STACK_SECONDS'] ?? 600);
const SCRAPE_INTERVAL = process.env['BENCH_SCRAPE_INTERVAL'] ?? '30s';

const OTHERS = ['simulator', 'prometheus'] as const;

/** Every process below `root` (the demo runner), by pid: its command line. */
function descendants(root: number): Map<number, string[]> {
  const parent = new Map<number, number>();
  const cmdline = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmdline.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0'));
    } catch {
      // gone meanwhile
    }
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  return new Map([...cmdline].filter(([pid]) => below(pid)));
}

/** The pid of the process of this demo whose command line names `what` (a built app, or prometheus). */
function pidOf(demo: RunningDemo, what: string): number {
  for (const [pid, cmd] of descendants(demo.child.pid!)) {
    const match =
      what === 'prometheus'
        ? cmd[0]?.endsWith('/prometheus')
        : cmd.some((a) => a.endsWith(`dist/apps/${what}/main.js`));
    if (match) return pid;
  }
  throw new Error(`no running process for ${what}`);
}

interface Row {
  readonly app: string;
  readonly cpuPercentOfMachine: number;
  readonly mainThreadPercentOfMachine: number;
  readonly peakRssMB: number;
}

interface Stack {
  readonly label: string;
  readonly pids: Readonly<Record<string, number>>;
}

/** Measures every process of every stack over the same SECONDS: CPU share of the machine and peak RSS. */
async function measure(stacks: readonly Stack[]): Promise<Row[][]> {
  const all = stacks.flatMap((s) => Object.entries(s.pids));
  const before = new Map(all.map(([, pid]) => [pid, processStats(pid)]));
  const peakRss = new Map<number, number>();
  const started = Date.now();
  while (Date.now() - started < SECONDS * 1000) {
    await new Promise((r) => setTimeout(r, 5000));
    for (const [, pid] of all) peakRss.set(pid, Math.max(peakRss.get(pid) ?? 0, processStats(pid).rssBytes));
    const done = Math.min(1, (Date.now() - started) / (SECONDS * 1000));
    process.stdout.write(
      `\r[bench] ${'#'.repeat(Math.round(done * 30)).padEnd(30, '.')} ${Math.round(done * 100)}%`,
    );
  }
  process.stdout.write('\n');
  const elapsedMs = Date.now() - started;
  const cores = availableParallelism();
  const share = (ms: number) => (100 * ms) / elapsedMs / cores;
  return stacks.map((s) =>
    Object.entries(s.pids).map(([app, pid]) => {
      const [now, was] = [processStats(pid), before.get(pid)!];
      return {
        app,
        cpuPercentOfMachine: share(now.cpuMs - was.cpuMs),
        mainThreadPercentOfMachine: share(now.mainThreadCpuMs - was.mainThreadCpuMs),
        peakRssMB: peakRss.get(pid)! / 2 ** 20,
      };
    }),
  );
}

const line = (name: string, cpu: number, main: number, rss: number) =>
  `  ${name.padEnd(22)} ${cpu.toFixed(3).padStart(7)}   ${main.toFixed(3).padStart(11)}   ${rss.toFixed(1).padStart(8)}`;

async function main(): Promise<void> {
  const apps = TOPOLOGY.map((t) => t.app);
  const demos: RunningDemo[] = [];
  let six: Row[];
  let agent: Row[];
  try {
    const stacks: Stack[] = [];
    for (const [label, measured, args] of [
      ['six processes', apps, []],
      ['one agent', ['agent'], ['--agent']],
    ] as const) {
      console.log(`[bench] ${label}: starting a demo stack (${SCRAPE_INTERVAL} scrapes) …`);
      const demo = await startDemo({ PROMETHEUS_SCRAPE_INTERVAL: SCRAPE_INTERVAL }, 180_000, args);
      demos.push(demo);
      const pids = Object.fromEntries([...measured, ...OTHERS].map((a) => [a, pidOf(demo, a)]));
      stacks.push({ label, pids });
    }
    console.log(`[bench] both stacks up: measuring both for ${SECONDS} s …`);
    [six, agent] = (await measure(stacks)) as [Row[], Row[]];
  } finally {
    for (const demo of demos) {
      demo.child.kill('SIGINT');
      await demo.exited;
      demo.cleanup();
    }
  }
  const total = (rows: Row[], names: readonly string[]) => {
    const mine = rows.filter((r) => names.includes(r.app));
    return {
      cpu: mine.reduce((s, r) => s + r.cpuPercentOfMachine, 0),
      main: mine.reduce((s, r) => s + r.mainThreadPercentOfMachine, 0),
      rss: mine.reduce((s, r) => s + r.peakRssMB, 0),
    };
  };
  const sixTotal = total(six, apps);
  const agentTotal = total(agent, ['agent']);
  console.log(
    `\n  ${SECONDS} s, both stacks at once, ${SCRAPE_INTERVAL} scrapes, ${availableParallelism()} cores; CPU as % of the whole machine\n`,
  );
  console.log('  process                  CPU %   main thread    peak RSS MB');
  const row = (r: Row, name = r.app) =>
    console.log(line(name, r.cpuPercentOfMachine, r.mainThreadPercentOfMachine, r.peakRssMB));
  for (const r of six) row(r);
  console.log(line('six processes together', sixTotal.cpu, sixTotal.main, sixTotal.rss));
  console.log('');
  for (const r of agent) row(r, r.app === 'agent' ? 'agent (all six)' : r.app);
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
