export {
  findExecutable,
  requireExecutable,
  freePort,
  isPortFree,
  startProcess,
  type ManagedProcess,
  type StartOptions,
} from './processes';
export {
  startPrometheus,
  scrapeEverySecond,
  queryPrometheus,
  waitForQuery,
  type RunningPrometheus,
  type PromVectorSample,
} from './prometheus';
export { startNodeExporter, type NodeExporterOptions } from './node-exporter';
export { processStats, type ProcessStats } from './proc-stats';
export {
  simulatorUpstreams,
  startAgent,
  startSimulator,
  type RunningAgent,
  type RunningSimulator,
  type SimulatorUpstreams,
} from './simulator';
export {
  renderAlertmanagerConfig,
  startAlertmanager,
  type AlertmanagerOptions,
  type RunningAlertmanager,
} from './alertmanager';
export {
  startVictoriaMetrics,
  type RunningVictoriaMetrics,
  type VictoriaMetricsOptions,
} from './victoria-metrics';
export { startVmalert, type RunningVmalert, type VmalertOptions } from './vmalert';
