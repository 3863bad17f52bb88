import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import type { Logger } from 'pino';
import { metricsAuth, rateLimit, requireAdmin } from './auth';
import type { Collector } from './collector';
import { errorMessage } from './errors';
import type { ExporterConfig } from './exporter-config';
import { errorHandler } from './http-errors';
import { CONTENT_TYPES, negotiateFormat, render, type ExpositionFormat } from './render';
import { CollectionRunner, type Snapshot } from './runner';
import { SelfMetrics } from './self-metrics';

export type ReadinessCheck = () => Promise<{ ready: boolean; detail?: string }>;

export interface ExporterOptions {
  /** e.g. `system-exporter`; used in logs, HELP texts and build info. */
  readonly name: string;
  readonly version: string;
  /** Prefix of the per-collector success/duration families (`node` keeps node_exporter's names). */
  readonly namespace: string;
  readonly collectors: readonly Collector[];
  readonly config: Pick<
    ExporterConfig,
    | 'HOST'
    | 'PORT'
    | 'SCRAPE_CACHE_SECONDS'
    | 'COLLECTOR_TIMEOUT_SECONDS'
    | 'METRICS_AUTH_USERNAME'
    | 'METRICS_AUTH_PASSWORD'
    | 'METRICS_AUTH_TOKEN'
    | 'ADMIN_TOKEN'
    | 'CONTROL_RATE_LIMIT_PER_MINUTE'
  >;
  readonly logger: Logger;
  /** Required upstreams; /ready is 503 until every check passes. */
  readonly readiness?: ReadinessCheck;
  /** App routes (JSON APIs). Wrap state-changing ones in `control`. */
  readonly routes?: (router: Router, helpers: RouteHelpers) => void;
}

export interface RouteHelpers {
  /** Rate limit plus admin token, for every route that changes state. */
  readonly control: Koa.Middleware[];
  readonly logger: Logger;
}

export interface Exporter {
  readonly app: Koa;
  readonly runner: CollectionRunner;
  readonly self: SelfMetrics;
  /** Listens, starts the first collection, resolves with the bound address. */
  start(): Promise<{ url: string; port: number }>;
  /** Stops accepting connections and closes idle ones; resolves when the server is closed. */
  stop(): Promise<void>;
}

export function createExporter(opts: ExporterOptions): Exporter {
  const { config, logger } = opts;
  const self = new SelfMetrics(opts.name, opts.version);
  const runner = new CollectionRunner({
    collectors: opts.collectors,
    namespace: opts.namespace,
    exporter: opts.name,
    timeoutMs: config.COLLECTOR_TIMEOUT_SECONDS * 1000,
    cacheTtlMs: config.SCRAPE_CACHE_SECONDS * 1000,
    logger,
    self,
  });

  // One render (and one gzip) per snapshot and format: concurrent scrapes share the bytes.
  type Body = { text: string; gzipped?: Buffer };
  const rendered = new WeakMap<Snapshot, Map<ExpositionFormat, Promise<Body>>>();
  const renderSnapshot = (snapshot: Snapshot, format: ExpositionFormat) => {
    let byFormat = rendered.get(snapshot);
    if (!byFormat) rendered.set(snapshot, (byFormat = new Map()));
    let body = byFormat.get(format);
    if (!body) {
      byFormat.set(
        format,
        (body = render(snapshot.families, self.registry, format).then((text) => ({ text }))),
      );
    }
    return body;
  };
  // Synchronous on purpose: zlib on the thread pool gives every worker thread its own malloc
  // arena, which costs tens of MB of RSS for a ~1 ms job on ~50 kB of text.
  const gzipped = (body: Body) => (body.gzipped ??= gzipSync(body.text));

  const app = new Koa({ proxy: false });
  const router = new Router();

  router.get(
    '/metrics',
    metricsAuth({
      username: config.METRICS_AUTH_USERNAME,
      password: config.METRICS_AUTH_PASSWORD,
      token: config.METRICS_AUTH_TOKEN,
    }),
    async (ctx: Context) => {
      const format = negotiateFormat(ctx.get('accept'));
      const body = await renderSnapshot(await runner.snapshot(), format);
      ctx.set('Content-Type', CONTENT_TYPES[format]);
      ctx.set('Cache-Control', 'no-store');
      if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
        ctx.set('Content-Encoding', 'gzip');
        ctx.body = gzipped(body);
      } else {
        ctx.body = body.text;
      }
    },
  );

  router.get('/health', (ctx: Context) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/ready', async (ctx: Context) => {
    if (!runner.hasCollected) {
      ctx.status = 503;
      ctx.body = { status: 'not_ready', detail: 'first collection has not finished' };
      return;
    }
    const check = opts.readiness ? await opts.readiness() : { ready: true };
    ctx.status = check.ready ? 200 : 503;
    ctx.body = check.ready ? { status: 'ready' } : { status: 'not_ready', detail: check.detail ?? '' };
  });

  router.get('/', (ctx: Context) => {
    ctx.type = 'text/html';
    ctx.body = `<!doctype html><title>llmmon ${opts.name}</title><h1>llmmon ${opts.name} ${opts.version}</h1>
<ul><li><a href="metrics">/metrics</a></li><li><a href="health">/health</a></li><li><a href="ready">/ready</a></li></ul>`;
  });

  opts.routes?.(router, {
    control: [rateLimit(config.CONTROL_RATE_LIMIT_PER_MINUTE), requireAdmin(config.ADMIN_TOKEN)],
    logger,
  });

  app.use(
    errorHandler((err, ctx) => logger.error({ err: errorMessage(err), path: ctx.path }, 'request failed')),
  );
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  app.on('error', (err) => logger.debug({ err: errorMessage(err) }, 'connection error'));

  let server: Server | undefined;

  return {
    app,
    runner,
    self,
    async start() {
      server = app.listen(config.PORT, config.HOST);
      // A scraper stuck mid-request must not hold a connection forever.
      server.requestTimeout = 30_000;
      server.headersTimeout = 10_000;
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      // Warm up so /ready turns green without waiting for the first scrape.
      runner.snapshot().catch(() => undefined);
      return { url, port };
    },
    async stop() {
      if (!server) return;
      const s = server;
      server = undefined;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeIdleConnections();
      const force = setTimeout(() => s.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(force);
    },
  };
}

/**
 * Entry-point helper for any service with start/stop: starts it, logs where it listens,
 * and shuts down cleanly on SIGTERM/SIGINT (a second signal exits at once).
 */
export async function serveUntilSignal<
  S extends { start(): Promise<{ url: string }>; stop(): Promise<void> },
>(service: S, logger: Logger, details: Record<string, unknown> = {}): Promise<S> {
  const { url } = await service.start().catch((err: unknown) => {
    logger.fatal({ err: errorMessage(err) }, 'cannot start');
    process.exit(1);
  });
  logger.info({ url, ...details }, 'listening');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return service;
}

/** Entry-point helper: creates the exporter and serves it until SIGTERM/SIGINT. */
export function runExporter(opts: ExporterOptions): Promise<Exporter> {
  return serveUntilSignal(createExporter(opts), opts.logger, {
    collectors: opts.collectors.map((c) => c.name),
  });
}
