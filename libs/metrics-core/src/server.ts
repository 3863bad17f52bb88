import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import { metricsAuth } from './auth';
import { errorMessage } from './errors';
import type { ServerConfig } from './exporter-config';
import { errorHandler, HttpError } from './http-errors';
import type { RunningExporter } from './running-exporter';
import type { Logger } from './logger';
import { CONTENT_TYPES, negotiateFormat } from './render';

/** One exporter on a listener: where its metrics and its JSON API answer. */
export interface Mount {
  readonly exporter: RunningExporter;
  /** `/metrics` standalone, `/metrics/<name>` in the agent. */
  readonly metricsPath: string;
  /** Prefix of its JSON API: '' standalone, `/<name>` in the agent. */
  readonly apiPrefix: string;
}

export interface ServerOptions {
  /** Who answers, for the index page and logs (`gpu` or `agent`). */
  readonly title: string;
  readonly version: string;
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly mounts: readonly Mount[];
  /** Answers on `/metrics` when no mount has it (the agent says where its exporters are). */
  readonly metricsIndex?: boolean;
}

export interface Service {
  readonly app: Koa;
  /** Starts every exporter's sources, then listens; resolves with the bound address. */
  start(): Promise<{ url: string; port: number }>;
  /** Stops accepting connections, then the exporters' sources. */
  stop(): Promise<void>;
  /** The bound address, once listening. */
  readonly url: string | undefined;
}

/**
 * One listener for one or more exporters (standalone app or agent): /metrics (or
 * /metrics/<name>) with optional auth, /health, /ready, an index page, and each exporter's
 * JSON API. Each exporter scrapes on its own: a hung collector of one never delays another.
 */
export function createServer(opts: ServerOptions): Service {
  const { config, logger, mounts } = opts;
  const app = new Koa({ proxy: false });
  const router = new Router();
  const auth = metricsAuth({
    username: config.METRICS_AUTH_USERNAME,
    password: config.METRICS_AUTH_PASSWORD,
    token: config.METRICS_AUTH_TOKEN,
  });

  for (const m of mounts) {
    router.get(m.metricsPath, auth, async (ctx: Context) => {
      const format = negotiateFormat(ctx.get('accept'));
      const body = await m.exporter.metrics(format);
      ctx.set('Content-Type', CONTENT_TYPES[format]);
      ctx.set('Cache-Control', 'no-store');
      if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
        ctx.set('Content-Encoding', 'gzip');
        ctx.body = body.gzipped();
      } else {
        ctx.body = body.text;
      }
    });
  }
  if (opts.metricsIndex && !mounts.some((m) => m.metricsPath === '/metrics')) {
    router.get('/metrics', () => {
      throw new HttpError(
        404,
        'not_found',
        `each exporter answers on its own path: ${mounts.map((m) => m.metricsPath).join(', ')}`,
      );
    });
  }

  router.get('/health', (ctx: Context) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/ready', (ctx: Context) => {
    for (const m of mounts) {
      const r = m.exporter.ready();
      if (!r.ready) {
        ctx.status = 503;
        const who = mounts.length > 1 ? `${m.exporter.name}: ` : '';
        ctx.body = { status: 'not_ready', detail: `${who}${r.detail ?? ''}` };
        return;
      }
    }
    ctx.body = { status: 'ready' };
  });

  router.get('/', (ctx: Context) => {
    const links = [...mounts.map((m) => m.metricsPath), '/health', '/ready']
      .map((p) => `<li><a href="${p.slice(1)}">${p}</a></li>`)
      .join('');
    ctx.type = 'text/html';
    ctx.body = `<!doctype html><title>llmmon ${opts.title}</title><h1>llmmon ${opts.title} ${opts.version}</h1><ul>${links}</ul>`;
  });

  for (const m of mounts) {
    const api = new Router(m.apiPrefix ? { prefix: m.apiPrefix } : {});
    m.exporter.mountRoutes(api);
    router.use(api.routes());
  }

  app.use(
    errorHandler((err, ctx) => logger.error({ err: errorMessage(err), path: ctx.path }, 'request failed')),
  );
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: false }));
  app.on('error', (err) => logger.debug({ err: errorMessage(err) }, 'connection error'));

  let server: Server | undefined;
  let url: string | undefined;

  return {
    app,
    get url() {
      return url;
    },
    async start() {
      server = app.listen(config.PORT, config.HOST);
      // A scraper stuck mid-request must not hold a connection forever.
      server.requestTimeout = 30_000;
      server.headersTimeout = 10_000;
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      // After listening: a source may hand its upstreams this address (the simulator's Hub mirror).
      for (const m of mounts) await m.exporter.start();
      return { url, port };
    },
    async stop() {
      if (server) {
        const s = server;
        server = undefined;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeIdleConnections();
        const force = setTimeout(() => s.closeAllConnections(), 5_000);
        await closed;
        clearTimeout(force);
      }
      for (const m of mounts) await m.exporter.stop();
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
