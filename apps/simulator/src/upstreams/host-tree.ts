import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HOST } from '../world/layout';
import { mainPid, type CpuMode, type World } from '../world/world';

const USER_HZ = 100;
const kB = (bytes: number) => Math.round(bytes / 1024);
const MODES: CpuMode[] = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];

/**
 * A synthetic /proc and /sys of the simulated host, in the kernel's own formats, for the
 * system exporter's PROCFS_PATH and SYSFS_PATH. Files are replaced atomically one by one
 * (write, then rename), so a reader never sees half a file.
 */
export class HostTreeWriter {
  private wroteStatic = false;

  constructor(
    readonly root: string,
    private readonly world: World,
  ) {}

  get procfs(): string {
    return join(this.root, 'proc');
  }

  get sysfs(): string {
    return join(this.root, 'sys');
  }

  get statfsFile(): string {
    return join(this.root, 'statfs.json');
  }

  write(): void {
    if (!this.wroteStatic) {
      this.writeStatic();
      this.wroteStatic = true;
    }
    const w = this.world;
    const h = w.host;
    const p = (rel: string, text: string) => this.put(join('proc', rel), text);

    const ticks = (x: number) => Math.round(x * USER_HZ);
    const total = Object.fromEntries(MODES.map((m) => [m, h.cpuSeconds.reduce((s, c) => s + c[m], 0)]));
    const cpuLine = (name: string, c: Record<string, number>) =>
      `${name} ${MODES.map((m) => ticks(c[m]!)).join(' ')} 0 0`;
    p(
      'stat',
      [
        cpuLine('cpu ', total),
        ...h.cpuSeconds.map((c, i) => cpuLine(`cpu${i}`, c)),
        `intr ${Math.round(h.interrupts)} 0 9 0 0`,
        `ctxt ${Math.round(h.contextSwitches)}`,
        `btime ${HOST.bootTimeSeconds}`,
        `processes ${Math.round(h.forks)}`,
        `procs_running ${h.procsRunning}`,
        `procs_blocked ${h.busy > 0.7 ? 2 : 0}`,
        'softirq 29133741 0 4917370 3 2254613 0 0 3 14022016 0 7939736',
        '',
      ].join('\n'),
    );

    const mem = HOST.memoryBytes;
    const avail = h.memAvailableBytes;
    const free = Math.max(0, avail - h.cachedBytes - mem * 0.01);
    p(
      'meminfo',
      [
        ['MemTotal', mem],
        ['MemFree', free],
        ['MemAvailable', avail],
        ['Buffers', mem * 0.001],
        ['Cached', h.cachedBytes],
        ['SwapCached', 0],
        ['Active', (mem - avail) * 0.8],
        ['Inactive', h.cachedBytes * 0.9],
        ['Active(anon)', (mem - avail) * 0.7],
        ['Inactive(anon)', mem * 0.0001],
        ['Active(file)', (mem - avail) * 0.1],
        ['Inactive(file)', h.cachedBytes * 0.9],
        ['Unevictable', 32 * 1024 * 1024],
        ['Mlocked', 32 * 1024 * 1024],
        ['SwapTotal', 8 * 1024 ** 3],
        ['SwapFree', 8 * 1024 ** 3],
        ['Dirty', 1.2e6],
        ['Writeback', 0],
        ['AnonPages', (mem - avail) * 0.7],
        ['Mapped', mem * 0.006],
        ['Shmem', mem * 0.0003],
        ['Slab', mem * 0.01],
        ['SReclaimable', mem * 0.008],
        ['SUnreclaim', mem * 0.002],
        ['KernelStack', 96 * 1024 * 1024],
        ['PageTables', 768 * 1024 * 1024],
        ['CommitLimit', mem * 0.5 + 8 * 1024 ** 3],
        ['Committed_AS', (mem - avail) * 1.1],
        ['HugePages_Total', 0, ''],
        ['HugePages_Free', 0, ''],
        ['HugePages_Rsvd', 0, ''],
        ['HugePages_Surp', 0, ''],
        ['Hugepagesize', 2 * 1024 * 1024],
      ]
        .map(
          ([k, v, unit]) =>
            `${`${k}:`.padEnd(16)}${String(unit === '' ? v : kB(v as number)).padStart(10)}${unit === '' ? '' : ' kB'}`,
        )
        .join('\n') + '\n',
    );

    p(
      'loadavg',
      `${h.load1.toFixed(2)} ${h.load5.toFixed(2)} ${h.load15.toFixed(2)} ${h.procsRunning}/2311 ${Math.round(h.forks) % 4194304}\n`,
    );

    const d = HOST.disk;
    const r = (x: number) => Math.round(x);
    p(
      'diskstats',
      `${String(d.major).padStart(4)} ${String(d.minor).padStart(7)} ${d.name} ${r(h.diskReads)} 10231 ${r(h.diskReadBytes / 512)} ${r(h.diskReads * 0.5)} ${r(h.diskWrites)} 2210123 ${r(h.diskWrittenBytes / 512)} ${r(h.diskWrites * 0.6)} 0 ${r(h.diskIoSeconds * 1000)} ${r(h.diskIoSeconds * 3700)} 120 0 4402110 210 1221313 102101\n`,
    );

    const nic = (name: string, rx: number, rxp: number, tx: number, txp: number) =>
      `${name.padStart(6)}: ${r(rx)} ${r(rxp)}    0    0    0     0          0         0 ${r(tx)} ${r(txp)}    0    0    0     0       0          0`;
    p(
      'net/dev',
      [
        'Inter-|   Receive                                                |  Transmit',
        ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
        nic('lo', h.netRxBytes * 0.05, h.netRxPackets * 0.05, h.netRxBytes * 0.05, h.netRxPackets * 0.05),
        nic(HOST.nic, h.netRxBytes, h.netRxPackets, h.netTxBytes, h.netTxPackets),
        nic('docker0', h.netRxBytes * 0.3, h.netRxPackets * 0.3, h.netTxBytes * 0.3, h.netTxPackets * 0.3),
        '',
      ].join('\n'),
    );

    p(
      'vmstat',
      `pgpgin ${r(h.diskReadBytes / 1024)}\npgpgout ${r(h.diskWrittenBytes / 1024)}\npswpin 0\npswpout 0\npgfault ${r(h.forks * 76000)}\npgmajfault 12031\noom_kill 0\n`,
    );

    // Sizes of the simulated filesystems (a statfs cannot be faked in a directory tree): the
    // system exporter reads them with FILESYSTEM_STATFS_FILE.
    const bsize = 4096;
    const blocks = Math.floor(HOST.rootDiskBytes / bsize);
    const bfree = Math.floor(blocks * (1 - h.rootDiskUsed));
    this.put(
      'statfs.json',
      JSON.stringify({
        '/': {
          type: 0xef53,
          bsize,
          blocks,
          bfree,
          bavail: Math.max(0, bfree - Math.floor(blocks * 0.05)),
          files: 61_046_784,
          ffree: 58_123_001,
        },
      }),
    );

    this.writeProcesses();
    for (let pkg = 0; pkg < HOST.packages; pkg++) {
      const temp = Math.round((38 + 40 * h.busy) * 1000);
      this.put(`sys/devices/platform/coretemp.${pkg}/hwmon/hwmon${pkg}/temp1_input`, `${temp}\n`);
    }
  }

  /** A few processes with the states the processes collector counts (a zombie when something crash-loops). */
  private writeProcesses(): void {
    const w = this.world;
    const procs: { pid: number; comm: string; state: string; threads: string[]; cgroup?: string }[] = [
      { pid: 1, comm: 'systemd', state: 'S', threads: ['S'] },
      { pid: 2, comm: 'kthreadd', state: 'S', threads: ['S'] },
      { pid: 1411, comm: 'dockerd', state: 'S', threads: ['S', 'S', 'R', 'S'] },
    ];
    for (const c of w.containers) {
      if (c.status !== 'running') continue;
      const pid = mainPid(c);
      const busy = c.spec.gpus.length ? w.gpus[c.spec.gpus[0]!]!.utilization > 0.3 : false;
      const cgroup = `0::/system.slice/docker-${c.id}.scope\n`;
      procs.push({
        pid,
        comm: c.spec.vllm ? 'python3' : c.spec.service,
        state: busy ? 'R' : 'S',
        threads: busy ? ['R', 'S', 'S', 'S'] : ['S', 'S'],
        cgroup,
      });
      // Tensor-parallel workers beyond rank 0 are processes of their own (see the GPU processes).
      for (let rank = 1; rank < (c.spec.vllm?.gpus.length ?? 0); rank++) {
        procs.push({
          pid: pid + rank * 7,
          comm: 'python3',
          state: busy ? 'R' : 'S',
          threads: ['S', 'S'],
          cgroup,
        });
      }
    }
    if (w.containers.some((c) => c.loopCycles > 0))
      procs.push({ pid: 4_000_001, comm: 'python3', state: 'Z', threads: ['Z'] });
    const live = new Set(procs.map((p) => String(p.pid)));
    for (const p of procs) {
      const stat = (pid: number, state: string) =>
        `${pid} (${p.comm}) ${state} 1 ${p.pid} ${p.pid} 0 -1 4194560 1 0 0 0 10 20 0 0 20 0 ${p.threads.length} 0 5 170000000 3000 18446744073709551615 1 1 0 0 0 0 0 4096 1260 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;
      this.put(`proc/${p.pid}/stat`, stat(p.pid, p.state));
      this.put(`proc/${p.pid}/comm`, `${p.comm.slice(0, 15)}\n`);
      this.put(`proc/${p.pid}/cgroup`, p.cgroup ?? '0::/system.slice/dockerd.service\n');
      p.threads.forEach((state, i) =>
        this.put(`proc/${p.pid}/task/${p.pid + i}/stat`, stat(p.pid + i, state)),
      );
    }
    // Processes that ended (a restarted container's old pid, a reaped zombie) disappear.
    for (const entry of readdirSync(this.procfs)) {
      if (/^\d+$/.test(entry) && !live.has(entry))
        rmSync(join(this.procfs, entry), { recursive: true, force: true });
    }
  }

  private writeStatic(): void {
    const k = (rel: string, text: string) => this.put(join('proc/sys/kernel', rel), `${text}\n`);
    k('hostname', HOST.hostname);
    k('domainname', '(none)');
    k('osrelease', HOST.kernel);
    k('ostype', 'Linux');
    k('version', HOST.kernelVersion);
    k('arch', 'x86_64');
    k('pid_max', '4194304');
    k('threads-max', '16510718');
    this.put(
      'proc/1/mounts',
      `/dev/${HOST.disk.name}p2 / ext4 rw,relatime,errors=remount-ro 0 0\nproc /proc proc rw,relatime 0 0\nsysfs /sys sysfs rw,relatime 0 0\n`,
    );
    const perPackage = HOST.cpus / HOST.packages;
    for (let cpu = 0; cpu < HOST.cpus; cpu++) {
      const dir = `sys/devices/system/cpu/cpu${cpu}`;
      const pkg = Math.floor(cpu / perPackage);
      this.put(`${dir}/topology/physical_package_id`, `${pkg}\n`);
      this.put(`${dir}/topology/core_id`, `${(cpu % perPackage) % (perPackage / 2)}\n`);
      this.put(`${dir}/thermal_throttle/core_throttle_count`, '0\n');
      this.put(`${dir}/thermal_throttle/package_throttle_count`, '0\n');
    }
    this.put('sys/devices/system/clocksource/clocksource0/available_clocksource', 'tsc hpet acpi_pm \n');
    this.put('sys/devices/system/clocksource/clocksource0/current_clocksource', 'tsc\n');
    for (let pkg = 0; pkg < HOST.packages; pkg++) {
      const dir = `sys/devices/platform/coretemp.${pkg}/hwmon/hwmon${pkg}`;
      this.put(`${dir}/name`, 'coretemp\n');
      this.put(`${dir}/temp1_label`, `Package id ${pkg}\n`);
      this.put(`${dir}/temp1_crit`, '100000\n');
      this.put(`${dir}/temp1_max`, '90000\n');
      this.link(`sys/class/hwmon/hwmon${pkg}`, `../../devices/platform/coretemp.${pkg}/hwmon/hwmon${pkg}`);
      this.link(`${dir}/device`, '../..');
    }
    this.put(`sys/class/net/${HOST.nic}/statistics/rx_nohandler`, '0\n');
  }

  private put(rel: string, text: string): void {
    const file = join(this.root, rel);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }

  private link(rel: string, target: string): void {
    const file = join(this.root, rel);
    mkdirSync(dirname(file), { recursive: true });
    if (!existsSync(file)) symlinkSync(target, file);
  }
}
