import {
  barGauge,
  type DashboardSpec,
  drillDown,
  drillDownFromRow,
  FILTERS,
  linkTo,
  promql,
  row,
  statPanel,
  tablePanel,
  THRESHOLDS,
  timeSeries,
  UIDS,
  UNIT,
  upDownMappings,
  VARIABLES,
} from '../../blocks';

/** Containers holding a GPU (the container exporter says which), on the same host. */
const ON_GPU = 'and on (host, name) group by (host, name) (container_gpu_info)';

const NOT_ON_GPU = 'unless on (host, name) group by (host, name) (container_gpu_info)';

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
        promql(
          `count(llmmon_container_state{${FILTERS.container}, state="running"} == 1) or vector(0)`,
          'running',
          {
            instant: true,
          },
        ),
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
          `count(llmmon_container_state{${FILTERS.container}, state!="running"} == 1) or vector(0)`,
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
          `count(llmmon_container_health_status{${FILTERS.container}, status="unhealthy"} == 1) or vector(0)`,
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
        promql(`sum(increase(llmmon_container_restarts_total{${FILTERS.container}}[$__range]))`, 'restarts', {
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
      queries: [
        promql('min(llmmon_upstream_up{upstream="docker", exporter="container"})', 'docker', {
          instant: true,
        }),
      ],
    }),
    tablePanel({
      title: 'Containers',
      description: 'State, image and uptime of every container; click one for its vLLM instance or logs.',
      unit: UNIT.duration,
      merge: true,
      queries: [
        promql(`llmmon_container_uptime_seconds{${FILTERS.container}}`, '', { instant: true, table: true }),
        promql(`llmmon_container_state{${FILTERS.container}} == 1`, '', { instant: true, table: true }),
        promql(`llmmon_container_info{${FILTERS.container}}`, '', { instant: true, table: true }),
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
          `sum by (host, name) (rate(container_cpu_usage_seconds_total{${FILTERS.container}}[$__rate_interval])) ${ON_GPU}`,
          '{{name}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Memory (GPU containers)',
      description: 'Working-set memory of containers that hold a GPU (their GPU memory is on GPU usage).',
      unit: UNIT.bytes,
      queries: [
        promql(
          `sum by (host, name) (container_memory_working_set_bytes{${FILTERS.container}}) ${ON_GPU}`,
          '{{name}}',
        ),
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
          `sum by (host, name) (rate(container_cpu_usage_seconds_total{${FILTERS.container}}[$__rate_interval])) ${NOT_ON_GPU}`,
          '{{name}}',
        ),
      ],
    }),
    timeSeries({
      title: 'Memory (other containers)',
      description: 'Working-set memory of containers without a GPU.',
      unit: UNIT.bytes,
      queries: [
        promql(
          `sum by (host, name) (container_memory_working_set_bytes{${FILTERS.container}}) ${NOT_ON_GPU}`,
          '{{name}}',
        ),
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
          `sum by (name) (container_memory_working_set_bytes{${FILTERS.container}}) / sum by (name) (container_spec_memory_limit_bytes{${FILTERS.container}} > 0)`,
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
          `sum by (name) (rate(container_cpu_usage_seconds_total{${FILTERS.container}}[5m])) / sum by (name) ((container_spec_cpu_quota{${FILTERS.container}} > 0) / container_spec_cpu_period{${FILTERS.container}})`,
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
          `sum by (name) (increase(llmmon_container_restarts_total{${FILTERS.container}}[$__rate_interval]))`,
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
          `sum by (name) (rate(container_network_receive_bytes_total{${FILTERS.container}}[$__rate_interval]))`,
          '{{name}} in',
        ),
        promql(
          `sum by (name) (rate(container_network_transmit_bytes_total{${FILTERS.container}}[$__rate_interval]))`,
          '{{name}} out',
        ),
      ],
    }),
  ],
};
