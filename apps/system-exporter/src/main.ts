import { statfs } from 'node:fs/promises';
import {
  createLogger,
  loadConfigOrExit,
  redactConfig,
  runExporter,
  validateExporterConfig,
} from '@llmmon/metrics-core';
import { createCollectors } from './collectors';
import { configSchema } from './config';
import { Host } from './host';

const VERSION = process.env['LLMMON_VERSION'] ?? '0.1.0';

const config = loadConfigOrExit(configSchema, process.env, validateExporterConfig);
const logger = createLogger('system-exporter', config.LOG_LEVEL);
logger.info({ config: redactConfig(configSchema, config) }, 'starting');

const host = new Host(config.PROCFS_PATH, config.SYSFS_PATH, config.ROOTFS_PATH, config.UDEV_DATA_PATH);

void runExporter({
  name: 'system-exporter',
  version: VERSION,
  namespace: 'node', // node_scrape_collector_*: node_exporter's self-metric names
  collectors: createCollectors(config.COLLECTORS, { host, config, now: () => new Date(), statfs }),
  config,
  logger,
});
