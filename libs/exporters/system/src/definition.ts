import type { StatsFs } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import { defineExporter } from '@llmmon/metrics-core';
import { createCollectors } from './collectors';
import type { SystemDeps } from './collectors/types';
import { systemConfig } from './config';
import { Host } from './host';

/**
 * statfs, or, against the simulator, its table of simulated filesystems
 * (`{"<mount point>": {bsize, blocks, …}}`): the one thing a synthetic /proc cannot fake.
 */
function statfsFrom(file: string | undefined): SystemDeps['statfs'] {
  if (!file) return (path) => statfs(path);
  return async (path: string) => {
    const table = JSON.parse(await readFile(file, 'utf8')) as Record<string, StatsFs>;
    const entry = table[path];
    if (!entry) throw Object.assign(new Error(`no simulated filesystem at ${path}`), { code: 'ENOENT' });
    return entry;
  };
}

/** Host metrics with node_exporter's names: everything is read on scrape, nothing in the background. */
export const systemExporter = defineExporter({
  name: 'system',
  description:
    "Host metrics (CPU, memory, disks, filesystems, network, processes, hwmon) with node_exporter's names.",
  port: 9100,
  config: systemConfig,
  build: (config) => ({
    collectors: createCollectors(config.COLLECTORS, {
      host: new Host(config.PROCFS_PATH, config.SYSFS_PATH, config.ROOTFS_PATH, config.UDEV_DATA_PATH),
      config,
      now: () => new Date(),
      statfs: statfsFrom(config.FILESYSTEM_STATFS_FILE),
    }),
  }),
});
