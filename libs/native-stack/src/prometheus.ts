import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireExecutable, startProcess, type ManagedProcess } from './processes';

export interface PrometheusOptions {
  readonly port: number;
  /** Contents of prometheus.yml. */
  readonly config: string;
  /** File-based discovery: written to targets/<job>.json beside the config. */
  readonly targets?: Record<string, { targets: string[]; labels?: Record<string, string> }[]>;
  /** A folder of rule files copied to rules/ beside the config (where `rule_files: [rules/*.yml]` finds them). */
  readonly rulesDir?: string;
  /** Holds prometheus.yml and the TSDB. */
  readonly dataDir: string;
  readonly retention?: string;
  readonly logFile?: string;
}

export interface RunningPrometheus extends ManagedProcess {
  readonly url: string;
}

/** A prometheus.yml scraping each job's one target every second (tests), e.g. `{ gpu: '127.0.0.1:9445' }`. */
export function scrapeEverySecond(jobs: Readonly<Record<string, string>>): string {
  const configs = Object.entries(jobs).map(
    ([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  return `global:\n  scrape_interval: 1s\nscrape_configs:${configs.length ? `\n${configs.join('')}` : ' []\n'}`;
}

/** Starts Debian's Prometheus on loopback with the given configuration. */
export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = requireExecutable('prometheus', 'prometheus');
  mkdirSync(opts.dataDir, { recursive: true });
  const configFile = join(opts.dataDir, 'prometheus.yml');
  writeFileSync(configFile, opts.config);
  if (opts.rulesDir) cpSync(opts.rulesDir, join(opts.dataDir, 'rules'), { recursive: true });
  if (opts.targets) {
    mkdirSync(join(opts.dataDir, 'targets'), { recursive: true });
    for (const [job, groups] of Object.entries(opts.targets)) {
      writeFileSync(join(opts.dataDir, 'targets', `${job}.json`), JSON.stringify(groups, null, 2));
    }
  }
  const url = `http://127.0.0.1:${opts.port}`;
  const proc = await startProcess({
    name: 'prometheus',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(opts.dataDir, 'tsdb')}`,
      `--storage.tsdb.retention.time=${opts.retention ?? '30d'}`,
      `--web.listen-address=127.0.0.1:${opts.port}`,
      '--web.enable-lifecycle',
      // Snapshots for backups (tools/backup); it listens on loopback only.
      '--web.enable-admin-api',
    ],
    readyUrl: `${url}/-/ready`,
    logFile: opts.logFile,
    timeoutMs: 60_000,
  });
  return { ...proc, url };
}

export interface PromVectorSample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}

/** An instant query, now or as of `time` (Unix seconds); throws on an API error. */
export async function queryPrometheus(url: string, expr: string, time?: number): Promise<PromVectorSample[]> {
  const params = new URLSearchParams({ query: expr, ...(time === undefined ? {} : { time: String(time) }) });
  const res = await fetch(`${url}/api/v1/query?${params}`, {
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { result: PromVectorSample[] };
  };
  if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error ?? res.status}`);
  return body.data?.result ?? [];
}

/** Waits until `predicate` holds for the query result (polling), or throws with the last result. */
export async function waitForQuery(
  url: string,
  expr: string,
  predicate: (r: PromVectorSample[]) => boolean,
  timeoutMs = 60_000,
): Promise<PromVectorSample[]> {
  const deadline = Date.now() + timeoutMs;
  let last: PromVectorSample[] = [];
  while (Date.now() < deadline) {
    last = await queryPrometheus(url, expr);
    if (predicate(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `query ${expr} did not reach the expected result in ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
  );
}
