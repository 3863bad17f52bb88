/**
 * Every llmmon dashboard, rendered to the JSON Grafana provisions from
 * infra/grafana/dashboards/<folder>/<file> (`nx run infra:dashboards` writes them).
 */
import { buildDashboard, type DashboardSpec } from './blocks';
import { analyticsDashboards } from './analytics';
import { llmDashboards } from './llm';
import { logExplorer } from './logs';
import { monitoringHealth } from './self';
import { home, status } from './status';
import { dockerContainers, gpuUsage, serverHealth } from './system';

export const DASHBOARDS: readonly DashboardSpec[] = [
  serverHealth,
  gpuUsage,
  dockerContainers,
  ...llmDashboards,
  ...analyticsDashboards,
  logExplorer,
  status,
  monitoringHealth,
  home,
];

/** Path under infra/grafana/dashboards/ → file contents. */
export function renderDashboards(): Map<string, string> {
  return new Map(
    DASHBOARDS.map((spec) => [
      `${spec.folder}/${spec.file}`,
      JSON.stringify(buildDashboard(spec), null, 2) + '\n',
    ]),
  );
}
