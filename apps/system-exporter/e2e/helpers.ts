import { join } from 'node:path';
import { loadConfig } from '@llmmon/metrics-core';
import { COLLECTOR_NAMES, systemConfig } from '@llmmon/exporter-system';
import { freePort, startNodeExporter, startProcess } from '@llmmon/native-stack';

export const BUILT_MAIN = join(__dirname, '../../../dist/apps/system-exporter/main.js');

/**
 * Debian's node_exporter with the same collectors and the same selection rules as ours
 * (Debian patches some of node_exporter's defaults), for the parity test and the bench.
 */
export async function startReferenceNodeExporter() {
  const defaults = loadConfig(systemConfig, {});
  return startNodeExporter({
    port: await freePort(),
    collectors: COLLECTOR_NAMES,
    flags: [
      `--collector.filesystem.mount-points-exclude=${defaults.FILESYSTEM_MOUNT_POINTS_EXCLUDE.source}`,
      `--collector.filesystem.fs-types-exclude=${defaults.FILESYSTEM_FS_TYPES_EXCLUDE.source}`,
      `--collector.diskstats.device-exclude=${defaults.DISKSTATS_DEVICE_EXCLUDE.source}`,
      `--collector.netdev.device-exclude=${defaults.NETDEV_DEVICE_EXCLUDE.source}`,
      `--collector.vmstat.fields=${defaults.VMSTAT_FIELDS.source}`,
    ],
  });
}

/** Runs the built bundle as a process (with its own Node flags), on loopback, until ready. */
export async function startBuiltExporter(env: Record<string, string> = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = await startProcess({
    name: 'system-exporter',
    command: BUILT_MAIN,
    env: { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    readyUrl: `${url}/ready`,
  });
  return { proc, url, port };
}
