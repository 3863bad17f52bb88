import { ParseError } from './errors';

/**
 * A parser for the Prometheus text format (0.0.4) and the OpenMetrics text format, strict
 * enough for tests and for re-exposing upstream metrics: escaped label values, `+Inf`/`NaN`,
 * timestamps, and prometheus_client's float spellings (`1.38123597824e+011`).
 */

export interface ParsedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp?: number;
}

export interface ParsedFamily {
  readonly name: string;
  help: string;
  type: string;
  readonly samples: ParsedSample[];
}

const SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created', '_info', '_gcount', '_gsum'];

export function parseValue(raw: string): number {
  // Like Go's ParseFloat (what Prometheus uses): special values in any case.
  switch (raw.toLowerCase()) {
    case '+inf':
    case 'inf':
    case '+infinity':
    case 'infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
  }
  const n = Number(raw);
  if (raw.trim() === '' || Number.isNaN(n)) throw new ParseError(`invalid sample value "${raw}"`);
  return n;
}

function unescape(s: string, inHelp: boolean): string {
  return s.replace(/\\(.)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === '\\' ? '\\' : !inHelp && c === '"' ? '"' : `\\${c}`,
  );
}

/** Parses `{a="x",b="y"}` starting at `i` (the `{`); returns labels and the index after `}`. */
function parseLabels(line: string, i: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  i++;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const eq = line.indexOf('=', i);
    if (eq < 0 || line[eq + 1] !== '"') throw new ParseError(`bad label in: ${line}`);
    const name = line.slice(i, eq).trim();
    let j = eq + 2;
    let value = '';
    for (; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') {
        value += line.slice(j, j + 2);
        j++;
      } else if (c === '"') break;
      else value += c;
    }
    if (j >= line.length) throw new ParseError(`unterminated label value in: ${line}`);
    labels[name] = unescape(value, false);
    i = j + 1;
  }
}

export function parseSampleLine(line: string): ParsedSample {
  const brace = line.indexOf('{');
  const space = line.indexOf(' ');
  let name: string;
  let labels: Record<string, string> = {};
  let rest: string;
  if (brace >= 0 && (space < 0 || brace < space)) {
    name = line.slice(0, brace);
    const parsed = parseLabels(line, brace);
    labels = parsed.labels;
    rest = line.slice(parsed.end).trim();
  } else {
    if (space < 0) throw new ParseError(`sample without value: ${line}`);
    name = line.slice(0, space);
    rest = line.slice(space + 1).trim();
  }
  const [valueRaw = '', ts] = rest.split(/\s+/);
  const sample: ParsedSample = { name, labels, value: parseValue(valueRaw) };
  return ts !== undefined && ts !== '#' ? { ...sample, timestamp: Number(ts) } : sample;
}

/** Parses a whole exposition into families, in order of appearance. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  const families = new Map<string, ParsedFamily>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { name, help: '', type: 'untyped', samples: [] }));
    return f;
  };
  let current: ParsedFamily | undefined;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trimEnd();
    if (line === '' || line === '# EOF') continue;
    if (line.startsWith('#')) {
      const [, keyword, name, rest = ''] = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)\s?(.*)$/.exec(line) ?? [];
      if (!name) continue; // plain comment
      const f = family(name);
      if (keyword === 'HELP') f.help = unescape(rest, true);
      if (keyword === 'TYPE') f.type = rest || 'untyped';
      current = f;
      continue;
    }
    const sample = parseSampleLine(line);
    let owner = current && belongsTo(sample.name, current.name) ? current : undefined;
    if (!owner) owner = families.get(sample.name) ?? family(sample.name);
    owner.samples.push(sample);
  }
  return families;
}

function belongsTo(sampleName: string, familyName: string): boolean {
  if (sampleName === familyName) return true;
  return SUFFIXES.some((s) => sampleName === familyName + s);
}

/** Every sample of every family, flattened (handy in tests). */
export function allSamples(families: Map<string, ParsedFamily>): ParsedSample[] {
  return [...families.values()].flatMap((f) => f.samples);
}

/** Stable identity of a series: name plus sorted labels. */
export function seriesKey(s: { name: string; labels: Readonly<Record<string, string>> }): string {
  const labels = Object.keys(s.labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(s.labels[k])}`)
    .join(',');
  return `${s.name}{${labels}}`;
}
