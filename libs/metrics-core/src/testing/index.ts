/**
 * Helpers for exporter tests: start an exporter on an ephemeral loopback port, scrape and parse
 * it, render one collector, and compare with golden files (UPDATE_GOLDEN=1 rewrites them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import type { Collector } from '../collector';
import { ConfigError, configTable, type ConfigSchema } from '../config';
import {
  defineExporter,
  loadExporterConfig,
  type AnyExporterDefinition,
  type BuildContext,
  type ExporterParts,
} from '../definition';
import { startAgent, startExporter, type Started } from '../entry';
import { parseExposition, type ParsedFamily } from '../exposition';
import { silentLogger, type Logger } from '../logger';
import { MetricSink } from '../metric';
import { render } from '../render';
import type { RunningExporter } from '../running-exporter';
import type { UpstreamHealth } from '../upstream-health';

export interface TestExporter {
  readonly exporter: RunningExporter;
  readonly url: string;
  stop(): Promise<void>;
}

/** What tests run with unless they say otherwise: loopback, ephemeral port, no cache. */
export const TEST_ENV: Readonly<Record<string, string>> = {
  HOST: '127.0.0.1',
  PORT: '0',
  SCRAPE_CACHE_SECONDS: '0',
};

/**
 * Starts a definition in-process as its standalone app would (same configuration, listener
 * and routes), with TEST_ENV under `env` and a silent log unless `logger` is given.
 */
export async function startDefinition(
  def: AnyExporterDefinition,
  env: Record<string, string | undefined> = {},
  logger: Logger = silentLogger(),
): Promise<TestExporter> {
  const started: Started = await startExporter(def, { ...TEST_ENV, ...env }, { logger });
  return { exporter: started.exporters[0]!, url: started.url, stop: started.stop };
}

/**
 * The ConfigError a definition's configuration is refused with for `env` (what its app prints
 * as one line, exit 2); fails the test when the configuration is accepted.
 */
export function configRefusal(def: AnyExporterDefinition, env: Record<string, string>): ConfigError {
  try {
    loadExporterConfig(def, env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`the ${def.name} exporter accepted ${JSON.stringify(env)}`);
}

/** Starts definitions in one in-process agent, each at /metrics/<name>. */
export function startTestAgent(
  defs: readonly AnyExporterDefinition[],
  env: Record<string, string | undefined> = {},
): Promise<Started> {
  return startAgent(defs, { ...TEST_ENV, ...env }, { logger: () => silentLogger() });
}

export interface TestExporterOptions {
  readonly name?: string;
  readonly env?: Record<string, string | undefined>;
  readonly logger?: Logger;
  /** Adds the control variables (ADMIN_TOKEN, CONTROL_RATE_LIMIT_PER_MINUTE). */
  readonly control?: boolean;
}

/**
 * An exporter made up of the given parts (collectors, and optionally sources and routes), or
 * of what `build` makes with the exporter's context (its upstream health), started like any other.
 */
export function startTestExporter(
  parts: (ExporterParts | { build: (ctx: BuildContext) => ExporterParts }) & TestExporterOptions,
): Promise<TestExporter> {
  const def = defineExporter({
    name: parts.name ?? 'test',
    description: 'An exporter made up by a test.',
    port: 0,
    version: '0.0.0-test',
    config: {},
    control: parts.control ?? false,
    build: (_config, ctx) => ('build' in parts ? parts.build(ctx) : parts),
  });
  return startDefinition(def, { COLLECTOR_TIMEOUT_SECONDS: '1', ...parts.env }, parts.logger);
}

export interface ScrapeResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly families: Map<string, ParsedFamily>;
  readonly json?: unknown;
}

/** GETs `path` (default /metrics), un-gzips if needed and parses metrics or JSON. */
export async function scrape(
  url: string,
  opts: { path?: string; headers?: Record<string, string> } = {},
): Promise<ScrapeResult> {
  const res = await fetch(url + (opts.path ?? '/metrics'), {
    headers: { 'accept-encoding': 'identity', ...opts.headers },
    signal: AbortSignal.timeout(30_000),
  });
  const raw = Buffer.from(await res.arrayBuffer());
  // fetch() decompresses transparently; this handles a server that sends gzip unasked.
  const text = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('application/json')) {
    return { status: res.status, headers: res.headers, text, families: new Map(), json: JSON.parse(text) };
  }
  const families = res.status === 200 && !type.startsWith('text/html') ? parseExposition(text) : new Map();
  return { status: res.status, headers: res.headers, text, families };
}

/**
 * Runs one collector once and renders only its families (no self metrics), for goldens; with
 * `upstreams`, their health families follow, as the core reports them after a collection.
 */
export async function renderCollector(collector: Collector, upstreams?: UpstreamHealth): Promise<string> {
  const sink = new MetricSink();
  await collector.collect(sink, new AbortController().signal);
  upstreams?.report(sink);
  return render(sink.families(), [], 'prometheus');
}

/**
 * Golden files in one folder. `match` compares (or, with UPDATE_GOLDEN=1, writes);
 * `assertNoOrphans` fails on files no test matched, so renamed tests do not leave stale goldens.
 */
export class GoldenFiles {
  private readonly used = new Set<string>();
  readonly updating = process.env['UPDATE_GOLDEN'] === '1';

  constructor(readonly dir: string) {}

  match(name: string, actual: string): void {
    const file = join(this.dir, name);
    this.used.add(name);
    if (this.updating) {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(file, actual);
      return;
    }
    if (!existsSync(file)) {
      throw new Error(
        `golden file ${relative(process.cwd(), file)} is missing; run with UPDATE_GOLDEN=1 to create it`,
      );
    }
    const expected = readFileSync(file, 'utf8');
    if (expected !== actual) {
      throw new Error(
        `output differs from golden ${relative(process.cwd(), file)} (UPDATE_GOLDEN=1 rewrites it):\n${lineDiff(expected, actual)}`,
      );
    }
  }

  assertNoOrphans(): void {
    if (!existsSync(this.dir)) return;
    const orphans = readdirSync(this.dir).filter((f) => !this.used.has(f));
    if (orphans.length) {
      throw new Error(`golden files no test uses (delete them): ${orphans.join(', ')}`);
    }
  }
}

/**
 * The lines that differ, in order: `- ` lines only in `expected`, `+ ` lines only in
 * `actual`, each run of changes after the line number where it starts (a longest common
 * subsequence of lines, so a reordering shows as what moved). At most 40 lines.
 */
export function lineDiff(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  // Common prefix and suffix first: goldens differ in a few places, and the table stays small.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  // lcs[i][j]: length of the longest common subsequence of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: string[] = [];
  let i = 0;
  let j = 0;
  let inRun = false;
  const mark = () => {
    if (!inRun) out.push(`@@ line ${start + i + 1}`);
    inRun = true;
  };
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      i++;
      j++;
      inRun = false;
    } else if (j < y.length && (i === x.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      mark();
      out.push(`+ ${y[j++]}`);
    } else {
      mark();
      out.push(`- ${x[i++]}`);
    }
  }
  return out.slice(0, 40).join('\n') + (out.length > 40 ? `\n… ${out.length - 40} more` : '');
}

/** Table rows without Prettier's alignment padding, so formatting a README keeps it valid. */
function normalizeTable(table: string): string[] {
  return table
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/^-+$/, '---'))
        .join('|'),
    );
}

/**
 * Checks that the configuration table between `<!-- config-table:<name>:start -->` and
 * `…:end -->` in a README is the one generated from `schema`. With UPDATE_GOLDEN=1 it rewrites
 * the table (run `npm run format` afterwards to align it). Returns [actual, expected] rows.
 */
export function readmeConfigTable(
  readmePath: string,
  name: string,
  schema: ConfigSchema,
): [string[], string[]] {
  const start = `<!-- config-table:${name}:start -->`;
  const end = `<!-- config-table:${name}:end -->`;
  const readme = readFileSync(readmePath, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${readmePath} has no ${start} … ${end} block`);
  const expected = `${start}\n\n${configTable(schema)}\n\n${end}`;
  if (process.env['UPDATE_GOLDEN'] === '1') {
    writeFileSync(readmePath, readme.slice(0, from) + expected + readme.slice(to + end.length));
    return [normalizeTable(expected), normalizeTable(expected)];
  }
  return [normalizeTable(readme.slice(from, to + end.length)), normalizeTable(expected)];
}

/** The unit a metric's name ends with (Prometheus naming: base units as suffixes). */
function unitOf(name: string): string {
  const base = name.replace(/_total$/, '');
  const units: Record<string, string> = {
    seconds: 'seconds',
    bytes: 'bytes',
    ratio: 'ratio (0-1)',
    celsius: '°C',
    watts: 'watts',
    hertz: 'hertz',
    joules: 'joules',
    lanes: 'lanes',
    info: 'info (always 1)',
  };
  for (const [suffix, unit] of Object.entries(units)) if (base.endsWith(`_${suffix}`)) return unit;
  return name.endsWith('_total') ? 'count' : '';
}

/**
 * Checks that the metric catalogue block `<!-- metrics:<exporter>:start -->` … `:end -->` in
 * `docPath` (docs/metrics.md) lists exactly the families `collectors` declare: name, type,
 * unit, labels and help, generated from the code's metric tables. UPDATE_GOLDEN=1 rewrites
 * the block. Returns [actual, expected] rows.
 */
export function metricCatalog(
  docPath: string,
  exporter: string,
  collectors: readonly Collector[],
): [string[], string[]] {
  const start = `<!-- metrics:${exporter}:start -->`;
  const end = `<!-- metrics:${exporter}:end -->`;
  const seen = new Set<string>();
  const rows: string[] = [];
  for (const c of collectors) {
    for (const m of c.metrics) {
      if (seen.has(m.name)) continue;
      seen.add(m.name);
      const cell = (s: string) => s.replace(/\|/g, '\\|');
      rows.push(
        `| \`${m.name}\` | ${m.type} | ${unitOf(m.name)} | ${m.labelNames.map((l) => `\`${l}\``).join(', ')} | ${cell(m.help)} | ${c.name} |`,
      );
    }
  }
  const table = [
    '| metric | type | unit | labels | help | collector |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  const expected = `${start}\n\n${table}\n\n${end}`;
  const doc = readFileSync(docPath, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`${docPath} has no ${start} … ${end} block`);
  if (process.env['UPDATE_GOLDEN'] === '1') {
    writeFileSync(docPath, doc.slice(0, from) + expected + doc.slice(to + end.length));
    return [normalizeTable(expected), normalizeTable(expected)];
  }
  return [normalizeTable(doc.slice(from, to + end.length)), normalizeTable(expected)];
}

/** The value of the first sample of `family` whose labels include all of `labels`. */
export function sampleValue(
  families: ReadonlyMap<string, ParsedFamily>,
  family: string,
  labels: Record<string, string> = {},
): number | undefined {
  return families
    .get(family)
    ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/**
 * Scrapes until `check` holds (Docker events and background reads reach an exporter a moment
 * later), polling every 100 ms; throws naming `what` when it never does.
 */
export async function scrapeUntil(
  url: string,
  check: (r: ScrapeResult) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<ScrapeResult> {
  const deadline = Date.now() + timeoutMs;
  let r = await scrape(url);
  while (!check(r)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 100));
    r = await scrape(url);
  }
  return r;
}

/**
 * Runs a built exporter with `env` (and PATH), expecting it to refuse its configuration:
 * returns its exit status and stderr lines (the contract: one line naming the variable, exit 2).
 */
export function runWithConfig(
  main: string,
  env: Record<string, string>,
): { status: number | null; stderr: string[] } {
  const r = spawnSync(main, [], {
    env: { PATH: process.env['PATH'], ...env, PORT: '0' },
    encoding: 'utf8',
    timeout: 10_000,
  });
  return { status: r.status, stderr: r.stderr.trim().split('\n') };
}

/** A logger at `info` that keeps each JSON line it writes, for tests on what gets logged (and how often). */
export function captureLogs(): {
  logger: Logger;
  lines: { msg: string; kind?: string; [field: string]: unknown }[];
} {
  const lines: { msg: string; kind?: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string; kind?: string });
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}
