import { type Collector, gauge } from '@llmmon/metrics-core';
import type { Host } from '../host';
import type { SystemDeps } from './types';

const threads = gauge('node_processes_threads', 'Allocated threads in system');
const maxThreads = gauge('node_processes_max_threads', 'Limit of threads in the system');
const maxProcesses = gauge('node_processes_max_processes', 'Number of max PIDs limit');
const pids = gauge('node_processes_pids', 'Number of PIDs');
const state = gauge('node_processes_state', 'Number of processes in each state.', ['state']);
const threadState = gauge('node_processes_threads_state', 'Number of threads in each state.', [
  'thread_state',
]);

/**
 * State letter and thread count from /proc/<pid>/stat; undefined if the process is gone.
 * Scans instead of splitting: this runs for every process and thread on every scrape.
 */
function readStat(host: Host, path: string): { state: string; threads: number } | undefined {
  const stat = host.readOptional(path);
  if (stat === undefined) return undefined;
  // The command name is in parentheses and may contain spaces or parentheses itself.
  const stateAt = stat.lastIndexOf(')') + 2;
  // num_threads is the 18th field after the state (field 20 of proc(5)).
  let at = stateAt;
  for (let field = 0; field < 17 && at > 0; field++) at = stat.indexOf(' ', at) + 1;
  const end = stat.indexOf(' ', at);
  return { state: stat[stateAt] ?? '?', threads: Number(stat.slice(at, end < 0 ? undefined : end)) };
}

/** Process and thread counts by state (zombies included), and the kernel's limits. */
export function processesCollector({ host }: SystemDeps): Collector {
  return {
    name: 'processes',
    metrics: [threads, maxThreads, maxProcesses, pids, state, threadState],
    collect(out) {
      const byState = new Map<string, number>();
      const byThreadState = new Map<string, number>();
      let pidCount = 0;
      let threadCount = 0;
      for (const pid of host.list(host.procfs)) {
        if (!/^\d+$/.test(pid)) continue;
        const s = readStat(host, `${host.procfs}/${pid}/stat`);
        if (!s) continue; // exited while we were reading
        pidCount++;
        threadCount += s.threads;
        byState.set(s.state, (byState.get(s.state) ?? 0) + 1);
        if (s.threads === 1) {
          // Its only thread is the process itself: same state, no need to read task/ (most
          // processes, and all kernel threads, are single-threaded; this halves the reads).
          byThreadState.set(s.state, (byThreadState.get(s.state) ?? 0) + 1);
          continue;
        }
        for (const tid of host.list(`${host.procfs}/${pid}/task`)) {
          const t = readStat(host, `${host.procfs}/${pid}/task/${tid}/stat`);
          if (t) byThreadState.set(t.state, (byThreadState.get(t.state) ?? 0) + 1);
        }
      }
      out.add(threads, threadCount);
      out.add(pids, pidCount);
      for (const [s, n] of byState) out.add(state, { state: s }, n);
      for (const [s, n] of byThreadState) out.add(threadState, { thread_state: s }, n);
      out.add(maxThreads, Number(host.read(host.proc('sys/kernel/threads-max'))));
      out.add(maxProcesses, Number(host.read(host.proc('sys/kernel/pid_max'))));
    },
  };
}
