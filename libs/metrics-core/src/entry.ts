import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ConfigError, env, loadConfig, redactConfig, type ConfigSchema } from './config';
import {
  exporterSchema,
  loadExporterConfig,
  loadServerConfig,
  standaloneSchema,
  WORKER,
  type AnyExporterDefinition,
} from './definition';
import { serverConfigSchema, type ServerConfig } from './exporter-config';
import { RunningExporter, VERSION } from './running-exporter';
import { errorMessage } from './errors';
import { createLogger, type Logger } from './logger';
import { createServer, serveUntilSignal, type Service } from './server';

/** The agent's default port (the exporters keep theirs: 9100, 9445, 8080, 9901–9903). */
export const AGENT_PORT = 9900;

type Env = Record<string, string | undefined>;

export interface Started {
  readonly service: Service;
  readonly exporters: readonly RunningExporter[];
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Runs the definition worker a thread was started for, when this is such a thread (the NVML
 * reader): every entry point calls this first, because a worker starts from the entry script.
 */
function runWorker(defs: readonly AnyExporterDefinition[]): boolean {
  const data = workerData as Record<string, unknown> | null;
  if (isMainThread || typeof data?.[WORKER] !== 'string') return false;
  const key = data[WORKER];
  const worker = defs.map((d) => d.workers?.[key]).find((w) => w !== undefined);
  if (!worker) throw new Error(`no exporter defines the worker "${key}"`);
  worker(parentPort!, data);
  return true;
}

/** Bad configuration stops a process with one line naming the variable, exit 2. */
function exitForConfig(e: ConfigError): never {
  process.stderr.write(`llmmon: invalid configuration: ${e.message}\n`);
  process.exit(2);
}

function serverConfigOrExit(port: number, source: Env = process.env): ServerConfig {
  try {
    return loadServerConfig(port, source);
  } catch (e) {
    if (e instanceof ConfigError) exitForConfig(e);
    throw e;
  }
}

/** Builds a definition from `source` and serves it alone at /metrics (the standalone app). */
export async function startExporter(
  def: AnyExporterDefinition,
  source: Env,
  opts: { logger?: Logger; entry?: string } = {},
): Promise<Started> {
  const server = loadServerConfig(def.port, source);
  const config = loadExporterConfig(def, source);
  const logger = opts.logger ?? createLogger(def.name, server.LOG_LEVEL);
  logger.info({ config: redactConfig(standaloneSchema(def), { ...server, ...config }) }, 'starting');
  // The listener is made once the exporters are built; they read its address later, once listening.
  const listener: { service?: Service } = {};
  const exporter = await RunningExporter.build(def, config, {
    logger,
    entry: opts.entry,
    url: () => listener.service?.url,
    host: server.HOST,
  });
  const service = (listener.service = createServer({
    title: def.name,
    version: def.version ?? VERSION,
    config: server,
    logger,
    mounts: [{ exporter, metricsPath: '/metrics', apiPrefix: '' }],
  }));
  return serve(service, [exporter]);
}

/** The agent's own variables: its listener, and which exporters it runs. */
export function agentSchema(defs: readonly AnyExporterDefinition[]) {
  const names = defs.map((d) => d.name);
  return {
    ...serverConfigSchema(AGENT_PORT),
    AGENT_EXPORTERS: env.list(
      'Exporters this agent runs, each at /metrics/<name> with its own variables (see each app).',
      names,
      names,
    ),
  };
}

/**
 * Several definitions in one process behind one listener, each at /metrics/<name> and its JSON
 * API under /<name>: the same series as the standalone apps, a fraction of their memory.
 */
export async function startAgent(
  defs: readonly AnyExporterDefinition[],
  source: Env,
  opts: { logger?: (name: string, server: ServerConfig) => Logger; entry?: string } = {},
): Promise<Started> {
  const schema = agentSchema(defs);
  const agent = loadConfig(schema, source);
  const server = loadServerConfig(AGENT_PORT, source);
  const enabled = defs.filter((d) => agent.AGENT_EXPORTERS.includes(d.name));
  if (enabled.length === 0) throw new ConfigError('AGENT_EXPORTERS', 'names no exporter');
  const loggerOf = opts.logger ?? ((name, s) => createLogger(name, s.LOG_LEVEL));
  const agentLogger = loggerOf('agent', server);
  // Every exporter's configuration is checked before anything is built.
  const configs = enabled.map((def) => {
    try {
      return loadExporterConfig(def, source);
    } catch (e) {
      if (e instanceof ConfigError) {
        throw new ConfigError(
          e.variable,
          `${e.reason} (the ${def.name} exporter; AGENT_EXPORTERS picks which run)`,
        );
      }
      throw e;
    }
  });
  agentLogger.info(
    {
      config: redactConfig(schema, agent),
      exporters: Object.fromEntries(
        enabled.map((d, i) => [d.name, redactConfig(exporterSchema(d) as ConfigSchema, configs[i]!)]),
      ),
    },
    'starting',
  );
  // The listener is made once the exporters are built; they read its address later, once listening.
  const listener: { service?: Service } = {};
  const exporters: RunningExporter[] = [];
  for (const [i, def] of enabled.entries()) {
    exporters.push(
      await RunningExporter.build(def, configs[i]!, {
        logger: loggerOf(def.name, server),
        entry: opts.entry,
        url: () => listener.service?.url,
        host: server.HOST,
      }),
    );
  }
  const service = (listener.service = createServer({
    title: 'agent',
    version: VERSION,
    config: server,
    logger: agentLogger,
    mounts: exporters.map((exporter) => ({
      exporter,
      metricsPath: `/metrics/${exporter.name}`,
      apiPrefix: `/${exporter.name}`,
    })),
    metricsIndex: true,
  }));
  return serve(service, exporters);
}

async function serve(service: Service, exporters: RunningExporter[]): Promise<Started> {
  const { url } = await service.start();
  return { service, exporters, url, stop: () => service.stop() };
}

/** How long `main.js healthcheck` waits for /ready: under the image's HEALTHCHECK timeout (5 s). */
const HEALTHCHECK_TIMEOUT_MS = 4000;

/**
 * `main.js healthcheck`: the image's HEALTHCHECK. Asks this process's own listener (the same
 * PORT and HOST it was started with) for /ready; exit 0 when ready, else 1 with one line why.
 * The image needs no shell, curl or wget, and no port baked in at build time.
 */
export async function healthcheck(defaultPort: number, source: Env = process.env): Promise<number> {
  const config = serverConfigOrExit(defaultPort, source);
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.PORT}/ready`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(HEALTHCHECK_TIMEOUT_MS) });
    if (res.ok) return 0;
    process.stderr.write(
      `llmmon: not ready: ${url} answered ${res.status} ${(await res.text()).slice(0, 500)}\n`,
    );
  } catch (e) {
    process.stderr.write(`llmmon: not ready: ${url}: ${errorMessage(e)}\n`);
  }
  return 1;
}

/** `main.js healthcheck` runs the health check instead of the service. */
function runHealthcheck(defaultPort: number): boolean {
  if (process.argv[2] !== 'healthcheck') return false;
  void healthcheck(defaultPort).then((code) => process.exit(code));
  return true;
}

/** A standalone app's whole main: `runExporterMain(definition)`. */
export function runExporterMain(def: AnyExporterDefinition): void {
  if (runWorker([def]) || runHealthcheck(def.port)) return;
  const logger = createLogger(def.name, serverConfigOrExit(def.port).LOG_LEVEL);
  const service = startExporter(def, process.env, { logger, entry: process.argv[1] });
  void keepServing(service, logger);
}

/** The agent's whole main: `runAgentMain([definitions…])`. */
export function runAgentMain(defs: readonly AnyExporterDefinition[]): void {
  if (runWorker(defs) || runHealthcheck(AGENT_PORT)) return;
  const logger = createLogger('agent', serverConfigOrExit(AGENT_PORT).LOG_LEVEL);
  const started = startAgent(defs, process.env, { entry: process.argv[1] });
  void keepServing(started, logger);
}

/** Waits for start-up (configuration errors exit 2, anything else 1), then serves until a signal. */
async function keepServing(starting: Promise<Started>, logger: Logger): Promise<void> {
  let started: Started;
  try {
    started = await starting;
  } catch (e) {
    if (e instanceof ConfigError) exitForConfig(e);
    logger.fatal({ err: e instanceof Error ? e.message : String(e) }, 'cannot start');
    process.exit(1);
  }
  // Already listening: serveUntilSignal's start is the identity here.
  await serveUntilSignal({ start: async () => ({ url: started.url }), stop: started.stop }, logger, {
    exporters: started.exporters.map((e) => e.name),
  });
}
