import { Worker } from 'node:worker_threads';
import { processStats } from '../src/proc-stats';

it("splits a process's CPU into its main thread's and the rest, read from /proc", async () => {
  const before = processStats(process.pid);
  // Half a second of CPU on another thread: it counts for the process, not its main thread.
  await new Promise((resolve, reject) =>
    new Worker('const end = Date.now() + 500; while (Date.now() < end);', { eval: true })
      .once('exit', resolve)
      .once('error', reject),
  );
  const after = processStats(process.pid);
  const other = after.cpuMs - after.mainThreadCpuMs - (before.cpuMs - before.mainThreadCpuMs);
  expect(other).toBeGreaterThanOrEqual(100);
  expect(after.mainThreadCpuMs).toBeLessThanOrEqual(after.cpuMs);
  expect(after.rssBytes).toBeGreaterThan(10 * 2 ** 20);
});
