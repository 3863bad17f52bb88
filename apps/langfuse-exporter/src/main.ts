import {
  BackgroundSnapshot,
  createLogger,
  loadConfigOrExit,
  redactConfig,
  runExporter,
} from '@llmmon/metrics-core';
import { langfuseCollector } from './collectors/langfuse';
import { configSchema, validate } from './config';
import { LangfuseReader, type LangfuseState } from './read';

const VERSION = process.env['LLMMON_VERSION'] ?? '0.1.0';

function main(): void {
  const config = loadConfigOrExit(configSchema, process.env, validate);
  const logger = createLogger('langfuse-exporter', config.LOG_LEVEL);
  logger.info({ config: redactConfig(configSchema, config) }, 'starting');
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
    name: 'langfuse',
    read: (signal) => reader.read(signal),
    intervalMs: config.LANGFUSE_POLL_SECONDS * 1000,
    // A poll is many calls (pages of three listings); it must end before the next is due.
    timeoutMs: config.LANGFUSE_POLL_SECONDS * 1000 * 0.9,
    logger,
  });
  void snapshot.start();

  void runExporter({
    name: 'langfuse-exporter',
    version: VERSION,
    namespace: 'llmmon_langfuse',
    collectors: [langfuseCollector(snapshot)],
    config,
    logger,
    readiness: async () =>
      snapshot.current.readAt > 0
        ? { ready: true }
        : { ready: false, detail: `no answer yet from ${config.LANGFUSE_URL}` },
  });
}

main();
