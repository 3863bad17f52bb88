import type { MessagePort } from 'node:worker_threads';
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Collector } from './collector';
import { type ConfigOf, type ConfigSchema, loadConfig } from './config';
import {
  collectionConfigSchema,
  controlConfigSchema,
  serverConfigSchema,
  validateExporterConfig,
  type CollectionConfig,
  type ControlConfig,
  type ServerConfig,
} from './exporter-config';
import type { Logger } from './logger';
import type { UpstreamHealth } from './upstream-health';

/**
 * Something an exporter keeps running in the background (a reader on a timer, Docker's event
 * stream): started before the first scrape, stopped at shutdown. Readiness comes from sources.
 */
export interface Source {
  readonly name: string;
  /**
   * Starts the background work and resolves once started, not once it has data (a failing
   * upstream shows in its metrics); rejects only when the source cannot run at all.
   */
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  /** Whether what this source provides is there yet; a source without it never holds /ready. */
  ready?(): { readonly ready: boolean; readonly detail?: string };
}

export interface RouteHelpers {
  /** Rate limit plus admin token, for every route that changes state (control exporters only). */
  readonly control: Koa.Middleware[];
  readonly logger: Logger;
}

/** What `build` returns: the running parts of one exporter. */
export interface ExporterParts {
  readonly collectors: readonly Collector[];
  readonly sources?: readonly Source[];
  /** The exporter's JSON API (at the root when standalone, under /<name> in the agent). */
  readonly routes?: (router: Router, helpers: RouteHelpers) => void;
}

export interface BuildContext {
  readonly logger: Logger;
  /** Where the exporter reports each upstream it reads (llmmon_upstream_*). */
  readonly upstreams: UpstreamHealth;
  /** The script this process runs, for worker threads started from it (see `workers`); unset in tests. */
  readonly entry: string | undefined;
  /** The address this exporter answers at once listening (e.g. a route it serves to its own upstreams). */
  readonly url: () => string | undefined;
  /** The interface the listener binds (HOST): servers an exporter runs itself bind there too. */
  readonly host: string;
}

/** The configuration `build` receives: the exporter's own variables and the collection ones. */
export type ExporterConfigOf<S extends ConfigSchema> = ConfigOf<S> &
  CollectionConfig &
  Partial<ControlConfig>;

/**
 * An exporter, as data: its name, default port, configuration and how to build its parts.
 * The core adds the common variables and their validation, serves it standalone or in the
 * agent, reports its upstreams and collectors, and starts and stops its sources.
 */
export interface ExporterDefinition<S extends ConfigSchema = ConfigSchema> {
  /** Short name: the agent's path (/metrics/<name>), the `exporter` label, the log field. */
  readonly name: string;
  /** One line for the index page and docs. */
  readonly description: string;
  readonly port: number;
  readonly version?: string;
  /** The exporter's own variables (the common ones are added by the core). */
  readonly config: S;
  readonly defaults?: { readonly cacheSeconds?: number; readonly timeoutSeconds?: number };
  /** Adds ADMIN_TOKEN and CONTROL_RATE_LIMIT_PER_MINUTE: for exporters with routes that change state. */
  readonly control?: boolean;
  // Methods, not function properties: a list of definitions of different schemas (the agent)
  // is then a list of AnyExporterDefinition.
  /** Checks across variables; throw a ConfigError naming the variable. */
  validate?(config: ExporterConfigOf<S>): void;
  build(config: ExporterConfigOf<S>, ctx: BuildContext): ExporterParts | Promise<ExporterParts>;
  /** Worker-thread entry points, started from `ctx.entry` with workerData {[WORKER]: key, …}. */
  readonly workers?: Readonly<
    Record<string, (port: MessagePort, data: Readonly<Record<string, unknown>>) => void>
  >;
}

/** The workerData key naming which definition worker a thread runs. */
export const WORKER = 'llmmonWorker';

/** Identity, for type inference of `config` in `build` and `validate`. */
export function defineExporter<S extends ConfigSchema>(d: ExporterDefinition<S>): ExporterDefinition<S> {
  return d;
}

// Definitions of different schemas in one list (the agent): their config is opaque there.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyExporterDefinition = ExporterDefinition<any>;

/** The variables an exporter reads inside the agent: collection and its own. */
export function exporterSchema(def: AnyExporterDefinition): ConfigSchema {
  return {
    ...collectionConfigSchema(def.defaults),
    ...(def.control ? controlConfigSchema : {}),
    ...(def.config as ConfigSchema),
  };
}

/** Every variable of the standalone app: its listener's, then the exporter's (README tables). */
export function standaloneSchema(def: AnyExporterDefinition): ConfigSchema {
  return { ...serverConfigSchema(def.port), ...exporterSchema(def) };
}

/** Loads and validates an exporter's variables; throws ConfigError for the first bad one. */
export function loadExporterConfig<S extends ConfigSchema>(
  def: ExporterDefinition<S>,
  source: Record<string, string | undefined>,
): ExporterConfigOf<S> {
  const config = loadConfig(exporterSchema(def), source) as ExporterConfigOf<S>;
  validateExporterConfig(config);
  def.validate?.(config);
  return config;
}

/** Loads and validates the listener's variables. */
export function loadServerConfig(port: number, source: Record<string, string | undefined>): ServerConfig {
  const config = loadConfig(serverConfigSchema(port), source);
  validateExporterConfig(config);
  return config;
}
