import { BackgroundSnapshot, defineExporter } from '@llmmon/metrics-core';
import { langfuseCollector } from './collectors/langfuse';
import { langfuseConfig, validate } from './config';
import { LangfuseReader, type LangfuseState } from './read';

/**
 * Langfuse: traces, tokens, cost and scores per model (top N), polled in the background
 * (upstream `langfuse`); a scrape never calls Langfuse.
 */
export const langfuseExporter = defineExporter({
  name: 'langfuse',
  description: 'Langfuse traces, tokens, cost and scores per model (top N), with bounded cardinality.',
  port: 9903,
  config: langfuseConfig,
  validate,
  build: (config, { upstreams }) => {
    const reader = new LangfuseReader({
      url: config.LANGFUSE_URL,
      publicKey: config.LANGFUSE_PUBLIC_KEY!,
      secretKey: config.LANGFUSE_SECRET_KEY!,
      timeoutMs: config.LANGFUSE_TIMEOUT_SECONDS * 1000,
      windowDays: config.LANGFUSE_WINDOW_DAYS,
      maxPages: config.LANGFUSE_MAX_PAGES,
      ingestionDelayMs: config.LANGFUSE_INGESTION_DELAY_SECONDS * 1000,
      topModels: config.LANGFUSE_TOP_MODELS,
      topScores: config.LANGFUSE_TOP_SCORES,
    });
    const snapshot = new BackgroundSnapshot<LangfuseState>({
      upstream: upstreams.upstream('langfuse'),
      read: (signal) => reader.read(signal),
      intervalMs: config.LANGFUSE_POLL_SECONDS * 1000,
      // A poll is many calls (pages of three listings); it must end before the next is due.
      timeoutMs: config.LANGFUSE_POLL_SECONDS * 1000 * 0.9,
    });
    return { sources: [snapshot], collectors: [langfuseCollector(snapshot)] };
  },
});
