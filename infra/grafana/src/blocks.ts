/**
 * The building blocks every llmmon dashboard is made of: datasources, template variables,
 * units, threshold sets, panels with their queries, and links between dashboards. Each
 * dashboard file (system.ts, llm.ts, …) only says what it shows.
 */
import * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import { XID_CATALOG } from '@llmmon/exporter-gpu/xid-catalog';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as annotationslist from '@grafana/grafana-foundation-sdk/annotationslist';
import { HOST_MATCHER, withHostFilter } from './host-filter';

// ---------------------------------------------------------------- datasources

/** Provisioned in infra/grafana/provisioning/datasources/llmmon.yml. */
export const PROVISIONED_UIDS = {
  prometheus: 'llmmon-prometheus',
  loki: 'llmmon-loki',
  alertmanager: 'llmmon-alertmanager',
} as const;

/** Panels query Prometheus through the `datasource` variable, so a second Prometheus can be picked. */
export const PROMETHEUS: dashboard.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
export const LOKI: dashboard.DataSourceRef = { type: 'loki', uid: PROVISIONED_UIDS.loki };
/** Grafana's own annotations (announcements are stored there). */
export const GRAFANA: dashboard.DataSourceRef = { type: 'grafana', uid: '-- Grafana --' };

// ---------------------------------------------------------------- units

/**
 * Grafana unit ids, named by what they measure. Metrics are in base units (seconds, bytes,
 * ratios 0-1), so no panel converts.
 */
export const UNIT = {
  ratio: 'percentunit',
  bytes: 'bytes',
  bytesPerSecond: 'Bps',
  seconds: 's',
  duration: 'dtdurations',
  celsius: 'celsius',
  watts: 'watt',
  hertz: 'hertz',
  count: 'short',
  perSecond: 'ops',
  requestsPerSecond: 'reqps',
  tokensPerSecond: 'suffix: tok/s',
  joulesPerToken: 'suffix: J/token',
  tokens: 'short',
  usd: 'currencyUSD',
  cores: 'suffix: cores',
  /** A state shown through value mappings (up/down, healthy/failing). */
  state: 'none',
  /** A Unix time in milliseconds, shown as a date. */
  dateTimeMs: 'dateTimeAsIso',
} as const;

// ---------------------------------------------------------------- thresholds

type Step = [color: string, from: number | null];

export function thresholds(...steps: Step[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(steps.map(([color, value]) => ({ color, value })));
}

/** The threshold sets SPEC §6 names, and a few conventional ones. */
export const THRESHOLDS = {
  gpuTemperature: () => thresholds(['green', null], ['orange', 75], ['red', 85]),
  memoryRatio: () => thresholds(['green', null], ['orange', 0.8], ['red', 0.95]),
  diskRatio: () => thresholds(['green', null], ['orange', 0.8], ['red', 0.9]),
  busyRatio: () => thresholds(['green', null], ['orange', 0.8], ['red', 0.95]),
  errorRatio: () => thresholds(['green', null], ['orange', 0.01], ['red', 0.05]),
  /** Anything above zero is worth a look (alerts firing, restarts, errors). */
  anyIsBad: () => thresholds(['green', null], ['red', 1]),
  /** 1 = up/healthy. */
  upDown: () => thresholds(['red', null], ['green', 1]),
  neutral: () => thresholds(['text', null]),
};

/** 1/0 shown as words, for up, ready and health series. */
export function upDownMappings(up = 'UP', down = 'DOWN'): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: { '1': { text: up, color: 'green' }, '0': { text: down, color: 'red' } },
    },
  ];
}

/** A GPU's health as the panels encode it (0 ok, 1 degraded, 2 failing); see gpuHealthLevel. */
export function gpuHealthMappings(): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: {
        '0': { text: 'OK', color: 'green' },
        '1': { text: 'DEGRADED', color: 'orange' },
        '2': { text: 'FAILING', color: 'red' },
      },
    },
  ];
}

/** 0 shown as `text` ("never" for a timestamp that has not happened). */
export function zeroAs(text: string): dashboard.ValueMapping[] {
  return [{ type: dashboard.MappingType.ValueToText, options: { '0': { text } } }];
}

/** An XID code as its meaning in NVIDIA's catalog (0: none seen). */
export function xidMappings(): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: {
        '0': { text: 'none', color: 'green' },
        ...Object.fromEntries(XID_CATALOG.map((x) => [String(x.code), { text: `${x.code}: ${x.meaning}` }])),
      },
    },
  ];
}

/**
 * Per GPU: 2 when llmmon_gpu_health is in a state GpuUnhealthy pages for, 1 in one GpuDegraded
 * warns of, else 0 (every state is always present, so a healthy GPU reads 0, never nothing).
 */
export function gpuHealthLevel(filter: string): string {
  return (
    `max by (gpu) (2 * llmmon_gpu_health{${filter}, state=~"lost|reset_required|unknown_error|row_remap_failed"}` +
    ` or llmmon_gpu_health{${filter}, state=~"row_remap_pending|throttled_hw"})`
  );
}

// ---------------------------------------------------------------- template variables

/** Prometheus datasource picker; panels reference it as ${datasource}. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Prometheus')
    .type('prometheus')
    .current({ text: 'Prometheus', value: PROVISIONED_UIDS.prometheus });
}

/**
 * A multi-value variable over a label's values, "All" by default. All is sent as `.*`, so
 * every panel filters with `label=~"$name"` and an empty label still matches.
 */
export function labelVariable(name: string, label: string, query: string): dashboard.QueryVariableBuilder {
  // Other variables list only what the chosen hosts have.
  if (name !== 'host')
    query = query.replace(/^label_values\((.+),(\s*\w+)\)$/, (_, selector: string, l: string) => {
      return `label_values(${withHostFilter(selector)},${l})`;
    });
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query({ query, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 } as never)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.NaturalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

/** The dashboard variables, each defined once. */
export const VARIABLES = {
  /** Every dashboard has it (buildDashboard adds it): the hosts that ship here, by their `host` label. */
  host: () => labelVariable('host', 'Host', 'label_values(up, host)'),
  gpu: () => labelVariable('gpu', 'GPU', 'label_values(llmmon_gpu_info, gpu)'),
  container: () => labelVariable('container', 'Container', 'label_values(llmmon_container_info, name)'),
  /** LiteLLM model groups (the names clients call). */
  modelGroup: () => labelVariable('model', 'Model', 'label_values(llmmon_litellm_model_info, model_group)'),
  /** Models as vLLM serves them (Hugging Face ids). */
  vllmModel: () => labelVariable('model', 'Model', 'label_values(llmmon_vllm_model_info, model)'),
  vllmContainer: () =>
    labelVariable(
      'container',
      'Container',
      'label_values(llmmon_vllm_model_info{model=~"$model"}, container)',
    ),
  langfuseModel: () => labelVariable('model', 'Model', 'label_values(llmmon_langfuse_model_traces, model)'),
  /** The time-aggregation selector: the window of every rate on the dashboard. */
  window: () =>
    new dashboard.CustomVariableBuilder('window')
      .label('Aggregation')
      .values('1m,5m,15m,1h')
      .current({ text: '5m', value: '5m' }),
};

// ---------------------------------------------------------------- queries

/** The label matchers of the template variables, for queries: one spelling everywhere. */
export const FILTERS = {
  host: HOST_MATCHER,
  gpu: 'gpu=~"$gpu"',
  container: 'name=~"$container"',
  model: 'model=~"$model"',
  modelGroup: 'model_group=~"$model"',
  /** A vLLM instance: by its model and its container. */
  vllm: 'model=~"$model", container=~"$container"',
} as const;

export interface QueryOptions {
  /** One value per series at the end of the range (stat, table, bar gauge). */
  instant?: boolean;
  /** Table panels read labels as columns. */
  table?: boolean;
}

export function promql(
  expr: string,
  legend = '__auto',
  options: QueryOptions = {},
): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder()
    .datasource(PROMETHEUS)
    .expr(withHostFilter(expr))
    .legendFormat(legend)
    .editorMode(prometheus.QueryEditorMode.Code);
  if (options.instant)
    query
      .instant()
      .format(options.table ? prometheus.PromQueryFormat.Table : prometheus.PromQueryFormat.TimeSeries);
  else query.range();
  return query;
}

export function logql(expr: string, legend?: string): loki.DataqueryBuilder {
  const query = new loki.DataqueryBuilder().datasource(LOKI).expr(expr);
  if (legend) query.legendFormat(legend);
  return query;
}

// ---------------------------------------------------------------- panels

type Query = prometheus.DataqueryBuilder | loki.DataqueryBuilder;

interface PanelBase {
  title: string;
  description: string;
  /** Grid columns (of 24) and rows. */
  w?: number;
  h?: number;
}

interface FieldPanel extends PanelBase {
  unit: string;
  queries: Query[];
  thresholds?: dashboard.ThresholdsConfigBuilder;
  mappings?: dashboard.ValueMapping[];
  min?: number;
  max?: number;
  decimals?: number;
  /** Data links on every value (e.g. to another dashboard with its variable set). */
  dataLinks?: dashboard.DashboardLinkBuilder[];
}

/** What every typed panel builder of the SDK offers for a panel with fields. */
interface FieldPanelBuilder {
  title(t: string): unknown;
  description(d: string): unknown;
  datasource(d: dashboard.DataSourceRef): unknown;
  span(w: number): unknown;
  height(h: number): unknown;
  unit(u: string): unknown;
  withTarget(q: cog.Builder<cog.Dataquery>): unknown;
  thresholds(t: cog.Builder<dashboard.ThresholdsConfig>): unknown;
  mappings(m: dashboard.ValueMapping[]): unknown;
  min(n: number): unknown;
  max(n: number): unknown;
  decimals(n: number): unknown;
  dataLinks(l: cog.Builder<dashboard.DashboardLink>[]): unknown;
}

/** Title, size, unit, queries and field options: what every panel here sets the same way. */
function configure<T extends FieldPanelBuilder>(panel: T, p: FieldPanel, width: number, height: number): T {
  panel.title(p.title);
  panel.description(p.description);
  panel.span(p.w ?? width);
  panel.height(p.h ?? height);
  panel.unit(p.unit);
  panel.datasource(p.queries[0] instanceof loki.DataqueryBuilder ? LOKI : PROMETHEUS);
  for (const q of p.queries) panel.withTarget(q);
  panel.thresholds(p.thresholds ?? THRESHOLDS.neutral());
  if (p.mappings) panel.mappings(p.mappings);
  if (p.min !== undefined) panel.min(p.min);
  if (p.max !== undefined) panel.max(p.max);
  if (p.decimals !== undefined) panel.decimals(p.decimals);
  if (p.dataLinks) panel.dataLinks(p.dataLinks);
  return panel;
}

export interface TimeSeriesPanel extends FieldPanel {
  stack?: boolean;
  /** Draw the thresholds as lines (temperatures, ratios). */
  showThresholds?: boolean;
  /** Series drawn as an unstacked dashed line (a total, a limit, a capacity). */
  referenceSeries?: string;
  /** Series drawn dashed in their own colours, by a regular expression on their names (comparisons). */
  dashedSeries?: string;
  fill?: number;
}

export function timeSeries(p: TimeSeriesPanel): timeseries.PanelBuilder {
  const panel = configure(new timeseries.PanelBuilder(), p, 12, 8);
  panel
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Right)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .lineWidth(1)
    .fillOpacity(p.fill ?? (p.stack ? 30 : 10))
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false);
  if (p.stack) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (p.showThresholds)
    panel.thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
    );
  if (p.referenceSeries)
    panel.overrideByName(p.referenceSeries, [
      { id: 'custom.stacking', value: { mode: 'none', group: 'A' } },
      { id: 'custom.fillOpacity', value: 0 },
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
    ]);
  if (p.dashedSeries)
    panel.overrideByRegexp(p.dashedSeries, [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
    ]);
  return panel;
}

export interface StatPanel extends FieldPanel {
  /** Colour the background by thresholds (status tiles) instead of the value only. */
  background?: boolean;
  sparkline?: boolean;
}

export function statPanel(p: StatPanel): stat.PanelBuilder {
  return configure(new stat.PanelBuilder(), p, 4, 4)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(p.background ? common.BigValueColorMode.Background : common.BigValueColorMode.Value)
    .graphMode(p.sparkline ? common.BigValueGraphMode.Area : common.BigValueGraphMode.None)
    .textMode(common.BigValueTextMode.Auto);
}

export interface TablePanel extends FieldPanel {
  /** Columns to hide (Prometheus bookkeeping labels are always hidden). */
  hide?: string[];
  /** Column renames, label → header. */
  rename?: Record<string, string>;
  /** Merge the queries' rows on their common labels (a catalog from several info metrics). */
  merge?: boolean;
  sortBy?: string;
  /** Per-column unit and value mappings, by the column's shown name, over the panel's own. */
  columns?: Record<string, { unit?: string; mappings?: dashboard.ValueMapping[] }>;
}

const BOOKKEEPING = ['Time', '__name__', 'job', 'instance', 'exporter'];

export function tablePanel(p: TablePanel): table.PanelBuilder {
  const panel = configure(new table.PanelBuilder(), p, 24, 8);
  if (p.merge) panel.withTransformation({ id: 'merge', options: {} });
  const excludeByName = Object.fromEntries([...BOOKKEEPING, ...(p.hide ?? [])].map((c) => [c, true]));
  panel.withTransformation({
    id: 'organize',
    options: { excludeByName, renameByName: p.rename ?? {}, indexByName: {} },
  });
  if (p.sortBy) panel.sortBy([new common.TableSortByFieldStateBuilder().displayName(p.sortBy).desc(false)]);
  for (const [name, c] of Object.entries(p.columns ?? {})) {
    panel.overrideByName(name, [
      ...(c.unit ? [{ id: 'unit', value: c.unit }] : []),
      ...(c.mappings ? [{ id: 'mappings', value: c.mappings }] : []),
    ]);
  }
  return panel.filterable(true).showHeader(true);
}

export function barGauge(p: FieldPanel): bargauge.PanelBuilder {
  return configure(new bargauge.PanelBuilder(), p, 12, 8)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true);
}

/**
 * Series × time, each row one series (CPU cores, GPUs) coloured by value. `timeFrom` caps the
 * range it shows (a per-core view over weeks reads every core's every sample and says little).
 */
export function heatmapPanel(p: FieldPanel & { timeFrom?: string }): heatmap.PanelBuilder {
  const panel = configure(new heatmap.PanelBuilder(), p, 12, 8);
  if (p.timeFrom) panel.timeFrom(p.timeFrom);
  return panel
    .calculate(false)
    .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Auto))
    .color(
      new heatmap.HeatmapColorOptionsBuilder()
        .mode(heatmap.HeatmapColorMode.Scheme)
        .scheme('Oranges')
        .fill('dark-orange')
        .scale(heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5)
        .steps(64)
        .reverse(false)
        .min(p.min ?? 0)
        .max(p.max ?? 1),
    )
    .cellGap(1)
    .yAxis(new heatmap.YAxisConfigBuilder().unit(p.unit).axisPlacement(common.AxisPlacement.Left))
    .showValue(common.VisibilityMode.Never)
    .tooltip(
      new heatmap.HeatmapTooltipBuilder()
        .mode(common.TooltipDisplayMode.Single)
        .yHistogram(false)
        .showColorScale(true),
    )
    .showLegend();
}

export function logsPanel(p: PanelBase & { queries: loki.DataqueryBuilder[] }): logs.PanelBuilder {
  const panel = new logs.PanelBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(LOKI)
    .span(p.w ?? 24)
    .height(p.h ?? 14);
  for (const q of p.queries) panel.withTarget(q);
  return panel
    .showTime(true)
    .showLabels(false)
    .showCommonLabels(false)
    .wrapLogMessage(true)
    .prettifyLogMessage(false)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
}

/** Announcements (Grafana annotations carrying `tag`), newest first, from any dashboard. */
export function announcementList(p: PanelBase & { tags: string[] }): annotationslist.PanelBuilder {
  return new annotationslist.PanelBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(GRAFANA)
    .span(p.w ?? 6)
    .height(p.h ?? 8)
    .tags(p.tags)
    .onlyFromThisDashboard(false)
    .onlyInTimeRange(false)
    .limit(20)
    .showUser(true)
    .showTime(true)
    .showTags(true)
    .navigateBefore('10m')
    .navigateAfter('10m');
}

/** A panel of a type the SDK has no builder for (our plugins, alert and dashboard lists). */
export function panelOfType(
  type: string,
  p: PanelBase,
  width: number,
  height: number,
): dashboard.PanelBuilder {
  return new dashboard.PanelBuilder()
    .type(type)
    .title(p.title)
    .description(p.description)
    .span(p.w ?? width)
    .height(p.h ?? height);
}

/** Our panel plugins (plugins/): their ids, as provisioning allows them unsigned. */
export const PLUGINS = {
  gpuHeatmap: 'llmmon-gpuheatmap-panel',
  tokenRate: 'llmmon-tokenrate-panel',
} as const;

/**
 * The GPU heatmap plugin: its queries in the order it reads them (A utilization, B memory
 * share, C temperature, D power, E/F memory used/total, G GPU memory per container).
 */
export function gpuHeatmap(
  p: PanelBase & {
    gpuFilter: string;
    metric: 'utilization' | 'memory' | 'temperature' | 'power';
    link: string;
  },
): dashboard.PanelBuilder {
  const f = p.gpuFilter;
  const panel = panelOfType(PLUGINS.gpuHeatmap, p, 24, 8)
    .datasource(PROMETHEUS)
    .unit(p.metric === 'temperature' ? UNIT.celsius : p.metric === 'power' ? UNIT.watts : UNIT.ratio)
    .options({ metric: p.metric, mode: 'grid', link: p.link });
  for (const expr of [
    `llmmon_gpu_utilization_ratio{${f}}`,
    `instance_gpu:llmmon_gpu_memory_used:ratio{${f}}`,
    `llmmon_gpu_temperature_celsius{${f}}`,
    `llmmon_gpu_power_watts{${f}}`,
    `llmmon_gpu_memory_used_bytes{${f}}`,
    `llmmon_gpu_memory_total_bytes{${f}}`,
    `llmmon_gpu_container_memory_used_bytes{${f}}`,
    `llmmon_gpu_health{${f}} == 1`,
    `llmmon_gpu_mig_mode{${f}}`,
  ])
    panel.withTarget(promql(expr, '__auto'));
  return panel;
}

/** The token rate plugin: query A input tokens per second per model, B output. */
export function tokenRate(
  p: PanelBase & { input: string; output: string; modelLabel: string },
): dashboard.PanelBuilder {
  return panelOfType(PLUGINS.tokenRate, p, 12, 8)
    .datasource(PROMETHEUS)
    .unit(UNIT.tokensPerSecond)
    .options({ layout: 'stacked', capacity: 0, sortBy: 'total', sortDesc: true, modelLabel: p.modelLabel })
    .withTarget(promql(p.input, `{{${p.modelLabel}}} input`))
    .withTarget(promql(p.output, `{{${p.modelLabel}}} output`));
}

/** Grafana's alert list, fed by the provisioned Alertmanager; `alertName` narrows it by name. */
export function firingAlerts(p: PanelBase & { alertName?: string }): dashboard.PanelBuilder {
  return panelOfType('alertlist', p, 12, 8).options({
    viewMode: 'list',
    groupMode: 'default',
    groupBy: [],
    maxItems: 20,
    sortOrder: 1,
    dashboardAlerts: false,
    alertInstanceLabelFilter: '',
    datasource: PROVISIONED_UIDS.alertmanager,
    alertName: p.alertName ?? '',
    folder: '',
    stateFilter: { firing: true, pending: true, noData: false, normal: false, error: true },
  });
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

// ---------------------------------------------------------------- dashboards and links

/** Every llmmon dashboard, by the uid the test plans and links rely on. */
export const UIDS = {
  home: 'llmmon-home',
  serverHealth: 'llmmon-server-health',
  gpuUsage: 'llmmon-gpu-usage',
  dockerContainers: 'llmmon-docker-containers',
  litellmStatus: 'llmmon-litellm-status',
  vllmStatus: 'llmmon-vllm-status',
  modelCatalog: 'llmmon-model-catalog',
  costEfficiency: 'llmmon-cost-efficiency',
  slos: 'llmmon-slos',
  fleetOverview: 'llmmon-fleet-overview',
  langfuseAnalytics: 'llmmon-langfuse-analytics',
  performanceTrends: 'llmmon-performance-trends',
  logExplorer: 'llmmon-log-explorer',
  status: 'llmmon-status',
  monitoringHealth: 'llmmon-monitoring-health',
} as const;

export type Uid = (typeof UIDS)[keyof typeof UIDS];

/** A link to another dashboard, keeping the time range (and, with `vars`, the variables). */
export function linkTo(uid: Uid, title: string, vars = false): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title)
    .type(dashboard.DashboardLinkType.Link)
    .url(`/d/${uid}`)
    .icon('dashboard')
    .keepTime(true)
    .includeVars(vars)
    .targetBlank(false);
}

/** A data link from a value to another dashboard with one variable set from the series' label. */
export function drillDown(
  uid: Uid,
  title: string,
  variable: string,
  label: string,
): dashboard.DashboardLinkBuilder {
  return dataLink(title, `/d/${uid}?var-${variable}=\${__field.labels.${label}}&\${__url_time_range}`);
}

/** The same from a table row, whose labels are fields. */
export function drillDownFromRow(
  uid: Uid,
  title: string,
  variable: string,
  field: string,
): dashboard.DashboardLinkBuilder {
  return dataLink(title, `/d/${uid}?var-${variable}=\${__data.fields["${field}"]}&\${__url_time_range}`);
}

function dataLink(title: string, url: string): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title)
    .type(dashboard.DashboardLinkType.Link)
    .url(url)
    .targetBlank(false);
}

export interface DashboardSpec {
  uid: Uid;
  title: string;
  description: string;
  /** Folder under infra/grafana/dashboards/ (one provisioning provider each). */
  folder: 'system' | 'llm' | 'analytics' | 'logs' | 'status' | 'self';
  file: string;
  from?: string;
  refresh?: string;
  variables?: cog.Builder<dashboard.VariableModel>[];
  links?: dashboard.DashboardLinkBuilder[];
  annotations?: dashboard.AnnotationQueryBuilder[];
  /** Panels and rows, laid out left to right, top to bottom. */
  panels: (cog.Builder<dashboard.Panel> | dashboard.RowBuilder)[];
}

export function buildDashboard(spec: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(['llmmon', spec.folder])
    .editable()
    .readonly()
    .timezone('browser')
    .time({ from: spec.from ?? 'now-6h', to: 'now' })
    .refresh(spec.refresh ?? '30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .withVariable(datasourceVariable());
  const variables = spec.variables ?? [];
  const names = variables.map((v) => v.build().name);
  if (!names.includes('host')) builder.withVariable(VARIABLES.host());
  for (const v of variables) builder.withVariable(v);
  builder.link(
    new dashboard.DashboardLinkBuilder('llmmon')
      .type(dashboard.DashboardLinkType.Dashboards)
      .tags(['llmmon'])
      .asDropdown(true)
      .includeVars(false)
      .keepTime(true),
  );
  for (const l of spec.links ?? []) builder.link(l);
  builder.annotation(
    new dashboard.AnnotationQueryBuilder()
      .name('Annotations & Alerts')
      .datasource(GRAFANA)
      .enable(true)
      .hide(true)
      .iconColor('rgba(0, 211, 255, 1)')
      .builtIn(1)
      .type('dashboard'),
  );
  for (const a of spec.annotations ?? []) builder.annotation(a);
  for (const p of spec.panels) {
    if (p instanceof dashboard.RowBuilder) builder.withRow(p);
    else builder.withPanel(p);
  }
  const built = builder.build();
  // Panel ids and query refIds in order: Grafana needs them unique; stable ids keep panel links stable.
  let id = 1;
  for (const panel of built.panels ?? []) {
    panel.id = id++;
    (panel as { targets?: { refId?: string }[] }).targets?.forEach(
      (t, i) => (t.refId = String.fromCharCode(65 + i)),
    );
  }
  return built;
}

/** Announcement markers on time series: Grafana annotations with these tags, on every dashboard that asks. */
export function announcementMarkers(tag: string, color: string): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name(tag)
    .datasource(GRAFANA)
    .enable(true)
    .iconColor(color)
    .target(
      new dashboard.AnnotationTargetBuilder()
        .type('tags')
        .tags([tag])
        .matchAny(true)
        .limit(100) as unknown as cog.Builder<cog.Dataquery>,
    );
}

/** The announcement tags the status dashboard and `npm run announce` share. */
export const ANNOUNCEMENT_TAGS = ['announcement', 'maintenance', 'deprecation', 'new-model'] as const;
