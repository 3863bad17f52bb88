import type { StatsFs } from 'node:fs';
import type { ConfigOf } from '@llmmon/metrics-core';
import type { systemConfig } from '../config';
import type { Host } from '../host';

export type SystemConfig = ConfigOf<typeof systemConfig>;

/** What collectors may touch: the host paths, the clock and statfs (injectable for tests). */
export interface SystemDeps {
  readonly host: Host;
  readonly config: SystemConfig;
  readonly now: () => Date;
  readonly statfs: (
    path: string,
  ) => Promise<Pick<StatsFs, 'bsize' | 'blocks' | 'bfree' | 'bavail' | 'files' | 'ffree'>>;
}
