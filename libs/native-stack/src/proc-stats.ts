import { readFileSync } from 'node:fs';

export interface ProcessStats {
  /** User + system CPU time, in milliseconds. */
  readonly cpuMs: number;
  readonly rssBytes: number;
}

export const CLK_TCK = 100; // USER_HZ on Linux
const PAGE_SIZE = 4096;

/** CPU time and RSS of a process from /proc/<pid>/stat (what the benchmark compares). */
export function processStats(pid: number): ProcessStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name, which may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rssPages = Number(fields[21]);
  return { cpuMs: ((utime + stime) * 1000) / CLK_TCK, rssBytes: rssPages * PAGE_SIZE };
}
