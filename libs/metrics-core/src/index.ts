export { type Collector } from './collector';
export {
  counter,
  gauge,
  untyped,
  histogram,
  passthrough,
  histogramSamples,
  observe,
  MetricSink,
  type MetricDef,
  type Family,
  type Sample,
  type Labels,
  type HistogramCounts,
} from './metric';
export { normalizeFamilies, type Normalization, type NormalizedFamily } from './normalize';
export { CollectionRunner, RUNNER_METRICS, type Snapshot, type RunnerOptions } from './runner';
export {
  defineExporter,
  exporterSchema,
  standaloneSchema,
  loadExporterConfig,
  WORKER,
  type AnyExporterDefinition,
  type BuildContext,
  type ExporterConfigOf,
  type ExporterDefinition,
  type ExporterParts,
  type RouteHelpers,
  type Source,
} from './definition';
export { RunningExporter, VERSION } from './running-exporter';
export { createServer, serveUntilSignal, type Mount, type Service } from './server';
export {
  AGENT_PORT,
  agentSchema,
  healthcheck,
  runAgentMain,
  runExporterMain,
  startAgent,
  startExporter,
  type Started,
} from './entry';
export {
  serverConfigSchema,
  collectionConfigSchema,
  controlConfigSchema,
  exporterConfigSchema,
  validateExporterConfig,
  type ExporterConfig,
  type ServerConfig,
} from './exporter-config';
export {
  env,
  loadConfig,
  loadConfigOrExit,
  redactConfig,
  configTable,
  ConfigError,
  requireBelow,
  type ConfigSchema,
  type ConfigOf,
  type VarSpec,
} from './config';
export { createLogger, silentLogger, type Logger, type LogLevel } from './logger';
export { metricsAuth, requireAdmin, rateLimit, safeEqual } from './auth';
export { HttpError } from './http-errors';
export { JsonStateFile } from './state-file';
export {
  fetchText,
  fetchJson,
  fetchExposition,
  redactUrl,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream';
export { Upstream, UpstreamHealth, UPSTREAM_METRICS, type ReadOutcome } from './upstream-health';
export {
  ClassifiedError,
  TimeoutError,
  ParseError,
  HttpStatusError,
  classifyError,
  errorMessage,
  ERROR_KINDS,
  type ErrorKind,
} from './errors';
export { render, renderParsed, negotiateFormat, CONTENT_TYPES, type ExpositionFormat } from './render';
export {
  ExpositionParser,
  parseExposition,
  parseSampleLine,
  parseValue,
  allSamples,
  seriesKey,
  type ParsedFamily,
  type ParsedSample,
  type ParserLimits,
} from './exposition';
export { SelfMetrics, SELF_METRICS } from './self-metrics';
export { BackgroundSnapshot, type BackgroundSnapshotOptions, type SnapshotState } from './snapshot';
