import {
  type DashboardSpec,
  FILTERS,
  firingAlerts,
  heatmapPanel,
  linkTo,
  promql,
  row,
  statPanel,
  THRESHOLDS,
  timeSeries,
  UIDS,
  UNIT,
  VARIABLES,
} from '../../blocks';

export const serverHealth: DashboardSpec = {
  uid: UIDS.serverHealth,
  title: 'Server health',
  description:
    'Is the server itself healthy: CPU, memory, disks, network, load, temperatures, processes, firing alerts.',
  folder: 'system',
  file: 'server-health.json',
  variables: [VARIABLES.host()],
  links: [linkTo(UIDS.gpuUsage, 'GPU usage'), linkTo(UIDS.dockerContainers, 'Docker containers')],
  panels: [
    statPanel({
      title: 'CPU busy',
      description: 'Share of all cores not idle, over 5 minutes.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.busyRatio(),
      sparkline: true,
      queries: [
        promql(`avg(instance:node_cpu_busy:ratio_rate5m{${FILTERS.host}})`, 'CPU', { instant: true }),
      ],
    }),
    statPanel({
      title: 'Memory used',
      description: 'Share of memory not available to new processes (MemAvailable).',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.memoryRatio(),
      sparkline: true,
      queries: [promql(`avg(instance:node_memory_used:ratio{${FILTERS.host}})`, 'memory', { instant: true })],
    }),
    statPanel({
      title: 'Root disk used',
      description: 'Share of the root filesystem in use.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.diskRatio(),
      queries: [
        promql(
          `1 - min(instance_mountpoint:node_filesystem_avail:ratio{${FILTERS.host}, mountpoint="/"})`,
          '/',
          {
            instant: true,
          },
        ),
      ],
    }),
    statPanel({
      title: 'Load (1 min)',
      description: 'Runnable and uninterruptible tasks, averaged over a minute; compare with the core count.',
      unit: UNIT.count,
      decimals: 1,
      queries: [promql(`max(node_load1{${FILTERS.host}})`, 'load1', { instant: true })],
    }),
    statPanel({
      title: 'Uptime',
      description: 'Time since the server booted.',
      unit: UNIT.duration,
      queries: [promql(`time() - max(node_boot_time_seconds{${FILTERS.host}})`, 'uptime', { instant: true })],
    }),
    statPanel({
      title: 'Alerts firing',
      description: 'Prometheus alerts firing now, all severities.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      queries: [promql('count(ALERTS{alertstate="firing"}) or vector(0)', 'firing', { instant: true })],
    }),
    row('CPU'),
    heatmapPanel({
      title: 'CPU busy per core',
      description:
        'Each row one core, coloured by its busy share, over the last 6 hours at most: spot a pinned core or a NUMA node doing all the work.',
      unit: UNIT.ratio,
      timeFrom: '6h',
      min: 0,
      max: 1,
      queries: [
        promql(
          `1 - sum by (cpu) (rate(node_cpu_seconds_total{${FILTERS.host}, mode="idle"}[$__rate_interval]))`,
          '{{cpu}}',
        ),
      ],
    }),
    timeSeries({
      title: 'CPU by mode',
      description:
        'Share of all cores per mode over 5 minutes (idle left out), stacked: iowait or steal growing is worth a look.',
      unit: UNIT.ratio,
      stack: true,
      min: 0,
      queries: [
        promql(
          `sum by (mode) (instance_mode:node_cpu_seconds:rate5m{${FILTERS.host}, mode!="idle"}) / scalar(sum(instance:node_cpus:count{${FILTERS.host}}))`,
          '{{mode}}',
        ),
      ],
    }),
    row('Memory and load'),
    timeSeries({
      title: 'Memory',
      description: 'Used (total less available), page cache and buffers, against the total.',
      unit: UNIT.bytes,
      referenceSeries: 'total',
      queries: [
        promql(
          `sum(node_memory_MemTotal_bytes{${FILTERS.host}} - node_memory_MemAvailable_bytes{${FILTERS.host}})`,
          'used',
        ),
        promql(
          `sum(node_memory_Cached_bytes{${FILTERS.host}} + node_memory_Buffers_bytes{${FILTERS.host}})`,
          'cache and buffers',
        ),
        promql(`sum(node_memory_MemTotal_bytes{${FILTERS.host}})`, 'total'),
      ],
    }),
    timeSeries({
      title: 'Load',
      description: 'Load averages over 1, 5 and 15 minutes.',
      unit: UNIT.count,
      queries: [
        promql(`max(node_load1{${FILTERS.host}})`, '1 min'),
        promql(`max(node_load5{${FILTERS.host}})`, '5 min'),
        promql(`max(node_load15{${FILTERS.host}})`, '15 min'),
      ],
    }),
    row('Disks and network'),
    timeSeries({
      title: 'Disk space used',
      description: 'Share of each filesystem in use (virtual filesystems left out); alerts at 90%.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.diskRatio(),
      showThresholds: true,
      min: 0,
      max: 1,
      queries: [
        promql(`1 - instance_mountpoint:node_filesystem_avail:ratio{${FILTERS.host}}`, '{{mountpoint}}'),
      ],
    }),
    timeSeries({
      title: 'Disk I/O',
      description: 'Bytes read and written per second, per disk.',
      unit: UNIT.bytesPerSecond,
      queries: [
        promql(
          `sum by (device) (rate(node_disk_read_bytes_total{${FILTERS.host}}[$__rate_interval]))`,
          '{{device}} read',
        ),
        promql(
          `sum by (device) (rate(node_disk_written_bytes_total{${FILTERS.host}}[$__rate_interval]))`,
          '{{device}} written',
        ),
      ],
    }),
    timeSeries({
      title: 'Network',
      description: 'Bytes received and sent per second per interface (loopback left out).',
      unit: UNIT.bytesPerSecond,
      queries: [
        promql(
          `sum by (device) (rate(node_network_receive_bytes_total{${FILTERS.host}, device!="lo"}[$__rate_interval]))`,
          '{{device}} received',
        ),
        promql(
          `sum by (device) (rate(node_network_transmit_bytes_total{${FILTERS.host}, device!="lo"}[$__rate_interval]))`,
          '{{device}} sent',
        ),
      ],
    }),
    timeSeries({
      title: 'Network errors and drops',
      description: 'Receive and transmit errors and drops per second; anything above zero is worth a look.',
      unit: UNIT.perSecond,
      queries: [
        promql(
          `sum by (device) (rate(node_network_receive_errs_total{${FILTERS.host}, device!="lo"}[$__rate_interval]) + rate(node_network_receive_drop_total{${FILTERS.host}, device!="lo"}[$__rate_interval]))`,
          '{{device}} receive',
        ),
        promql(
          `sum by (device) (rate(node_network_transmit_errs_total{${FILTERS.host}, device!="lo"}[$__rate_interval]) + rate(node_network_transmit_drop_total{${FILTERS.host}, device!="lo"}[$__rate_interval]))`,
          '{{device}} transmit',
        ),
      ],
    }),
    row('Temperatures, processes, alerts'),
    timeSeries({
      title: 'Temperatures',
      description: 'Every hardware sensor (CPU packages, NVMe, board).',
      unit: UNIT.celsius,
      thresholds: THRESHOLDS.gpuTemperature(),
      showThresholds: true,
      queries: [promql(`node_hwmon_temp_celsius{${FILTERS.host}}`, '{{chip}} {{sensor}}')],
    }),
    timeSeries({
      title: 'Processes',
      description: 'Running and blocked processes, and threads.',
      unit: UNIT.count,
      queries: [
        promql(`sum(node_procs_running{${FILTERS.host}})`, 'running'),
        promql(`sum(node_procs_blocked{${FILTERS.host}})`, 'blocked'),
        promql(`sum(node_processes_threads{${FILTERS.host}})`, 'threads'),
      ],
    }),
    firingAlerts({
      title: 'Firing alerts',
      description: 'Alerts firing or pending now, from Alertmanager.',
      w: 24,
    }),
  ],
};
