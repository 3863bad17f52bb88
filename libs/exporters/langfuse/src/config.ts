import { ConfigError, requireBelow, env, type ExporterConfigOf } from '@llmmon/metrics-core';
import { maxSeries } from './collectors/langfuse';

/** The Langfuse exporter's own variables (the core adds the common ones). */
export const langfuseConfig = {
  LANGFUSE_URL: env.url(
    'The Langfuse web service (its public API is under /api/public).',
    'http://localhost:3000',
  ),
  LANGFUSE_PUBLIC_KEY: env.string("The project's public key (pk-lf-…). Required."),
  LANGFUSE_SECRET_KEY: env.secret("The project's secret key (sk-lf-…). Required."),
  LANGFUSE_POLL_SECONDS: env.seconds(
    'How often Langfuse is read in the background (scrapes are served from the last read; Langfuse is not built for 30 s polling).',
    60,
    { min: 10, max: 3600 },
  ),
  LANGFUSE_TIMEOUT_SECONDS: env.seconds('Timeout of each call to Langfuse.', 10, { min: 0.1, max: 120 }),
  LANGFUSE_WINDOW_DAYS: env.int(
    'The longer window of the daily metrics, in UTC days including today (window label "<N>d"; "today" is always reported).',
    7,
    { min: 1, max: 90 },
  ),
  LANGFUSE_MAX_PAGES: env.int(
    'Most pages read from one listing (daily metrics, traces, scores) per poll; a cut listing counts in llmmon_langfuse_listing_truncated_total.',
    20,
    { min: 1, max: 1000 },
  ),
  LANGFUSE_INGESTION_DELAY_SECONDS: env.seconds(
    'Traces and scores are read up to this long ago, so Langfuse has finished ingesting them (latency complete).',
    60,
    { max: 3600 },
  ),
  LANGFUSE_TOP_MODELS: env.int(
    'Models with their own series (most tokens over the window); the rest are summed under model="other".',
    20,
    { min: 1, max: 1000 },
  ),
  LANGFUSE_TOP_SCORES: env.int(
    'Score names with their own series (the first seen keep them); later names count under name="other".',
    20,
    { min: 1, max: 1000 },
  ),
  LANGFUSE_SERIES_BUDGET: env.int(
    'Most series the exporter may write; a top-N that could exceed it is refused at start.',
    2000,
    { min: 100, max: 1_000_000 },
  ),
};

export type LangfuseExporterConfig = ExporterConfigOf<typeof langfuseConfig>;

export function validate(c: LangfuseExporterConfig): void {
  if (!c.LANGFUSE_PUBLIC_KEY) throw new ConfigError('LANGFUSE_PUBLIC_KEY', 'must be set (pk-lf-…)');
  if (!c.LANGFUSE_SECRET_KEY) throw new ConfigError('LANGFUSE_SECRET_KEY', 'must be set (sk-lf-…)');
  requireBelow(c, 'LANGFUSE_TIMEOUT_SECONDS', 'LANGFUSE_POLL_SECONDS');
  const most = maxSeries({ topModels: c.LANGFUSE_TOP_MODELS, topScores: c.LANGFUSE_TOP_SCORES });
  if (most > c.LANGFUSE_SERIES_BUDGET) {
    throw new ConfigError(
      'LANGFUSE_TOP_MODELS',
      `with LANGFUSE_TOP_SCORES=${c.LANGFUSE_TOP_SCORES} allows up to ${most} series, over LANGFUSE_SERIES_BUDGET (${c.LANGFUSE_SERIES_BUDGET})`,
    );
  }
}
