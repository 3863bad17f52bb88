import {
  barGauge,
  type DashboardSpec,
  drillDown,
  drillDownFromRow,
  FILTERS,
  gpuHealthLevel,
  gpuHealthMappings,
  gpuHeatmap,
  linkTo,
  promql,
  statPanel,
  tablePanel,
  THRESHOLDS,
  timeSeries,
  UIDS,
  UNIT,
  VARIABLES,
  xidMappings,
  zeroAs,
} from '../../blocks';

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
      gpuFilter: FILTERS.gpu,
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
      queries: [promql(`llmmon_gpu_utilization_ratio{${FILTERS.gpu}}`, 'GPU {{gpu}}')],
    }),
    timeSeries({
      title: 'Memory used',
      description: 'Memory used per GPU, stacked on the real total of the selected GPUs (dashed).',
      unit: UNIT.bytes,
      stack: true,
      referenceSeries: 'total',
      queries: [
        promql(`llmmon_gpu_memory_used_bytes{${FILTERS.gpu}}`, 'GPU {{gpu}}'),
        promql(`sum(llmmon_gpu_memory_total_bytes{${FILTERS.gpu}})`, 'total'),
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
      queries: [promql(`instance_gpu:llmmon_gpu_memory_used:ratio{${FILTERS.gpu}}`, 'GPU {{gpu}}')],
    }),
    timeSeries({
      title: 'Temperature',
      description: 'GPU core temperature; warning at 75 °C, critical at 85 °C.',
      unit: UNIT.celsius,
      thresholds: THRESHOLDS.gpuTemperature(),
      showThresholds: true,
      queries: [promql(`llmmon_gpu_temperature_celsius{${FILTERS.gpu}}`, 'GPU {{gpu}}')],
    }),
    timeSeries({
      title: 'Power',
      description: 'Power draw per GPU, and the power limit (dashed).',
      unit: UNIT.watts,
      referenceSeries: 'limit',
      queries: [
        promql(`llmmon_gpu_power_watts{${FILTERS.gpu}}`, 'GPU {{gpu}}'),
        promql(`max(llmmon_gpu_power_limit_watts{${FILTERS.gpu}})`, 'limit'),
      ],
    }),
    timeSeries({
      title: 'SM clock',
      description: 'Streaming-multiprocessor clock per GPU; a drop under load means throttling.',
      unit: UNIT.hertz,
      queries: [promql(`llmmon_gpu_sm_clock_hertz{${FILTERS.gpu}}`, 'GPU {{gpu}}')],
    }),
    timeSeries({
      title: 'PCIe traffic',
      description:
        "Bytes per second over each GPU's PCIe link (receive: host to GPU, e.g. weights while a model loads; transmit: GPU to host). NVML source, drivers R535+.",
      unit: UNIT.bytesPerSecond,
      queries: [
        promql(
          `sum by (gpu, direction) (rate(llmmon_gpu_pcie_bytes_total{${FILTERS.gpu}}[$__rate_interval]))`,
          'GPU {{gpu}} {{direction}}',
        ),
      ],
    }),
    timeSeries({
      title: 'NVLink traffic',
      description:
        "Data bytes per second over each GPU's NVLinks, all links summed (tensor-parallel models all-reduce over them at every step). NVML source.",
      unit: UNIT.bytesPerSecond,
      queries: [
        promql(
          `sum by (gpu, direction) (rate(llmmon_gpu_nvlink_bytes_total{${FILTERS.gpu}}[$__rate_interval]))`,
          'GPU {{gpu}} {{direction}}',
        ),
      ],
    }),
    tablePanel({
      title: 'Interconnect errors',
      description:
        'Per GPU: NVLinks down now (GpuNvlinkDown warns after 5 minutes), NVLink errors (replays, recoveries, CRC, ECC) and PCIe replays in the time range. Anything above 0 needs a look. NVML source.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      merge: true,
      queries: [
        promql(`sum by (gpu) (1 - llmmon_gpu_nvlink_up{${FILTERS.gpu}})`, '', { instant: true, table: true }),
        promql(`sum by (gpu) (increase(llmmon_gpu_nvlink_errors_total{${FILTERS.gpu}}[$__range]))`, '', {
          instant: true,
          table: true,
        }),
        promql(`sum by (gpu) (increase(llmmon_gpu_pcie_replays_total{${FILTERS.gpu}}[$__range]))`, '', {
          instant: true,
          table: true,
        }),
      ],
      rename: { 'Value #A': 'NVLinks down', 'Value #B': 'NVLink errors', 'Value #C': 'PCIe replays' },
      sortBy: 'gpu',
    }),
    barGauge({
      title: 'GPU memory per container',
      description: 'GPU memory each container holds, over the selected GPUs.',
      unit: UNIT.bytes,
      queries: [
        promql(
          `sum by (container) (llmmon_gpu_container_memory_used_bytes{${FILTERS.gpu}})`,
          '{{container}}',
          {
            instant: true,
          },
        ),
      ],
      dataLinks: [drillDown(UIDS.dockerContainers, 'Container details', 'container', 'container')],
    }),
    statPanel({
      title: 'GPU health',
      description:
        'Per GPU: FAILING (lost, needs a reset, unreadable, failed row remap: GpuUnhealthy pages), DEGRADED (row remap waiting for a reset, hardware throttling), OK. The table below names the state.',
      unit: UNIT.state,
      mappings: gpuHealthMappings(),
      background: true,
      w: 12,
      queries: [promql(gpuHealthLevel(FILTERS.gpu), 'GPU {{gpu}}', { instant: true })],
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
          `sum by (gpu) (llmmon_gpu_throttle_reason_active{${FILTERS.gpu}, reason!~"gpu_idle|applications_clocks_setting"})`,
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
      queries: [
        promql(`llmmon_gpu_process_memory_used_bytes{${FILTERS.gpu}}`, '', { instant: true, table: true }),
      ],
      hide: ['uuid'],
      rename: { Value: 'GPU memory', process_name: 'process' },
      sortBy: 'gpu',
      dataLinks: [drillDownFromRow(UIDS.dockerContainers, 'Container details', 'container', 'container')],
    }),
    tablePanel({
      title: 'GPU memory errors',
      description:
        'Uncorrected ECC errors in the time range and row remaps waiting for a GPU reset, per GPU; anything above 0 needs a look.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      merge: true,
      queries: [
        promql(
          `sum by (gpu) (increase(llmmon_gpu_ecc_uncorrected_errors_total{${FILTERS.gpu}}[$__range]))`,
          '',
          {
            instant: true,
            table: true,
          },
        ),
        promql(`sum by (gpu) (llmmon_gpu_row_remap_pending{${FILTERS.gpu}})`, '', {
          instant: true,
          table: true,
        }),
      ],
      rename: { 'Value #A': 'ECC uncorrected', 'Value #B': 'row remap pending' },
    }),
    tablePanel({
      title: 'MIG devices',
      description:
        "The MIG devices of MIG-enabled GPUs (NVML source): profile, memory in use of its own, and the container on it. A MIG GPU has no utilization of its own (per device it needs DCGM); power, energy and temperature stay the GPU's. Empty on a host without MIG.",
      unit: UNIT.bytes,
      merge: true,
      queries: [
        promql(`llmmon_gpu_mig_memory_used_bytes{${FILTERS.gpu}}`, '', { instant: true, table: true }),
        promql(`llmmon_gpu_mig_memory_total_bytes{${FILTERS.gpu}}`, '', { instant: true, table: true }),
        promql(
          `sum by (gpu, mig_instance, container) (llmmon_gpu_container_memory_used_bytes{${FILTERS.gpu}, mig_instance!=""})`,
          '',
          { instant: true, table: true },
        ),
      ],
      hide: ['uuid', 'Value #C'],
      rename: { 'Value #A': 'memory used', 'Value #B': 'memory total', mig_instance: 'MIG device (GI/CI)' },
      sortBy: 'gpu',
    }),
    tablePanel({
      title: 'XID errors',
      description:
        "XID errors the driver raised per GPU in the time range, the latest one with its meaning from NVIDIA's catalog, and when it was seen. Read through NVML's events (nvidia-smi has none); kept across exporter restarts. 13, 31, 43 and 45 usually point at an application; 48, 63, 64, 74, 79, 94, 95, 119, 120 and 154 at the GPU (see the GpuUnhealthy runbook).",
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      merge: true,
      queries: [
        promql(`sum by (gpu) (increase(llmmon_gpu_xid_errors_total{${FILTERS.gpu}}[$__range]))`, '', {
          instant: true,
          table: true,
        }),
        promql(`max by (gpu) (llmmon_gpu_last_xid{${FILTERS.gpu}})`, '', { instant: true, table: true }),
        promql(`max by (gpu) (llmmon_gpu_last_xid_timestamp_seconds{${FILTERS.gpu}}) * 1000`, '', {
          instant: true,
          table: true,
        }),
      ],
      rename: { 'Value #A': 'XIDs in range', 'Value #B': 'latest XID', 'Value #C': 'latest XID at' },
      columns: {
        'latest XID': { unit: UNIT.state, mappings: xidMappings() },
        'latest XID at': { unit: UNIT.dateTimeMs, mappings: zeroAs('never') },
      },
      sortBy: 'gpu',
    }),
    tablePanel({
      title: 'GPU states',
      description:
        'The health state of each selected GPU (llmmon_gpu_health): ok, throttled_hw, row_remap_pending, row_remap_failed, unknown_error, reset_required, lost. See the GpuUnhealthy runbook.',
      unit: UNIT.state,
      queries: [promql(`llmmon_gpu_health{${FILTERS.gpu}} == 1`, '', { instant: true, table: true })],
      hide: ['Value'],
      sortBy: 'gpu',
    }),
  ],
};
