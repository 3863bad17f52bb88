import { classifyError, errorMessage, type ErrorKind } from './errors';
import type { Logger } from './logger';

/**
 * Failures of the parts an exporter reads on scrape (a vLLM instance, a container's stats, a
 * proxy's /metrics): counted by kind, and logged once when a part starts failing (or fails
 * differently) and once when it answers again, never once per scrape.
 */
export class FailureLog {
  private readonly failing = new Map<string, ErrorKind>();
  private readonly byPart = new Map<string, Map<ErrorKind, number>>();
  /** All failures by kind since start, forgotten parts included: a counter never goes down. */
  readonly totals = new Map<ErrorKind, number>();

  constructor(
    private readonly logger: Logger,
    private readonly messages: { readonly failing: string; readonly recovered: string },
  ) {}

  /** Counts a failure of `part`; logs when it starts or changes kind. Returns the kind. */
  failed(part: string, err: unknown, fields: Record<string, unknown> = {}): ErrorKind {
    const kind = classifyError(err);
    const counts = this.byPart.get(part) ?? new Map<ErrorKind, number>();
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    this.byPart.set(part, counts);
    this.totals.set(kind, (this.totals.get(kind) ?? 0) + 1);
    if (this.failing.get(part) !== kind) {
      this.failing.set(part, kind);
      this.logger.warn({ ...fields, kind, err: errorMessage(err) }, this.messages.failing);
    }
    return kind;
  }

  /** `part` answered; logs if it had been failing. */
  succeeded(part: string, fields: Record<string, unknown> = {}): void {
    if (this.failing.delete(part)) this.logger.info(fields, this.messages.recovered);
  }

  /** Failures of one part by kind, while it is present. */
  countsOf(part: string): ReadonlyMap<ErrorKind, number> {
    return this.byPart.get(part) ?? new Map();
  }

  /** Forgets parts no longer present: their series go, and the maps stay as small as the host. */
  retain(present: ReadonlySet<string>): void {
    for (const part of [...this.byPart.keys(), ...this.failing.keys()]) {
      if (!present.has(part)) {
        this.byPart.delete(part);
        this.failing.delete(part);
      }
    }
  }
}
