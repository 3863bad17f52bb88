import pino, { type Logger } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * JSON lines on stdout. Synchronous writes: exporters log rarely (start, stop, one line per
 * failure) and a line must not be lost when the process exits.
 */
export function createLogger(exporter: string, level: LogLevel = 'info'): Logger {
  return pino(
    { level, base: { exporter }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
