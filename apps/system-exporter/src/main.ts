import { readFile, statfs } from 'node:fs/promises';
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

/** statfs, or, against the simulator, its table of simulated filesystems. */
const statfsFile = config.FILESYSTEM_STATFS_FILE;
const statfsSource: typeof statfs = statfsFile
  ? ((async (path: string) => {
      const table = JSON.parse(await readFile(statfsFile, 'utf8')) as Record<
        string,
        Awaited<ReturnType<typeof statfs>>
      >;
      const entry = table[path];
      if (!entry) throw Object.assign(new Error(`no simulated filesystem at ${path}`), { code: 'ENOENT' });
      return entry;
    }) as typeof statfs)
  : statfs;

void runExporter({
  name: 'system-exporter',
  version: VERSION,
  namespace: 'node', // node_scrape_collector_*: node_exporter's self-metric names
  collectors: createCollectors(config.COLLECTORS, {
    host,
    config,
    now: () => new Date(),
    statfs: statfsSource,
  }),
  config,
  logger,
});
