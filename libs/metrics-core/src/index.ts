export { type Collector } from './collector';
export {
  counter,
  gauge,
  untyped,
  histogram,
  passthrough,
  MetricSink,
  type MetricDef,
  type Family,
  type Sample,
  type Labels,
} from './metric';
export { CollectionRunner, type Snapshot, type RunnerOptions } from './runner';
export {
  createExporter,
  runExporter,
  serveUntilSignal,
  type Exporter,
  type ExporterOptions,
  type ReadinessCheck,
  type RouteHelpers,
} from './server';
export { exporterConfigSchema, validateExporterConfig, type ExporterConfig } from './exporter-config';
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
export {
  fetchText,
  fetchJson,
  fetchExposition,
  redactUrl,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream';
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
export { SelfMetrics } from './self-metrics';
export { FailureLog } from './failures';
export {
  BackgroundSnapshot,
  SNAPSHOT_METRICS,
  type BackgroundSnapshotOptions,
  type SnapshotState,
} from './snapshot';
