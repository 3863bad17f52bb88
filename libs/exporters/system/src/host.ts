import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the host's pseudo filesystems are. Movable so the exporter can run in a container
 * with the host's /proc and /sys mounted elsewhere, and so tests can point at a fixture tree.
 */
export class Host {
  constructor(
    readonly procfs: string,
    readonly sysfs: string,
    readonly rootfs: string,
    readonly udevData: string,
  ) {}

  proc(...parts: string[]): string {
    return join(this.procfs, ...parts);
  }

  sys(...parts: string[]): string {
    return join(this.sysfs, ...parts);
  }

  /**
   * Reads a pseudo file. Synchronous on purpose: procfs and sysfs are served from kernel
   * memory, and async reads cost several times the CPU for these tiny files.
   */
  read(path: string): string {
    return readFileSync(path, 'utf8');
  }

  /** Like read, trimmed; undefined when the file is absent or unreadable. */
  readOptional(path: string): string | undefined {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return undefined;
    }
  }

  list(path: string): string[] {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  }

  realpath(path: string): string | undefined {
    try {
      return realpathSync(path);
    } catch {
      return undefined;
    }
  }
}

/** USER_HZ: the unit of CPU times in /proc/stat. It is 100 on every mainstream Linux build. */
export const USER_HZ = 100;
