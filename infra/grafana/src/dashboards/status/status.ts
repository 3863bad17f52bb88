import {
  ANNOUNCEMENT_TAGS,
  announcementList,
  announcementMarkers,
  type DashboardSpec,
  linkTo,
  promql,
  row,
  statPanel,
  THRESHOLDS,
  timeSeries,
  UIDS,
  UNIT,
  upDownMappings,
} from '../../blocks';

const MARKER_COLORS: Record<(typeof ANNOUNCEMENT_TAGS)[number], string> = {
  announcement: 'blue',
  maintenance: 'orange',
  deprecation: 'red',
  'new-model': 'green',
};

const LIST_TITLES: Record<(typeof ANNOUNCEMENT_TAGS)[number], [string, string]> = {
  announcement: ['Announcements', "General news for the server's users."],
  maintenance: ['Maintenance windows', 'Planned downtime: when, and what is affected.'],
  deprecation: ['Deprecations', 'Models or endpoints going away, and what replaces them.'],
  'new-model': ['New models', 'Models added to the catalog.'],
};

export const status: DashboardSpec = {
  uid: UIDS.status,
  title: 'System status & announcements',
  description:
    "For the server's users: is each service up, which models answer, and what the operators announced (maintenance, deprecations, new models).",
  folder: 'status',
  file: 'status.json',
  from: 'now-7d',
  refresh: '1m',
  links: [linkTo(UIDS.modelCatalog, 'Model catalog'), linkTo(UIDS.litellmStatus, 'LiteLLM status')],
  annotations: ANNOUNCEMENT_TAGS.map((tag) => announcementMarkers(tag, MARKER_COLORS[tag])),
  panels: [
    statPanel({
      title: 'Services',
      description: 'Each monitored service as Prometheus last scraped it.',
      unit: UNIT.state,
      mappings: upDownMappings(),
      thresholds: THRESHOLDS.upDown(),
      background: true,
      w: 24,
      queries: [promql('min by (job) (up{job!="prometheus"})', '{{job}}', { instant: true })],
    }),
    statPanel({
      title: 'Models answering',
      description: "Each model as LiteLLM's health check last saw it (healthy when any deployment is).",
      unit: UNIT.state,
      mappings: upDownMappings(),
      thresholds: THRESHOLDS.upDown(),
      background: true,
      w: 24,
      queries: [
        promql('max by (model_group) (llmmon_litellm_deployment_healthy)', '{{model_group}}', {
          instant: true,
        }),
      ],
    }),
    row('Announcements'),
    ...ANNOUNCEMENT_TAGS.map((tag) =>
      announcementList({ title: LIST_TITLES[tag][0], description: LIST_TITLES[tag][1], tags: [tag] }),
    ),
    row('Service over time'),
    timeSeries({
      title: 'Requests per model',
      description: 'Requests per second per model, with the announcements as markers.',
      unit: UNIT.requestsPerSecond,
      stack: true,
      queries: [
        promql('sum by (model_group) (model_group:llmmon_litellm_requests:rate5m)', '{{model_group}}'),
      ],
    }),
    timeSeries({
      title: 'Services up',
      description:
        'Services up over time, with the announcements as markers: a dip inside a maintenance window was planned.',
      unit: UNIT.count,
      queries: [
        promql('count(up{job!="prometheus"} == 1)', 'up'),
        promql('sum(max by (model_group) (llmmon_litellm_deployment_healthy))', 'models answering'),
      ],
    }),
  ],
};
