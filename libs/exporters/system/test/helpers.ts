import { join } from 'node:path';
import { loadConfig } from '@llmmon/metrics-core';
import { createCollectors, type CollectorName } from '../src/collectors';
import type { SystemDeps } from '../src/collectors/types';
import { systemConfig } from '../src/config';
import { Host } from '../src/host';

export const FIXTURE_ROOT = join(__dirname, 'fixtures/host');

/** statfs results per mount point of the fixture tree (statfs itself is the one thing a fixture cannot fake). */
const STATFS: Record<
  string,
  { bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number }
> = {
  '/': {
    bsize: 4096,
    blocks: 244_140_625,
    bfree: 97_656_250,
    bavail: 85_449_218,
    files: 61_046_784,
    ffree: 58_123_001,
  },
  '/boot/efi': { bsize: 512, blocks: 2_201_600, bfree: 2_185_216, bavail: 2_185_216, files: 0, ffree: 0 },
  '/mnt/models': {
    bsize: 4096,
    blocks: 1_953_125_000,
    bfree: 244_140_625,
    bavail: 244_140_625,
    files: 390_625_000,
    ffree: 390_600_000,
  },
  '/run': {
    bsize: 4096,
    blocks: 52_837_786,
    bfree: 52_800_000,
    bavail: 52_800_000,
    files: 264_188_928,
    ffree: 264_187_000,
  },
};

/** Collectors over the fixture tree with a fixed clock, UTC, and fake statfs (/srv/hf cache errors like a dead NFS). */
export function fixtureDeps(env: Record<string, string> = {}): SystemDeps {
  const config = loadConfig(systemConfig, {
    PROCFS_PATH: join(FIXTURE_ROOT, 'proc'),
    SYSFS_PATH: join(FIXTURE_ROOT, 'sys'),
    UDEV_DATA_PATH: join(FIXTURE_ROOT, 'udev'),
    ...env,
  });
  return {
    host: new Host(config.PROCFS_PATH, config.SYSFS_PATH, config.ROOTFS_PATH, config.UDEV_DATA_PATH),
    config,
    now: () => new Date('2025-11-18T14:30:00Z'),
    statfs: async (path) => {
      const s = STATFS[path];
      if (!s) throw Object.assign(new Error(`EIO: i/o error, statfs '${path}'`), { code: 'EIO' });
      return s;
    },
  };
}

export function fixtureCollector(name: CollectorName, env: Record<string, string> = {}) {
  const [collector] = createCollectors([name], fixtureDeps(env));
  return collector!;
}
