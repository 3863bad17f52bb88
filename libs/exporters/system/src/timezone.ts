import { readFileSync } from 'node:fs';

/**
 * The local time zone's abbreviation (UTC, CET, CEST, …), as Go's time.Now().Zone() reports it
 * for node_time_zone_offset_seconds. Read from the TZif file's POSIX footer rather than via Intl,
 * which would page ~6 MB of ICU data into every exporter process.
 */
export function zoneAbbreviation(date: Date, tzif: string | undefined): string {
  const offsetSeconds = -date.getTimezoneOffset() * 60;
  const rule = tzif ? posixRule(tzif) : undefined;
  if (rule) {
    // POSIX offsets are "hours west of UTC": CET-1 means UTC+1.
    if (rule.dst === undefined || offsetSeconds === -rule.stdOffsetSeconds) return rule.std;
    return rule.dst;
  }
  if (offsetSeconds === 0) return 'UTC';
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  return `${sign}${String(Math.floor(abs / 3600)).padStart(2, '0')}${String((abs % 3600) / 60).padStart(2, '0')}`;
}

/** Parses the footer of a TZif v2+ file: the last line, e.g. `CET-1CEST,M3.5.0,M10.5.0/3`. */
export function posixRule(tzif: string): { std: string; stdOffsetSeconds: number; dst?: string } | undefined {
  const lines = tzif.split('\n');
  const footer = lines[lines.length - 2];
  const m = footer
    ? /^(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{2}){0,2})(<[^>]+>|[A-Za-z]{3,})?/.exec(footer)
    : null;
  if (!m) return undefined;
  const [h = 0, min = 0, s = 0] = m[2]!.replace(/^[+-]/, '').split(':').map(Number);
  const sign = m[2]!.startsWith('-') ? -1 : 1;
  const unquote = (x: string) => x.replace(/^<|>$/g, '');
  const rule = { std: unquote(m[1]!), stdOffsetSeconds: sign * (h * 3600 + min * 60 + s) };
  return m[3] ? { ...rule, dst: unquote(m[3]) } : rule;
}

/** The TZif file of this process's zone ($TZ, else /etc/localtime); read once at start-up. */
export function readLocalTzif(): string | undefined {
  const tz = process.env['TZ'];
  const path = tz
    ? tz.startsWith('/')
      ? tz
      : `/usr/share/zoneinfo/${tz.replace(/^:/, '')}`
    : '/etc/localtime';
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}
