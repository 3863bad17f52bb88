/** The parts of Docker's `GET /containers/{id}/stats` we read (cgroup v1 and v2 shapes). */
export interface DockerStats {
  readonly cpu_stats?: {
    readonly cpu_usage?: {
      readonly total_usage?: number;
      readonly usage_in_kernelmode?: number;
      readonly usage_in_usermode?: number;
    };
    readonly throttling_data?: {
      readonly periods?: number;
      readonly throttled_periods?: number;
      readonly throttled_time?: number;
    };
  };
  readonly memory_stats?: {
    readonly usage?: number;
    readonly stats?: Readonly<Record<string, number>>;
  };
  readonly networks?: Readonly<
    Record<
      string,
      {
        readonly rx_bytes: number;
        readonly rx_packets: number;
        readonly rx_errors: number;
        readonly rx_dropped: number;
        readonly tx_bytes: number;
        readonly tx_packets: number;
        readonly tx_errors: number;
        readonly tx_dropped: number;
      }
    >
  >;
  readonly blkio_stats?: {
    readonly io_service_bytes_recursive?: readonly { op: string; value: number }[] | null;
  };
}

export interface InterfaceUsage {
  readonly iface: string;
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrors: number;
  readonly rxDropped: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrors: number;
  readonly txDropped: number;
}

/** One container's resource counters, in base units; absent what the engine did not report. */
export interface ResourceUsage {
  readonly cgroup: 'v1' | 'v2';
  readonly cpuSeconds: number | undefined;
  readonly cpuUserSeconds: number | undefined;
  readonly cpuSystemSeconds: number | undefined;
  readonly cfsPeriods: number | undefined;
  readonly cfsThrottledPeriods: number | undefined;
  readonly cfsThrottledSeconds: number | undefined;
  /** All memory charged to the cgroup, page cache included (cAdvisor's usage). */
  readonly memoryUsageBytes: number | undefined;
  /** Usage without inactive file pages: what `docker stats` shows and what the OOM killer weighs. */
  readonly memoryWorkingSetBytes: number | undefined;
  readonly memoryRssBytes: number | undefined;
  readonly memoryCacheBytes: number | undefined;
  readonly networks: readonly InterfaceUsage[];
  readonly blockReadBytes: number | undefined;
  readonly blockWriteBytes: number | undefined;
}

const ns = (v: number | undefined) => (v === undefined ? undefined : v / 1e9);

/**
 * Docker's stats as counters. Memory as the docker CLI computes it: the working set is usage
 * minus `total_inactive_file` on cgroup v1 and minus `inactive_file` on v2 (never below 0).
 * Block I/O sums the read and write entries over devices (v1 writes "Read", v2 "read").
 */
export function resourceUsage(s: DockerStats): ResourceUsage {
  const mem = s.memory_stats?.stats ?? {};
  const v1 = 'total_inactive_file' in mem || 'cache' in mem;
  const usage = s.memory_stats?.usage;
  const inactive = v1 ? mem['total_inactive_file'] : mem['inactive_file'];
  const workingSet =
    usage === undefined ? undefined : inactive !== undefined && inactive < usage ? usage - inactive : usage;
  const cpu = s.cpu_stats?.cpu_usage;
  const throttling = s.cpu_stats?.throttling_data;
  const blk = s.blkio_stats?.io_service_bytes_recursive;
  const sumOp = (op: string) =>
    blk ? blk.filter((e) => e.op.toLowerCase() === op).reduce((a, e) => a + e.value, 0) : undefined;
  return {
    cgroup: v1 ? 'v1' : 'v2',
    cpuSeconds: ns(cpu?.total_usage),
    cpuUserSeconds: ns(cpu?.usage_in_usermode),
    cpuSystemSeconds: ns(cpu?.usage_in_kernelmode),
    cfsPeriods: throttling?.periods,
    cfsThrottledPeriods: throttling?.throttled_periods,
    cfsThrottledSeconds: ns(throttling?.throttled_time),
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: workingSet,
    memoryRssBytes: v1 ? (mem['total_rss'] ?? mem['rss']) : mem['anon'],
    memoryCacheBytes: v1 ? (mem['total_cache'] ?? mem['cache']) : mem['file'],
    networks: Object.entries(s.networks ?? {})
      .map(([iface, n]) => ({
        iface,
        rxBytes: n.rx_bytes,
        rxPackets: n.rx_packets,
        rxErrors: n.rx_errors,
        rxDropped: n.rx_dropped,
        txBytes: n.tx_bytes,
        txPackets: n.tx_packets,
        txErrors: n.tx_errors,
        txDropped: n.tx_dropped,
      }))
      .sort((a, b) => a.iface.localeCompare(b.iface)),
    blockReadBytes: sumOp('read'),
    blockWriteBytes: sumOp('write'),
  };
}
