import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from './errors';
import type { Logger } from './logger';

/**
 * One JSON file an exporter keeps across restarts (a cursor, counters that must only rise). The
 * directory is created if its parent exists; a file that cannot be read or fails `valid` is
 * "none yet"; writes are atomic (temp file + rename). An unusable directory or an unwritable
 * file is logged once and the exporter goes on in memory: state is a help, never a reason to fail.
 */
export class JsonStateFile<T> {
  private readonly file: string | undefined;
  private writable = true;

  constructor(
    dir: string,
    name: string,
    private readonly o: {
      readonly logger: Logger;
      /** What is lost on a restart without the file, for the log line ("XID counts start from 0"). */
      readonly withoutIt: string;
    },
  ) {
    try {
      // Not recursive: Node's recursive mkdir never returns for some paths (under /proc).
      if (!existsSync(dir)) mkdirSync(dir);
      this.file = join(dir, name);
    } catch (err) {
      o.logger.warn({ dir, err: errorMessage(err) }, `state directory unusable; ${o.withoutIt} on a restart`);
    }
  }

  /** The kept value, or undefined when there is none (or it is unreadable or not `valid`). */
  load(valid: (v: unknown) => v is T): T | undefined {
    if (!this.file) return undefined;
    try {
      const v: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return valid(v) ? v : undefined;
    } catch {
      return undefined;
    }
  }

  save(value: T): void {
    if (!this.file || !this.writable) return;
    try {
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, this.file);
    } catch (err) {
      this.writable = false;
      this.o.logger.warn(
        { file: this.file, err: errorMessage(err) },
        `state file not writable; kept in memory only (${this.o.withoutIt} on a restart)`,
      );
    }
  }
}
