/**
 * The synthetic /proc and /sys are read by the real system exporter (the built bundle): every
 * collector succeeds and reports the simulated host, and values move with the clock.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { scrape } from '@llmmon/metrics-core/testing';
import { freePort, startProcess, type ManagedProcess } from '@llmmon/native-stack';
import { DIST, put, startSimulator } from '../test/helpers';

const SYSTEM_EXPORTER = join(DIST, 'system-exporter/main.js');

describe('system exporter on the simulated host', () => {
  let s: Awaited<ReturnType<typeof startSimulator>>;
  let exporter: ManagedProcess;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(SYSTEM_EXPORTER))
      throw new Error(`${SYSTEM_EXPORTER} is missing: run "npx nx build system-exporter"`);
    s = await startSimulator();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    exporter = await startProcess({
      name: 'system-exporter',
      command: SYSTEM_EXPORTER,
      env: {
        HOST: '127.0.0.1',
        PORT: String(port),
        SCRAPE_CACHE_SECONDS: '0',
        LOG_LEVEL: 'warn',
        PROCFS_PATH: s.sim.hostTree.procfs,
        SYSFS_PATH: s.sim.hostTree.sysfs,
        FILESYSTEM_STATFS_FILE: s.sim.hostTree.statfsFile,
      },
      readyUrl: `${url}/ready`,
    });
  });
  afterAll(async () => {
    await exporter?.stop();
    await s?.stop();
    s?.cleanup();
  });

  const value = (r: Awaited<ReturnType<typeof scrape>>, name: string, labels: Record<string, string> = {}) =>
    r.families.get(name)?.samples.find((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v))
      ?.value;

  it('reports the simulated 8x H200 host with every collector succeeding', async () => {
    const r = await scrape(url);
    const failed = r.families.get('llmmon_exporter_collector_success')!.samples.filter((x) => x.value !== 1);
    expect(failed.map((x) => x.labels['collector'])).toEqual([]);
    expect(r.families.get('node_cpu_seconds_total')!.samples).toHaveLength(224 * 8);
    expect(r.families.get('node_uname_info')!.samples[0]!.labels).toMatchObject({
      nodename: 'gpu-node-01',
      release: '6.8.0-60-generic',
    });
    expect(value(r, 'node_memory_MemTotal_bytes')).toBe(2 * 1024 ** 4);
    expect(value(r, 'node_boot_time_seconds')).toBe(1763197953);
    expect(
      value(r, 'node_hwmon_temp_celsius', { chip: 'platform_coretemp_0', sensor: 'temp1' }),
    ).toBeGreaterThan(30);
    expect(value(r, 'node_network_receive_bytes_total', { device: 'eno1' })).toBeGreaterThan(0);
    expect(value(r, 'node_disk_read_bytes_total', { device: 'nvme0n1' })).toBeGreaterThan(0);
    expect(value(r, 'node_processes_state', { state: 'S' })).toBeGreaterThan(0);
  });

  it('moves with the simulated clock and the scenario', async () => {
    const idle = (r: Awaited<ReturnType<typeof scrape>>) =>
      r.families
        .get('node_cpu_seconds_total')!
        .samples.filter((x) => x.labels['mode'] === 'idle')
        .reduce((a, x) => a + x.value, 0);
    const before = await scrape(url);
    expect((await put(`${s.url}/api/v1/scenario`, '{"scenario":"container_restart_loop"}')).status).toBe(200);
    expect(
      (await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T14:32:00Z"}')).status,
    ).toBe(200);
    s.sim.hostTree.write();
    const after = await scrape(url);
    expect(idle(after)).toBeGreaterThan(idle(before));
    expect(value(after, 'node_context_switches_total')!).toBeGreaterThan(
      value(before, 'node_context_switches_total')!,
    );
    expect(value(after, 'node_processes_state', { state: 'Z' })).toBe(1); // the crash-looping container left a zombie
  });

  it('shows the simulated 1 TB root filesystem, and disk_almost_full filling it', async () => {
    const free = (r: Awaited<ReturnType<typeof scrape>>) =>
      value(r, 'node_filesystem_avail_bytes', { mountpoint: '/' })! /
      value(r, 'node_filesystem_size_bytes', { mountpoint: '/' })!;
    const normal = await scrape(url);
    expect(value(normal, 'node_filesystem_size_bytes', { mountpoint: '/' })).toBeCloseTo(1e12, -6);
    expect(free(normal)).toBeGreaterThan(0.3);
    expect((await put(`${s.url}/api/v1/scenario`, '{"scenario":"disk_almost_full"}')).status).toBe(200);
    s.sim.hostTree.write();
    expect(free(await scrape(url))).toBeLessThan(0.1); // what the "disk free < 10%" alert watches
  });
});
