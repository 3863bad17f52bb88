import { join } from 'node:path';
import { parseExposition, type ParsedFamily } from '@llmmon/metrics-core';
import { GoldenFiles, renderCollector } from '@llmmon/metrics-core/testing';
import { COLLECTOR_NAMES } from '../src/collectors';
import { fixtureCollector, fixtureDeps } from './helpers';

const goldens = new GoldenFiles(join(__dirname, 'golden/collectors'));
afterAll(() => goldens.assertNoOrphans());

// The time collector is pinned to UTC so its golden does not depend on the test machine.
process.env['TZ'] = 'UTC';

describe.each(COLLECTOR_NAMES)('%s collector on the fixture host', (name) => {
  it('renders exactly the golden exposition', async () => {
    goldens.match(`${name}.prom`, await renderCollector(fixtureCollector(name)));
  });
});

async function families(name: Parameters<typeof fixtureCollector>[0], env: Record<string, string> = {}) {
  return parseExposition(await renderCollector(fixtureCollector(name, env)));
}
const v = (f: Map<string, ParsedFamily>, metric: string, labels: Record<string, string> = {}) =>
  f.get(metric)?.samples.find((s) => Object.entries(labels).every(([k, x]) => s.labels[k] === x))?.value;

describe('conversions to base units (spot checks behind the goldens)', () => {
  it('cpu: USER_HZ ticks become seconds, guest time is split out', async () => {
    const f = await families('cpu');
    expect(v(f, 'node_cpu_seconds_total', { cpu: '1', mode: 'idle' })).toBe(191106.48);
    expect(v(f, 'node_cpu_guest_seconds_total', { cpu: '1', mode: 'nice' })).toBe(0.07);
    expect(f.get('node_cpu_core_throttles_total')!.samples).toHaveLength(1); // both CPUs are core 0 of package 0
  });

  it('meminfo: kB become bytes, counts stay counts', async () => {
    const f = await families('meminfo');
    expect(v(f, 'node_memory_MemTotal_bytes')).toBe(2113511424 * 1024);
    expect(v(f, 'node_memory_Active_anon_bytes')).toBe(196608000 * 1024);
    expect(v(f, 'node_memory_HugePages_Total')).toBe(0);
  });

  it('diskstats: sectors become bytes, ms become seconds, partitions are excluded', async () => {
    const f = await families('diskstats');
    expect(v(f, 'node_disk_read_bytes_total', { device: 'nvme0n1' })).toBe(402123486 * 512);
    expect(v(f, 'node_disk_write_time_seconds_total', { device: 'nvme0n1' })).toBe(29102.311);
    expect(v(f, 'node_disk_reads_completed_total', { device: 'nvme0n1p1' })).toBeUndefined();
    expect(v(f, 'node_disk_reads_completed_total', { device: 'loop0' })).toBeUndefined();
    expect(v(f, 'node_disk_discards_completed_total', { device: 'sda' })).toBeUndefined(); // old kernel line
    expect(v(f, 'node_disk_info', { device: 'nvme0n1', serial: 'S6CKNE0W700123' })).toBe(1);
  });

  it('filesystem: pseudo and container mounts are skipped, a failing mount is a device error', async () => {
    const f = await families('filesystem');
    const mounts = new Set(f.get('node_filesystem_readonly')!.samples.map((s) => s.labels['mountpoint']));
    expect([...mounts].sort()).toEqual(['/', '/boot/efi', '/mnt/models', '/run', '/srv/hf cache']);
    expect(v(f, 'node_filesystem_readonly', { mountpoint: '/mnt/models' })).toBe(1);
    expect(v(f, 'node_filesystem_device_error', { mountpoint: '/srv/hf cache' })).toBe(1);
    expect(v(f, 'node_filesystem_size_bytes', { mountpoint: '/srv/hf cache' })).toBeUndefined();
    expect(v(f, 'node_filesystem_avail_bytes', { mountpoint: '/' })).toBe(85_449_218 * 4096);
  });

  it('filesystem: a hung statfs is reported once as an error and not called again while stuck', async () => {
    const deps = fixtureDeps({ FILESYSTEM_MOUNT_TIMEOUT_SECONDS: '0.05' });
    let calls = 0;
    const [collector] = (await import('../src/collectors')).createCollectors(['filesystem'], {
      ...deps,
      statfs: (path) => {
        if (path === '/mnt/models') {
          calls++;
          return new Promise(() => undefined);
        }
        return deps.statfs(path);
      },
    });
    for (let i = 0; i < 3; i++) {
      const f = parseExposition(await renderCollector(collector!));
      expect(v(f, 'node_filesystem_device_error', { mountpoint: '/mnt/models' })).toBe(1);
      expect(v(f, 'node_filesystem_size_bytes', { mountpoint: '/' })).toBe(244_140_625 * 4096);
    }
    expect(calls).toBe(1);
  });

  it('processes: zombies, blocked threads and parenthesised command names are counted', async () => {
    const f = await families('processes');
    expect(v(f, 'node_processes_state', { state: 'Z' })).toBe(1);
    expect(v(f, 'node_processes_threads_state', { thread_state: 'D' })).toBe(1);
    expect(v(f, 'node_processes_pids')).toBe(4);
    expect(v(f, 'node_processes_threads')).toBe(6);
  });

  it('hwmon: millidegrees become degrees, chips are named by bus and device', async () => {
    const f = await families('hwmon');
    expect(v(f, 'node_hwmon_temp_celsius', { chip: 'platform_coretemp_0', sensor: 'temp1' })).toBe(61);
    expect(v(f, 'node_hwmon_fan_rpm', { chip: 'platform_nct6775_656', sensor: 'fan1' })).toBe(1740);
  });

  it('hwmon: a host without sensors (a VM) reports none and does not fail', async () => {
    const f = await families('hwmon', { SYSFS_PATH: '/nonexistent' });
    expect(f.size).toBe(0);
  });

  it('honours the exclusion variables', async () => {
    const f = await families('netdev', { NETDEV_DEVICE_EXCLUDE: '^(lo|docker.*)$' });
    expect(f.get('node_network_receive_bytes_total')!.samples.map((s) => s.labels['device'])).toEqual([
      'eno1',
    ]);
  });

  it('fails loudly when its source file is missing instead of inventing values', async () => {
    await expect(
      renderCollector(fixtureCollector('loadavg', { PROCFS_PATH: join(__dirname, 'fixtures') })),
    ).rejects.toThrow();
  });
});
