import {
  type DashboardSpec,
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
} from '../../blocks';

export const monitoringHealth: DashboardSpec = {
  uid: UIDS.monitoringHealth,
  title: 'Monitoring health',
  description:
    'Can the other dashboards be trusted: targets up, scrape durations, upstreams each exporter reads, Prometheus itself.',
  folder: 'self',
  file: 'monitoring-health.json',
  from: 'now-6h',
  links: [linkTo(UIDS.home, 'Home')],
  panels: [
    statPanel({
      title: 'Targets',
      description: 'Each scrape target: up or down.',
      unit: UNIT.state,
      mappings: upDownMappings(),
      thresholds: THRESHOLDS.upDown(),
      background: true,
      w: 24,
      queries: [promql('up', '{{job}} {{instance}}', { instant: true })],
    }),
    row('Scrapes'),
    timeSeries({
      title: 'Scrape duration',
      description:
        'How long each target takes to answer a scrape; near the 10 s timeout it will start failing.',
      unit: UNIT.seconds,
      queries: [promql('scrape_duration_seconds', '{{job}}')],
    }),
    timeSeries({
      title: 'Samples per scrape',
      description: 'Samples each target returns; a sudden jump is a cardinality problem on the way.',
      unit: UNIT.count,
      queries: [promql('scrape_samples_scraped', '{{job}}')],
    }),
    row('Exporters'),
    timeSeries({
      title: 'Upstream failures',
      description:
        'Failed reads per second of each upstream an exporter reads (Docker, nvidia-smi or NVML, each vLLM instance, LiteLLM, Langfuse, the Hugging Face Hub), by kind.',
      unit: UNIT.perSecond,
      queries: [
        promql(
          'sum by (exporter, upstream, kind) (rate(llmmon_upstream_errors_total[$__rate_interval]))',
          '{{exporter}} {{upstream}} {{kind}}',
        ),
      ],
    }),
    tablePanel({
      title: 'Upstreams',
      description:
        'Every upstream each exporter reads: whether its last read worked, how old the data served from it is, and how long a read takes.',
      unit: UNIT.seconds,
      merge: true,
      queries: [
        promql('time() - llmmon_upstream_last_success_timestamp_seconds', '', { instant: true, table: true }),
        promql('llmmon_upstream_up', '', { instant: true, table: true }),
        promql('llmmon_upstream_read_duration_seconds', '', { instant: true, table: true }),
      ],
      rename: { 'Value #A': 'data age', 'Value #B': 'last read ok', 'Value #C': 'last read took' },
      sortBy: 'upstream',
    }),
    timeSeries({
      title: 'Exporter CPU',
      description:
        'CPU each exporter process uses, in cores (SPEC §12: all together under 2% of the machine).',
      unit: UNIT.cores,
      queries: [promql('rate(process_cpu_seconds_total{job!="prometheus"}[$__rate_interval])', '{{job}}')],
    }),
    timeSeries({
      title: 'Exporter memory',
      description: 'Resident memory of each exporter process.',
      unit: UNIT.bytes,
      queries: [promql('process_resident_memory_bytes{job!="prometheus"}', '{{job}}')],
    }),
    row('Prometheus'),
    timeSeries({
      title: 'Head series',
      description: "Series in Prometheus's head block: the cardinality of everything above.",
      unit: UNIT.count,
      queries: [promql('prometheus_tsdb_head_series', 'series')],
    }),
    timeSeries({
      title: 'Rule evaluation',
      description: 'How long each rule group takes to evaluate (alerts and recording rules).',
      unit: UNIT.seconds,
      queries: [
        promql('max by (rule_group) (prometheus_rule_group_last_duration_seconds)', '{{rule_group}}'),
      ],
    }),
    timeSeries({
      title: 'Rule failures',
      description: 'Rule evaluations failing per second; above zero an alert may never fire.',
      unit: UNIT.perSecond,
      thresholds: THRESHOLDS.anyIsBad(),
      queries: [promql('sum(rate(prometheus_rule_evaluation_failures_total[$__rate_interval]))', 'failures')],
    }),
    timeSeries({
      title: 'Alert notifications',
      description:
        'Notifications sent to Alertmanager and dropped per second; drops mean alerts are not arriving.',
      unit: UNIT.perSecond,
      queries: [
        promql('sum(rate(prometheus_notifications_sent_total[$__rate_interval]))', 'sent'),
        promql('sum(rate(prometheus_notifications_dropped_total[$__rate_interval]))', 'dropped'),
      ],
    }),
    timeSeries({
      title: 'Storage',
      description: "Bytes Prometheus's blocks take on disk (30 days retained).",
      unit: UNIT.bytes,
      queries: [promql('prometheus_tsdb_storage_blocks_bytes', 'blocks')],
    }),
  ],
};
