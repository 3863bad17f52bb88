import { readFileSync } from 'node:fs';

export interface ProcessStats {
  /** User + system CPU time, in milliseconds. */
  readonly cpuMs: number;
  /** The part of cpuMs spent on the main thread (the rest: GC and compiler helpers, libuv's pool). */
  readonly mainThreadCpuMs: number;
  readonly rssBytes: number;
}

const CLK_TCK = 100; // USER_HZ on Linux
const PAGE_SIZE = 4096;

/** The fields of a /proc …/stat file after the parenthesised command name (which may hold spaces). */
function statFields(path: string): string[] {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
const cpuMsOf = (fields: string[]) => ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;

/** CPU time and RSS of a process from /proc/<pid>/stat (what the benchmarks compare). */
export function processStats(pid: number): ProcessStats {
  const fields = statFields(`/proc/${pid}/stat`);
  return {
    cpuMs: cpuMsOf(fields),
    // The main thread is the task whose id is the pid.
    mainThreadCpuMs: cpuMsOf(statFields(`/proc/${pid}/task/${pid}/stat`)),
    rssBytes: Number(fields[21]) * PAGE_SIZE,
  };
}
