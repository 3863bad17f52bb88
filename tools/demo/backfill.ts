/**
 * History for the demo: drives the simulator's (manual) clock through past days, scrapes the
 * real exporters at every step as Prometheus would (their samples, job and instance labels,
 * `up`), writes the result as OpenMetrics a day at a time and turns each day into TSDB blocks
 * with `promtool tsdb create-blocks-from openmetrics`, straight into Prometheus's data folder.
 * Prometheus, started afterwards, has the whole history at once. A fleet's centre gets the same
 * samples through VictoriaMetrics's import API (remote write only ships what is new).
 */
import { execFile } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseExposition } from '@llmmon/metrics-core';
import { requireExecutable } from '@llmmon/native-stack';

export interface BackfillTarget {
  readonly job: string;
  readonly instance: string;
  /** The exporter's /metrics. */
  readonly url: string;
  /** Target labels Prometheus would add (file discovery's `labels`). */
  readonly labels: Readonly<Record<string, string>>;
}

export interface BackfillOptions {
  /** The simulator's base URL and admin token (its clock must be in manual mode). */
  readonly simulator: string;
  readonly adminToken: string;
  readonly targets: readonly BackfillTarget[];
  readonly fromMs: number;
  /** Up to (about) now: recomputed as the backfill goes, since it takes a while. */
  readonly toMs: () => number;
  readonly stepMs: number;
  /** Prometheus's TSDB folder (created if missing); none: no blocks are made. */
  readonly tsdbDir?: string;
  /**
   * VictoriaMetrics import URLs (…/api/v1/import/prometheus, e.g. with `?extra_label=host=…`),
   * each sent every sample as it is scraped.
   */
  readonly importUrls?: readonly string[];
  /** Which series the import API gets (what remote write would ship); default: all. */
  readonly importFilter?: (labels: Readonly<Record<string, string>>) => boolean;
  /** For the day files, deleted as each becomes blocks. */
  readonly workDir: string;
  readonly onProgress?: (atMs: number, done: number, total: number) => void;
}

const DAY_MS = 86_400_000;
const run = promisify(execFile);

/** OpenMetrics label value escaping: backslash, double quote, newline. */
const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(',');

/** Where one scrape's samples go: the day's OpenMetrics file, and lines for the import API. */
interface Sinks {
  readonly file?: WriteStream;
  readonly imports?: string[];
  readonly importFilter?: (labels: Readonly<Record<string, string>>) => boolean;
}

async function scrapeInto(out: Sinks, t: BackfillTarget, ms: number): Promise<number> {
  const targetLabels = { ...t.labels, job: t.job, instance: t.instance };
  let lines = 0;
  const write = (name: string, labels: Readonly<Record<string, string>>, value: number) => {
    if (!Number.isFinite(value) && !Number.isNaN(value)) return; // ±Inf gauges: none of ours
    const series = `${name}{${labelText({ ...labels, ...targetLabels })}} ${value}`;
    // OpenMetrics counts seconds; Prometheus's text format (the import API) milliseconds.
    out.file?.write(`${series} ${ms / 1000}\n`);
    // The filter sees what Prometheus's write relabelling would: every label, the target's too.
    if (
      out.imports &&
      (!out.importFilter || out.importFilter({ ...labels, ...targetLabels, __name__: name }))
    )
      out.imports.push(`${series} ${Math.round(ms)}`);
    lines++;
  };
  try {
    const res = await fetch(t.url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${res.status}`);
    for (const family of parseExposition(await res.text()).values())
      for (const s of family.samples) write(s.name, s.labels, s.value);
    write('up', {}, 1);
  } catch {
    write('up', {}, 0);
  }
  return lines;
}

/** Sends `lines` to every import URL (and empties it). */
async function sendImports(urls: readonly string[], lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const body = lines.join('\n') + '\n';
  lines.length = 0;
  for (const url of urls) {
    const res = await fetch(url, { method: 'POST', body, signal: AbortSignal.timeout(120_000) });
    if (!res.ok) throw new Error(`${url} refused the backfill: ${res.status} ${await res.text()}`);
  }
}

/** Runs the backfill; returns how many steps and samples it wrote. */
export async function backfill(o: BackfillOptions): Promise<{ steps: number; samples: number }> {
  // Blocks for Prometheus, when it has a TSDB folder to fill.
  const blocks = o.tsdbDir
    ? { dir: o.tsdbDir, promtool: requireExecutable('promtool', 'prometheus') }
    : undefined;
  if (blocks) mkdirSync(blocks.dir, { recursive: true });
  mkdirSync(o.workDir, { recursive: true });
  const importUrls = o.importUrls ?? [];
  const pending: string[] = [];
  let steps = 0;
  let samples = 0;
  let t = o.fromMs;
  while (t < o.toMs() - o.stepMs) {
    // One day (or what is left of it) per file: bounded temporary space.
    const file = join(o.workDir, `backfill-${t}.om`);
    const sinks: Sinks = {
      file: blocks ? createWriteStream(file) : undefined,
      imports: importUrls.length ? pending : undefined,
      importFilter: o.importFilter,
    };
    const dayEnd = Math.min(t + DAY_MS, o.toMs() - o.stepMs);
    for (; t < dayEnd; t += o.stepMs) {
      const moved = await fetch(`${o.simulator}/api/v1/clock`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${o.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'manual', time: new Date(t).toISOString() }),
        signal: AbortSignal.timeout(60_000),
      });
      if (!moved.ok) throw new Error(`the simulator refused to move its clock: ${await moved.text()}`);
      const counts = await Promise.all(o.targets.map((target) => scrapeInto(sinks, target, t)));
      samples += counts.reduce((a, b) => a + b, 0);
      steps++;
      if (pending.length >= 100_000) await sendImports(importUrls, pending);
      o.onProgress?.(t, t - o.fromMs, o.toMs() - o.fromMs);
    }
    await sendImports(importUrls, pending);
    const out = sinks.file;
    if (!blocks || !out) continue;
    out.end('# EOF\n');
    await new Promise<void>((res, rej) => out.once('finish', res).once('error', rej));
    await run(blocks.promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, blocks.dir], {
      maxBuffer: 64 * 1024 * 1024,
    });
    rmSync(file, { force: true });
  }
  return { steps, samples };
}
