/** System folder: the server, its GPUs and its containers. */
import {
  THRESHOLDS,
  UIDS,
  UNIT,
  VARIABLES,
  barGauge,
  drillDown,
  drillDownFromRow,
  firingAlerts,
  gpuHeatmap,
  heatmapPanel,
  linkTo,
  promql,
  row,
  statPanel,
  tablePanel,
  timeSeries,
  upDownMappings,
  type DashboardSpec,
} from './blocks';

const HOST = 'instance=~"$host"';

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
      queries: [promql(`avg(instance:node_cpu_busy:ratio_rate5m{${HOST}})`, 'CPU', { instant: true })],
    }),
    statPanel({
      title: 'Memory used',
      description: 'Share of memory not available to new processes (MemAvailable).',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.memoryRatio(),
      sparkline: true,
      queries: [promql(`avg(instance:node_memory_used:ratio{${HOST}})`, 'memory', { instant: true })],
    }),
    statPanel({
      title: 'Root disk used',
      description: 'Share of the root filesystem in use.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.diskRatio(),
      queries: [
        promql(`1 - min(instance_mountpoint:node_filesystem_avail:ratio{${HOST}, mountpoint="/"})`, '/', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Load (1 min)',
      description: 'Runnable and uninterruptible tasks, averaged over a minute; compare with the core count.',
      unit: UNIT.count,
      decimals: 1,
      queries: [promql(`max(node_load1{${HOST}})`, 'load1', { instant: true })],
    }),
    statPanel({
      title: 'Uptime',
      description: 'Time since the server booted.',
      unit: UNIT.duration,
      queries: [promql(`time() - max(node_boot_time_seconds{${HOST}})`, 'uptime', { instant: true })],
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
          `1 - sum by (cpu) (rate(node_cpu_seconds_total{${HOST}, mode="idle"}[$__rate_interval]))`,
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
          `sum by (mode) (instance_mode:node_cpu_seconds:rate5m{${HOST}, mode!="idle"}) / scalar(sum(instance:node_cpus:count{${HOST}}))`,
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
        promql(`sum(node_memory_MemTotal_bytes{${HOST}} - node_memory_MemAvailable_bytes{${HOST}})`, 'used'),
        promql(
          `sum(node_memory_Cached_bytes{${HOST}} + node_memory_Buffers_bytes{${HOST}})`,
          'cache and buffers',
        ),
        promql(`sum(node_memory_MemTotal_bytes{${HOST}})`, 'total'),
      ],
    }),
    timeSeries({
      title: 'Load',
      description: 'Load averages over 1, 5 and 15 minutes.',
      unit: UNIT.count,
      queries: [
        promql(`max(node_load1{${HOST}})`, '1 min'),
        promql(`max(node_load5{${HOST}})`, '5 min'),
        promql(`max(node_load15{${HOST}})`, '15 min'),
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
      queries: [promql(`1 - instance_mountpoint:node_filesystem_avail:ratio{${HOST}}`, '{{mountpoint}}')],
    }),
    timeSeries({
      title: 'Disk I/O',
      description: 'Bytes read and written per second, per disk.',
      unit: UNIT.bytesPerSecond,
      queries: [
        promql(
          `sum by (device) (rate(node_disk_read_bytes_total{${HOST}}[$__rate_interval]))`,
          '{{device}} read',
        ),
        promql(
          `sum by (device) (rate(node_disk_written_bytes_total{${HOST}}[$__rate_interval]))`,
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
          `sum by (device) (rate(node_network_receive_bytes_total{${HOST}, device!="lo"}[$__rate_interval]))`,
          '{{device}} received',
        ),
        promql(
          `sum by (device) (rate(node_network_transmit_bytes_total{${HOST}, device!="lo"}[$__rate_interval]))`,
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
          `sum by (device) (rate(node_network_receive_errs_total{${HOST}, device!="lo"}[$__rate_interval]) + rate(node_network_receive_drop_total{${HOST}, device!="lo"}[$__rate_interval]))`,
          '{{device}} receive',
        ),
        promql(
          `sum by (device) (rate(node_network_transmit_errs_total{${HOST}, device!="lo"}[$__rate_interval]) + rate(node_network_transmit_drop_total{${HOST}, device!="lo"}[$__rate_interval]))`,
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
      queries: [promql(`node_hwmon_temp_celsius{${HOST}}`, '{{chip}} {{sensor}}')],
    }),
    timeSeries({
      title: 'Processes',
      description: 'Running and blocked processes, and threads.',
      unit: UNIT.count,
      queries: [
        promql(`sum(node_procs_running{${HOST}})`, 'running'),
        promql(`sum(node_procs_blocked{${HOST}})`, 'blocked'),
        promql(`sum(node_processes_threads{${HOST}})`, 'threads'),
      ],
    }),
    firingAlerts({
      title: 'Firing alerts',
      description: 'Alerts firing or pending now, from Alertmanager.',
      w: 24,
    }),
  ],
};

const GPU = 'gpu=~"$gpu"';

export const gpuUsage: DashboardSpec = {
  uid: UIDS.gpuUsage,
  title: 'GPU usage',
  description:
    'All GPUs at a glance: utilization, memory on the real total, temperature, power, clocks, and who uses them.',
  folder: 'system',
  file: 'gpu-usage.json',
  refresh: '15s',
  from: 'now-3h',
  variables: [VARIABLES.gpu()],
  links: [
    linkTo(UIDS.dockerContainers, 'Docker containers'),
    linkTo(UIDS.vllmStatus, 'vLLM status'),
    linkTo(UIDS.serverHealth, 'Server health'),
  ],
  panels: [
    gpuHeatmap({
      title: 'GPUs',
      description:
        'Every GPU now, coloured by utilization: memory bar and the containers on it; hover for every reading, click for the container.',
      gpuFilter: GPU,
      metric: 'utilization',
      link: '/d/llmmon-docker-containers?var-container=${container}',
      h: 9,
    }),
    timeSeries({
      title: 'Utilization',
      description: 'Share of time a kernel ran on each GPU.',
      unit: UNIT.ratio,
      min: 0,
      max: 1,
      queries: [promql(`llmmon_gpu_utilization_ratio{${GPU}}`, 'GPU {{gpu}}')],
    }),
    timeSeries({
      title: 'Memory used',
      description: 'Memory used per GPU, stacked on the real total of the selected GPUs (dashed).',
      unit: UNIT.bytes,
      stack: true,
      referenceSeries: 'total',
      queries: [
        promql(`llmmon_gpu_memory_used_bytes{${GPU}}`, 'GPU {{gpu}}'),
        promql(`sum(llmmon_gpu_memory_total_bytes{${GPU}})`, 'total'),
      ],
    }),
    timeSeries({
      title: 'Memory used (share)',
      description:
        "Share of each GPU's memory in use; vLLM preallocates most of it, so high is normal: watch for 95%.",
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.memoryRatio(),
      showThresholds: true,
      min: 0,
      max: 1,
      queries: [promql(`instance_gpu:llmmon_gpu_memory_used:ratio{${GPU}}`, 'GPU {{gpu}}')],
    }),
    timeSeries({
      title: 'Temperature',
      description: 'GPU core temperature; warning at 75 °C, critical at 85 °C.',
      unit: UNIT.celsius,
      thresholds: THRESHOLDS.gpuTemperature(),
      showThresholds: true,
      queries: [promql(`llmmon_gpu_temperature_celsius{${GPU}}`, 'GPU {{gpu}}')],
    }),
    timeSeries({
      title: 'Power',
      description: 'Power draw per GPU, and the power limit (dashed).',
      unit: UNIT.watts,
      referenceSeries: 'limit',
      queries: [
        promql(`llmmon_gpu_power_watts{${GPU}}`, 'GPU {{gpu}}'),
        promql(`max(llmmon_gpu_power_limit_watts{${GPU}})`, 'limit'),
      ],
    }),
    timeSeries({
      title: 'SM clock',
      description: 'Streaming-multiprocessor clock per GPU; a drop under load means throttling.',
      unit: UNIT.hertz,
      queries: [promql(`llmmon_gpu_sm_clock_hertz{${GPU}}`, 'GPU {{gpu}}')],
    }),
    barGauge({
      title: 'GPU memory per container',
      description: 'GPU memory each container holds, over the selected GPUs.',
      unit: UNIT.bytes,
      queries: [
        promql(`sum by (container) (llmmon_gpu_container_memory_used_bytes{${GPU}})`, '{{container}}', {
          instant: true,
        }),
      ],
      dataLinks: [drillDown(UIDS.dockerContainers, 'Container details', 'container', 'container')],
    }),
    statPanel({
      title: 'Throttle reasons active',
      description: 'Active clock-throttle reasons per GPU (thermal, power cap, …); 0 is good.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      w: 12,
      queries: [
        promql(
          `sum by (gpu) (llmmon_gpu_throttle_reason_active{${GPU}, reason!~"gpu_idle|applications_clocks_setting"})`,
          'GPU {{gpu}}',
          { instant: true },
        ),
      ],
    }),
    tablePanel({
      title: 'Processes',
      description:
        'Every process on the selected GPUs with its container and memory; click a container for its details.',
      unit: UNIT.bytes,
      queries: [promql(`llmmon_gpu_process_memory_used_bytes{${GPU}}`, '', { instant: true, table: true })],
      hide: ['uuid'],
      rename: { Value: 'GPU memory', process_name: 'process' },
      sortBy: 'gpu',
      dataLinks: [drillDownFromRow(UIDS.dockerContainers, 'Container details', 'container', 'container')],
    }),
    tablePanel({
      title: 'GPU memory errors',
      description:
        'Uncorrected ECC errors in the time range and row remaps waiting for a GPU reset, per GPU; anything above 0 needs a look (XID errors, read through NVML, alert on their own).',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      merge: true,
      queries: [
        promql(`sum by (gpu) (increase(llmmon_gpu_ecc_uncorrected_errors_total{${GPU}}[$__range]))`, '', {
          instant: true,
          table: true,
        }),
        promql(`sum by (gpu) (llmmon_gpu_row_remap_pending{${GPU}})`, '', { instant: true, table: true }),
      ],
      rename: { 'Value #A': 'ECC uncorrected', 'Value #B': 'row remap pending' },
    }),
  ],
};

const CONTAINER = 'name=~"$container"';
/** Containers holding a GPU (the container exporter says which). */
const ON_GPU = 'and on (name) group by (name) (container_gpu_info)';
const NOT_ON_GPU = 'unless on (name) group by (name) (container_gpu_info)';

export const dockerContainers: DashboardSpec = {
  uid: UIDS.dockerContainers,
  title: 'Docker containers',
  description:
    'Every container: state, restarts, and resources against their limits, GPU containers apart from the rest.',
  folder: 'system',
  file: 'docker-containers.json',
  variables: [VARIABLES.container()],
  links: [
    linkTo(UIDS.gpuUsage, 'GPU usage'),
    linkTo(UIDS.vllmStatus, 'vLLM status'),
    linkTo(UIDS.logExplorer, 'Logs', true),
  ],
  panels: [
    statPanel({
      title: 'Running',
      description: 'Containers running now.',
      unit: UNIT.count,
      queries: [
        promql(`count(llmmon_container_state{${CONTAINER}, state="running"} == 1) or vector(0)`, 'running', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Not running',
      description: 'Containers in any other state (exited, restarting, paused, dead).',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      queries: [
        promql(
          `count(llmmon_container_state{${CONTAINER}, state!="running"} == 1) or vector(0)`,
          'not running',
          {
            instant: true,
          },
        ),
      ],
    }),
    statPanel({
      title: 'Unhealthy',
      description: 'Containers whose healthcheck fails.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      queries: [
        promql(
          `count(llmmon_container_health_status{${CONTAINER}, status="unhealthy"} == 1) or vector(0)`,
          'unhealthy',
          {
            instant: true,
          },
        ),
      ],
    }),
    statPanel({
      title: 'Restarts in range',
      description: 'Restarts of the selected containers over the time range.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      queries: [
        promql(`sum(increase(llmmon_container_restarts_total{${CONTAINER}}[$__range]))`, 'restarts', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Docker API',
      description: 'Whether the container exporter reaches the Docker engine.',
      unit: UNIT.state,
      mappings: upDownMappings(),
      thresholds: THRESHOLDS.upDown(),
      background: true,
      w: 8,
      queries: [promql('min(llmmon_docker_up)', 'docker', { instant: true })],
    }),
    tablePanel({
      title: 'Containers',
      description: 'State, image and uptime of every container; click one for its vLLM instance or logs.',
      unit: UNIT.duration,
      merge: true,
      queries: [
        promql(`llmmon_container_uptime_seconds{${CONTAINER}}`, '', { instant: true, table: true }),
        promql(`llmmon_container_state{${CONTAINER}} == 1`, '', { instant: true, table: true }),
        promql(`llmmon_container_info{${CONTAINER}}`, '', { instant: true, table: true }),
      ],
      hide: ['Value #B', 'Value #C', 'id', 'compose_project'],
      rename: { 'Value #A': 'uptime', name: 'container', compose_service: 'service' },
      sortBy: 'container',
      dataLinks: [drillDownFromRow(UIDS.logExplorer, 'Logs of this container', 'container', 'container')],
    }),
    row('GPU containers'),
    timeSeries({
      title: 'CPU (GPU containers)',
      description: 'Cores used by containers that hold a GPU.',
      unit: UNIT.cores,
      queries: [
        promql(
          `sum by (name) (rate(container_cpu_usage_seconds_total{${CONTAINER}}[$__rate_interval])) ${ON_GPU}`,
          '{{name}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Memory (GPU containers)',
      description: 'Working-set memory of containers that hold a GPU (their GPU memory is on GPU usage).',
      unit: UNIT.bytes,
      queries: [
        promql(`sum by (name) (container_memory_working_set_bytes{${CONTAINER}}) ${ON_GPU}`, '{{name}}'),
      ],
      dataLinks: [drillDown(UIDS.vllmStatus, 'vLLM instance', 'container', 'name')],
    }),
    row('Other containers'),
    timeSeries({
      title: 'CPU (other containers)',
      description: 'Cores used by containers without a GPU (proxy, databases, monitoring).',
      unit: UNIT.cores,
      queries: [
        promql(
          `sum by (name) (rate(container_cpu_usage_seconds_total{${CONTAINER}}[$__rate_interval])) ${NOT_ON_GPU}`,
          '{{name}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Memory (other containers)',
      description: 'Working-set memory of containers without a GPU.',
      unit: UNIT.bytes,
      queries: [
        promql(`sum by (name) (container_memory_working_set_bytes{${CONTAINER}}) ${NOT_ON_GPU}`, '{{name}}'),
      ],
    }),
    row('Limits and restarts'),
    barGauge({
      title: 'Memory against limit',
      description: 'Working set as a share of the memory limit, for containers that have one.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.memoryRatio(),
      min: 0,
      max: 1,
      queries: [
        promql(
          `sum by (name) (container_memory_working_set_bytes{${CONTAINER}}) / sum by (name) (container_spec_memory_limit_bytes{${CONTAINER}} > 0)`,
          '{{name}}',
          { instant: true },
        ),
      ],
    }),
    barGauge({
      title: 'CPU against quota',
      description: 'Cores used as a share of the CPU quota, for containers that have one.',
      unit: UNIT.ratio,
      thresholds: THRESHOLDS.busyRatio(),
      min: 0,
      max: 1,
      queries: [
        promql(
          `sum by (name) (rate(container_cpu_usage_seconds_total{${CONTAINER}}[5m])) / sum by (name) ((container_spec_cpu_quota{${CONTAINER}} > 0) / container_spec_cpu_period{${CONTAINER}})`,
          '{{name}}',
          { instant: true },
        ),
      ],
    }),
    timeSeries({
      title: 'Restarts',
      description: 'Restarts per container in each interval; a restart loop shows as a steady line.',
      unit: UNIT.count,
      queries: [
        promql(
          `sum by (name) (increase(llmmon_container_restarts_total{${CONTAINER}}[$__rate_interval]))`,
          '{{name}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Network',
      description: 'Bytes received and sent per second per container.',
      unit: UNIT.bytesPerSecond,
      queries: [
        promql(
          `sum by (name) (rate(container_network_receive_bytes_total{${CONTAINER}}[$__rate_interval]))`,
          '{{name}} in',
        ),
        promql(
          `sum by (name) (rate(container_network_transmit_bytes_total{${CONTAINER}}[$__rate_interval]))`,
          '{{name}} out',
        ),
      ],
    }),
  ],
};
