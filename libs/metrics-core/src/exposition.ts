import { ClassifiedError, ParseError } from './errors';

/**
 * A streaming parser for the Prometheus text format (0.0.4) and the OpenMetrics text format,
 * for reading what upstreams (vLLM, LiteLLM, node_exporter) expose and re-exposing it. It
 * takes what prometheus_client writes (`_created` gauges, `1.38123597824e+011`, `+Inf`,
 * escaped label values, multiprocess output without `_created`) and rejects, with a
 * ParseError naming the line, what would corrupt a re-exposition: bad names, unterminated
 * or badly escaped label values, duplicate labels, invalid values, a second HELP or TYPE for
 * a family, a TYPE after the family's samples, trailing garbage, and (for upstream bodies)
 * a body cut off mid-line. Size limits turn a runaway body into a `too_large` error instead
 * of memory. Chunks are fed as they arrive; nothing but the current partial line is buffered.
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

export interface ParserLimits {
  /** Total bytes (UTF-16 code units as a proxy) before `too_large`. Default 16 MiB. */
  readonly maxBytes?: number;
  /** One line's length before a parse error. Default 64 KiB. */
  readonly maxLineLength?: number;
  /** Samples in all before `too_large`. Default 1,000,000. */
  readonly maxSamples?: number;
  /**
   * The text must end with a newline, as the format requires: a body cut off mid-line is
   * then an error rather than a silently shortened last sample. Default true.
   */
  readonly requireFinalNewline?: boolean;
}

const SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created', '_info', '_gcount', '_gsum'];
const TYPES = new Set([
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
  'unknown',
  'info',
  'stateset',
  'gaugehistogram',
]);
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** Go's ParseFloat as Prometheus uses it, decimal forms only. */
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

const isDigit = (c: number) => c >= 48 && c <= 57;

export function parseValue(raw: string): number {
  // Fast path for the common "123", "1.5e+09": digits at both ends, not 0x/0o/0b.
  const second = raw.charCodeAt(1) | 0x20;
  if (
    isDigit(raw.charCodeAt(0)) &&
    isDigit(raw.charCodeAt(raw.length - 1)) &&
    second !== 0x78 &&
    second !== 0x6f &&
    second !== 0x62
  ) {
    const v = Number(raw);
    if (v === v) return v;
  }
  if (!FLOAT.test(raw)) throw new ParseError(`invalid sample value "${raw.slice(0, 40)}"`);
  const c = raw.charCodeAt(raw.length - 1) | 0x20; // last char, lower-cased
  if (c === 0x66 /* f */ || c === 0x79 /* y */) return raw.startsWith('-') ? -Infinity : Infinity;
  if (c === 0x6e /* n */ && /nan$/i.test(raw)) return NaN;
  return Number(raw);
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Label names already validated: a handful of names repeat on every line. Bounded. */
const LABEL_NAMES = new Map<string, string>();

/** Parses one sample line. Throws ParseError (without a line number) on anything malformed. */
export function parseSampleLine(line: string): ParsedSample {
  const n = line.length;
  // Native searches rather than a character loop: lines are mostly long label values.
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 123 /* { */ || c === 32 || c === 9) break;
    i++;
  }
  const name = line.slice(0, i);
  if (!METRIC_NAME.test(name)) throw new ParseError(`invalid metric name in: ${clip(line)}`);
  let labels: Record<string, string> = EMPTY;
  if (line.charCodeAt(i) === 123) {
    labels = {};
    // Where escapes start, if anywhere: before it every value is a plain slice.
    const firstEscape = line.indexOf('\\', i);
    i++;
    for (;;) {
      while (line.charCodeAt(i) === 32) i++;
      if (line.charCodeAt(i) === 125 /* } */) {
        i++;
        break;
      }
      const eq = line.indexOf('=', i);
      if (eq < 0) throw new ParseError(`bad label in: ${clip(line)}`);
      const raw = line.charCodeAt(eq - 1) === 32 ? line.slice(i, eq).trimEnd() : line.slice(i, eq);
      // The canonical copy of a name seen before: already a property key, so the lookups below
      // skip hashing a fresh slice into V8's string table (the parser's main cost otherwise).
      let key = LABEL_NAMES.get(raw);
      if (key === undefined) {
        // __proto__ would set the labels object's prototype instead of a label.
        if (!LABEL_NAME.test(raw) || raw === '__proto__')
          throw new ParseError(`bad label name in: ${clip(line)}`);
        key = raw;
        if (LABEL_NAMES.size < 10_000) LABEL_NAMES.set(raw, raw);
      }
      if (line.charCodeAt(eq + 1) !== 34 /* " */) throw new ParseError(`bad label ${key} in: ${clip(line)}`);
      i = eq + 2;
      let close = line.indexOf('"', i);
      let value: string;
      if (close < 0) throw new ParseError(`unterminated label value in: ${clip(line)}`);
      if (firstEscape < 0 || firstEscape > close) {
        value = line.slice(i, close);
      } else {
        value = '';
        let chunk = i;
        for (;;) {
          if (i >= n) throw new ParseError(`unterminated label value in: ${clip(line)}`);
          const c = line.charCodeAt(i);
          if (c === 34) break;
          if (c === 92 /* \ */) {
            const e = line.charCodeAt(i + 1);
            const esc = e === 110 ? '\n' : e === 92 ? '\\' : e === 34 ? '"' : undefined;
            if (esc === undefined) throw new ParseError(`bad escape in label ${key}: ${clip(line)}`);
            value += line.slice(chunk, i) + esc;
            i += 2;
            chunk = i;
            continue;
          }
          i++;
        }
        value += line.slice(chunk, i);
        close = i;
      }
      i = close + 1;
      if (labels[key] !== undefined && Object.hasOwn(labels, key)) {
        throw new ParseError(`duplicate label ${key} in: ${clip(line)}`);
      }
      labels[key] = value;
      while (line.charCodeAt(i) === 32) i++;
      if (line.charCodeAt(i) === 44 /* , */) i++;
      else if (line.charCodeAt(i) !== 125) throw new ParseError(`expected , or } in: ${clip(line)}`);
    }
  }
  if (line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) {
    throw new ParseError(
      i >= n ? `sample without value: ${clip(line)}` : `invalid metric name in: ${clip(line)}`,
    );
  }
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  let end = line.indexOf(' ', i);
  if (end < 0) end = n;
  const value = parseValue(line.slice(i, end));
  if (end === n) return { name, labels, value };
  i = end;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  if (i >= n) return { name, labels, value };
  // An OpenMetrics exemplar may follow directly; else a timestamp, then maybe an exemplar.
  if (line.charCodeAt(i) === 35 /* # */) return { name, labels, value };
  end = i;
  while (end < n && line.charCodeAt(end) !== 32) end++;
  const tsRaw = line.slice(i, end);
  if (!/^-?\d+(\.\d+)?$/.test(tsRaw)) throw new ParseError(`trailing garbage in: ${clip(line)}`);
  while (line.charCodeAt(end) === 32) end++;
  if (end < n && line.charCodeAt(end) !== 35) throw new ParseError(`trailing garbage in: ${clip(line)}`);
  return { name, labels, value, timestamp: Number(tsRaw) };
}

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>;
const clip = (line: string) => (line.length > 120 ? `${line.slice(0, 120)}…` : line);

function unescapeHelp(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === '\\' ? '\\' : `\\${c}`));
}

export class ExpositionParser {
  readonly families = new Map<string, ParsedFamily>();
  private pending = '';
  private bytes = 0;
  private samples = 0;
  private lineNo = 0;
  private current: ParsedFamily | undefined;
  private readonly helped = new Set<string>();
  private readonly typed = new Set<string>();
  private ended = false;
  private readonly limits: Required<ParserLimits>;

  constructor(limits: ParserLimits = {}) {
    this.limits = {
      maxBytes: limits.maxBytes ?? 16 * 1024 * 1024,
      maxLineLength: limits.maxLineLength ?? 64 * 1024,
      maxSamples: limits.maxSamples ?? 1_000_000,
      requireFinalNewline: limits.requireFinalNewline ?? true,
    };
  }

  /** Feeds the next piece of text; complete lines are parsed at once. */
  push(chunk: string): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) {
      throw new ClassifiedError('too_large', `exposition larger than ${this.limits.maxBytes} bytes`);
    }
    let text = this.pending + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.line(text.slice(start, nl));
      start = nl + 1;
    }
    text = text.slice(start);
    if (text.length > this.limits.maxLineLength) {
      throw new ParseError(`line ${this.lineNo + 1} longer than ${this.limits.maxLineLength} characters`);
    }
    this.pending = text;
  }

  /** Ends the input; returns the families in order of appearance. */
  end(): Map<string, ParsedFamily> {
    if (this.pending !== '') {
      if (this.limits.requireFinalNewline) {
        throw new ParseError(`line ${this.lineNo + 1}: the text ends mid-line (truncated?)`);
      }
      this.line(this.pending);
      this.pending = '';
    }
    return this.families;
  }

  private line(raw: string): void {
    this.lineNo++;
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw; // CRLF
    if (line.length > this.limits.maxLineLength) {
      throw new ParseError(`line ${this.lineNo} longer than ${this.limits.maxLineLength} characters`);
    }
    if (this.ended) {
      if (line.trim() === '') return;
      throw new ParseError(`line ${this.lineNo}: content after # EOF`);
    }
    if (line.length === 0) return;
    const first = line.charCodeAt(0);
    if ((first === 32 || first === 9) && /^\s*$/.test(line)) return;
    try {
      if (line.charCodeAt(0) === 35 /* # */) this.comment(line);
      else this.sample(parseSampleLine(line));
    } catch (err) {
      if (err instanceof ParseError) throw new ParseError(`line ${this.lineNo}: ${err.message}`);
      throw err;
    }
  }

  private comment(line: string): void {
    if (line === '# EOF') {
      this.ended = true;
      return;
    }
    const m = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (!m) return; // a plain comment
    const [, keyword, name, rest = ''] = m as unknown as [string, string, string, string?];
    if (!METRIC_NAME.test(name)) throw new ParseError(`invalid metric name "${clip(name)}"`);
    const f = this.family(name);
    if (keyword === 'HELP') {
      if (this.helped.has(name)) throw new ParseError(`second HELP for ${name}`);
      this.helped.add(name);
      f.help = unescapeHelp(rest);
    } else if (keyword === 'TYPE') {
      if (this.typed.has(name)) throw new ParseError(`second TYPE for ${name}`);
      if (f.samples.length) throw new ParseError(`TYPE for ${name} after its samples`);
      const type = rest.trim();
      if (!TYPES.has(type)) throw new ParseError(`unknown type "${clip(type)}" for ${name}`);
      this.typed.add(name);
      f.type = type;
    }
    this.current = f;
  }

  private sample(s: ParsedSample): void {
    if (++this.samples > this.limits.maxSamples) {
      throw new ClassifiedError('too_large', `more than ${this.limits.maxSamples} samples`);
    }
    const current = this.current;
    const owner =
      current && belongsTo(s.name, current.name)
        ? current
        : (this.families.get(s.name) ?? this.family(s.name));
    owner.samples.push(s);
    this.current = owner;
  }

  private family(name: string): ParsedFamily {
    let f = this.families.get(name);
    if (!f) this.families.set(name, (f = { name, help: '', type: 'untyped', samples: [] }));
    return f;
  }
}

function belongsTo(sampleName: string, familyName: string): boolean {
  if (sampleName === familyName) return true;
  const rest = sampleName.length - familyName.length;
  if (rest <= 0 || !sampleName.startsWith(familyName)) return false;
  for (const suffix of SUFFIXES) if (suffix.length === rest && sampleName.endsWith(suffix)) return true;
  return false;
}

/** Parses a whole exposition held in memory (our own output, fixtures): a final newline is optional. */
export function parseExposition(text: string, limits: ParserLimits = {}): Map<string, ParsedFamily> {
  const parser = new ExpositionParser({ requireFinalNewline: false, ...limits });
  parser.push(text);
  return parser.end();
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
