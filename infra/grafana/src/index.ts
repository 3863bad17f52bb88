/**
 * Every llmmon dashboard, one file each under dashboards/<folder>/ (the folder Grafana shows
 * it in), rendered to the JSON Grafana provisions from infra/grafana/dashboards/<folder>/<file>
 * (`nx run infra:dashboards` writes them).
 */
import { buildDashboard, type DashboardSpec } from './blocks';
import { serverHealth } from './dashboards/system/server-health';
import { gpuUsage } from './dashboards/system/gpu-usage';
import { dockerContainers } from './dashboards/system/docker-containers';
import { litellmStatus } from './dashboards/llm/litellm-status';
import { vllmStatus } from './dashboards/llm/vllm-status';
import { modelCatalog } from './dashboards/llm/model-catalog';
import { costEfficiency } from './dashboards/llm/cost-efficiency';
import { slos } from './dashboards/llm/slos';
import { langfuseAnalytics } from './dashboards/analytics/langfuse-analytics';
import { performanceTrends } from './dashboards/analytics/performance-trends';
import { logExplorer } from './dashboards/logs/log-explorer';
import { status } from './dashboards/status/status';
import { monitoringHealth } from './dashboards/self/monitoring-health';
import { home } from './dashboards/status/home';
import { fleetOverview } from './dashboards/status/fleet-overview';

export const DASHBOARDS: readonly DashboardSpec[] = [
  serverHealth,
  gpuUsage,
  dockerContainers,
  litellmStatus,
  vllmStatus,
  modelCatalog,
  costEfficiency,
  slos,
  langfuseAnalytics,
  performanceTrends,
  logExplorer,
  status,
  monitoringHealth,
  home,
  fleetOverview,
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
