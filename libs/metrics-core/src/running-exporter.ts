import { gzipSync } from 'node:zlib';
import type { Collector } from './collector';
import type { ConfigSchema } from './config';
import {
  type AnyExporterDefinition,
  type ExporterConfigOf,
  type ExporterDefinition,
  type ExporterParts,
  type RouteHelpers,
  type Source,
} from './definition';
import { errorMessage } from './errors';
import { rateLimit, requireAdmin } from './auth';
import type { Logger } from './logger';
import { render, type ExpositionFormat } from './render';
import { CollectionRunner, type Snapshot } from './runner';
import { SelfMetrics } from './self-metrics';
import { UpstreamHealth } from './upstream-health';

export const VERSION = process.env['LLMMON_VERSION'] ?? '0.1.0';

/** A rendered scrape, shared by every concurrent scrape of the same snapshot. */
export interface Body {
  readonly text: string;
  /** Gzipped once, on first ask. */
  gzipped(): Buffer;
}

/**
 * One exporter built from its definition and running, without a listener of its own: the
 * standalone app serves one at /metrics, the agent several at /metrics/<name>. Each has its
 * own collection runner, cache and self metrics, so a slow exporter never holds another.
 */
export class RunningExporter {
  readonly runner: CollectionRunner;
  readonly self: SelfMetrics;
  private readonly sources: readonly Source[];
  private readonly rendered = new WeakMap<Snapshot, Map<ExpositionFormat, Promise<Body>>>();

  private constructor(
    readonly definition: AnyExporterDefinition,
    readonly upstreams: UpstreamHealth,
    private readonly parts: ExporterParts,
    private readonly config: ExporterConfigOf<ConfigSchema>,
    readonly logger: Logger,
  ) {
    this.self = new SelfMetrics(definition.name, definition.version ?? VERSION);
    this.runner = new CollectionRunner({
      collectors: parts.collectors,
      timeoutMs: config.COLLECTOR_TIMEOUT_SECONDS * 1000,
      cacheTtlMs: config.SCRAPE_CACHE_SECONDS * 1000,
      logger,
      self: this.self,
      upstreams,
    });
    this.sources = parts.sources ?? [];
  }

  /** Builds the exporter's parts from its (already validated) configuration. */
  static async build<S extends ConfigSchema>(
    definition: ExporterDefinition<S>,
    config: ExporterConfigOf<S>,
    opts: {
      logger: Logger;
      entry?: string | undefined;
      url?: () => string | undefined;
      host?: string;
    },
  ): Promise<RunningExporter> {
    const upstreams = new UpstreamHealth(definition.name, opts.logger);
    const parts = await definition.build(config, {
      logger: opts.logger,
      upstreams,
      entry: opts.entry,
      url: opts.url ?? (() => undefined),
      host: opts.host ?? '127.0.0.1',
    });
    return new RunningExporter(
      definition as AnyExporterDefinition,
      upstreams,
      parts,
      config as ExporterConfigOf<ConfigSchema>,
      opts.logger,
    );
  }

  get name(): string {
    return this.definition.name;
  }

  get collectors(): readonly Collector[] {
    return this.parts.collectors;
  }

  /** Registers the exporter's JSON API on `router`. */
  mountRoutes(router: Parameters<NonNullable<ExporterParts['routes']>>[0]): void {
    const helpers: RouteHelpers = {
      control: [
        rateLimit(this.config.CONTROL_RATE_LIMIT_PER_MINUTE ?? 60),
        requireAdmin(this.config.ADMIN_TOKEN),
      ],
      logger: this.logger,
    };
    this.parts.routes?.(router, helpers);
  }

  /**
   * Starts the sources in order (rejects when one cannot run at all), then a first
   * collection, so /ready turns green without waiting for a scrape.
   */
  async start(): Promise<void> {
    for (const s of this.sources) await s.start();
    this.runner.snapshot().catch(() => undefined);
  }

  async stop(): Promise<void> {
    for (const s of [...this.sources].reverse()) {
      try {
        await s.stop();
      } catch (err) {
        this.logger.warn({ source: s.name, err: errorMessage(err) }, 'source did not stop cleanly');
      }
    }
  }

  /** Ready once a collection has finished and every source that gates readiness has its data. */
  ready(): { ready: boolean; detail?: string } {
    if (!this.runner.hasCollected) return { ready: false, detail: 'first collection has not finished' };
    for (const s of this.sources) {
      const r = s.ready?.();
      if (r && !r.ready) return { ready: false, detail: r.detail ?? `${s.name} is not ready` };
    }
    return { ready: true };
  }

  /** The latest snapshot rendered in `format`: one render (and one gzip) per snapshot and format. */
  async metrics(format: ExpositionFormat): Promise<Body> {
    const snapshot = await this.runner.snapshot();
    let byFormat = this.rendered.get(snapshot);
    if (!byFormat) this.rendered.set(snapshot, (byFormat = new Map()));
    let body = byFormat.get(format);
    if (!body) {
      body = render(snapshot.families, this.self.registries, format).then((text) => {
        let gz: Buffer | undefined;
        // Synchronous on purpose: zlib on the thread pool gives every worker thread its own
        // malloc arena, which costs tens of MB of RSS for a ~1 ms job on ~50 kB of text.
        return { text, gzipped: () => (gz ??= gzipSync(text)) };
      });
      byFormat.set(format, body);
    }
    return body;
  }
}
