import {
  type DashboardSpec,
  drillDownFromRow,
  gpuHeatmap,
  promql,
  statPanel,
  tablePanel,
  UIDS,
  UNIT,
} from '../../blocks';

const table = { instant: true, table: true };
const GiB = 1024 ** 3;

/**
 * Every host of a fleet on one screen, from the centre (VictoriaMetrics) or a host's own
 * Prometheus (one row there): its GPUs and how busy, full and hot they are, its models, its
 * traffic and errors, what fires, and how fresh its data is (docs/fleet.md).
 */
export const fleetOverview: DashboardSpec = {
  uid: UIDS.fleetOverview,
  title: 'Fleet overview',
  description:
    'One row per host: GPUs, GPU busy and memory, the hottest GPU, free GPU memory, models served, tokens and requests per second, error ratio, alerts firing, age of its newest sample; every GPU of the fleet by host; and which host has room for another model.',
  folder: 'status',
  file: 'fleet-overview.json',
  from: 'now-1h',
  refresh: '30s',
  panels: [
    statPanel({
      title: 'Hosts',
      description: 'Hosts that sent within the last 5 minutes.',
      unit: UNIT.count,
      w: 6,
      queries: [promql('count(count by (host) (up))', 'hosts', { instant: true })],
    }),
    statPanel({
      title: 'GPUs',
      description: 'GPUs of every host.',
      unit: UNIT.count,
      w: 6,
      queries: [promql('count(llmmon_gpu_info)', 'GPUs', { instant: true })],
    }),
    statPanel({
      title: 'GPU memory in use',
      description: "Share of every GPU's memory in use, the whole fleet.",
      unit: UNIT.ratio,
      w: 6,
      queries: [
        promql('sum(llmmon_gpu_memory_used_bytes) / sum(llmmon_gpu_memory_total_bytes)', 'used', {
          instant: true,
        }),
      ],
    }),
    statPanel({
      title: 'Tokens per second',
      description: 'Output tokens per second, every model of every host.',
      unit: UNIT.tokensPerSecond,
      w: 6,
      queries: [promql('sum(rate(llmmon_vllm_generation_tokens_total[5m]))', 'tokens', { instant: true })],
    }),
    tablePanel({
      title: 'Hosts',
      description:
        "One row per host. Click a host for its server dashboard. Alerts firing are the host's own rules' (shipped with its series); last sample: seconds since its newest scrape arrived.",
      unit: UNIT.count,
      h: 10,
      merge: true,
      queries: [
        promql('count by (host) (llmmon_gpu_info)', '', table),
        promql('avg by (host) (llmmon_gpu_utilization_ratio)', '', table),
        promql(
          'sum by (host) (llmmon_gpu_memory_used_bytes) / sum by (host) (llmmon_gpu_memory_total_bytes)',
          '',
          table,
        ),
        promql('max by (host) (llmmon_gpu_temperature_celsius)', '', table),
        promql('sum by (host) (llmmon_gpu_memory_total_bytes - llmmon_gpu_memory_used_bytes)', '', table),
        promql('count by (host) (llmmon_vllm_model_info)', '', table),
        promql('sum by (host) (rate(llmmon_vllm_generation_tokens_total[5m]))', '', table),
        promql('sum by (host) (rate(llmmon_litellm_requests_total[5m]))', '', table),
        promql(
          'sum by (host) (rate(llmmon_litellm_request_failures_total[5m])) / sum by (host) (rate(llmmon_litellm_requests_total[5m]))',
          '',
          table,
        ),
        promql(
          'count by (host) (ALERTS{alertstate="firing"}) or on (host) (count by (host) (up) * 0)',
          '',
          table,
        ),
        promql('time() - max by (host) (timestamp(up))', '', table),
      ],
      rename: {
        'Value #A': 'GPUs',
        'Value #B': 'GPU busy',
        'Value #C': 'GPU memory used',
        'Value #D': 'hottest GPU',
        'Value #E': 'GPU memory free',
        'Value #F': 'models',
        'Value #G': 'tokens/s',
        'Value #H': 'requests/s',
        'Value #I': 'errors',
        'Value #J': 'alerts firing',
        'Value #K': 'last sample',
      },
      columns: {
        'GPU busy': { unit: UNIT.ratio },
        'GPU memory used': { unit: UNIT.ratio },
        'hottest GPU': { unit: UNIT.celsius },
        'GPU memory free': { unit: UNIT.bytes },
        'tokens/s': { unit: UNIT.tokensPerSecond },
        'requests/s': { unit: UNIT.requestsPerSecond },
        errors: { unit: UNIT.ratio },
        'last sample': { unit: UNIT.seconds },
      },
      sortBy: 'host',
      dataLinks: [drillDownFromRow(UIDS.serverHealth, "This host's server health", 'host', 'host')],
    }),
    gpuHeatmap({
      title: 'Every GPU, by host',
      description:
        "Every GPU of the fleet now, a row per host, coloured by utilization; hover for every reading, click for that host's GPU dashboard.",
      gpuFilter: 'gpu=~".+"',
      metric: 'utilization',
      link: `/d/${UIDS.gpuUsage}?var-host=\${host}`,
      h: 10,
    }),
    tablePanel({
      title: 'Room for another model',
      description: `Free memory per GPU, most first, and on how many GPUs of the same host: a 70B model in 16-bit needs about ${Math.round((140 * 1e9) / GiB)} GiB across its GPUs (tensor parallel over 2 or 4 of one host).`,
      unit: UNIT.bytes,
      h: 10,
      w: 12,
      queries: [
        promql(
          'sort_desc(sum by (host, gpu) (llmmon_gpu_memory_total_bytes - llmmon_gpu_memory_used_bytes))',
          '',
          table,
        ),
      ],
      rename: { Value: 'free' },
    }),
    tablePanel({
      title: 'Models by host',
      description: 'Every model served, where, on which vLLM version.',
      unit: UNIT.count,
      h: 10,
      w: 12,
      queries: [promql('max by (host, model, vllm_version) (llmmon_vllm_model_info)', '', table)],
      hide: ['Value'],
      rename: { vllm_version: 'vLLM' },
      sortBy: 'host',
    }),
  ],
};
