/** Status folder: what users of the server need to know (is it up, what changes), and the home dashboard. */
import {
  ANNOUNCEMENT_TAGS,
  THRESHOLDS,
  UIDS,
  UNIT,
  announcementList,
  announcementMarkers,
  firingAlerts,
  linkTo,
  panelOfType,
  promql,
  row,
  statPanel,
  timeSeries,
  upDownMappings,
  type DashboardSpec,
} from './blocks';

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

export const home: DashboardSpec = {
  uid: UIDS.home,
  title: 'llmmon home',
  description: 'Where to start: is every part of the monitoring up, what is firing, and every dashboard.',
  folder: 'status',
  file: 'home.json',
  links: [linkTo(UIDS.status, 'System status'), linkTo(UIDS.monitoringHealth, 'Monitoring health')],
  panels: [
    statPanel({
      title: 'Targets up',
      description: 'Exporters Prometheus scrapes successfully.',
      unit: UNIT.count,
      w: 8,
      h: 6,
      queries: [promql('sum(up)', 'up', { instant: true })],
    }),
    statPanel({
      title: 'Targets down',
      description: 'Exporters Prometheus fails to scrape.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      w: 8,
      h: 6,
      queries: [promql('count(up == 0) or vector(0)', 'down', { instant: true })],
    }),
    statPanel({
      title: 'Critical alerts firing',
      description: 'Critical alerts firing now.',
      unit: UNIT.count,
      thresholds: THRESHOLDS.anyIsBad(),
      background: true,
      w: 8,
      h: 6,
      queries: [
        promql('count(ALERTS{alertstate="firing", severity="critical"}) or vector(0)', 'critical', {
          instant: true,
        }),
      ],
    }),
    firingAlerts({
      title: 'Firing alerts',
      description: 'Alerts firing or pending now, from Alertmanager.',
      w: 16,
      h: 12,
    }),
    panelOfType(
      'dashlist',
      { title: 'Dashboards', description: 'Every llmmon dashboard, by folder.' },
      8,
      12,
    ).options({
      showStarred: false,
      showRecentlyViewed: false,
      showSearch: true,
      showHeadings: true,
      includeVars: false,
      keepTime: true,
      query: '',
      tags: ['llmmon'],
      maxItems: 20,
    }),
  ],
};
