import { mkdirSync } from 'node:fs';
import { requireExecutable, startProcess, type ManagedProcess } from './processes';

export interface VictoriaMetricsOptions {
  readonly port: number;
  /** Its storage. */
  readonly dataDir: string;
  /** How long samples are kept, e.g. 30d (its -retentionPeriod). */
  readonly retention?: string;
  readonly logFile?: string;
}

export interface RunningVictoriaMetrics extends ManagedProcess {
  readonly url: string;
  /** Where Prometheus remote-writes: `<url>/api/v1/write`. */
  readonly writeUrl: string;
}

/**
 * Starts Debian's VictoriaMetrics single-node on loopback: Prometheus remote write at
 * /api/v1/write, PromQL at /api/v1/query (the same paths as its cluster version's, behind a
 * tenant prefix, and as Mimir's or Thanos Receive's write and query APIs).
 */
export async function startVictoriaMetrics(opts: VictoriaMetricsOptions): Promise<RunningVictoriaMetrics> {
  const binary = requireExecutable('victoria-metrics', 'victoria-metrics');
  mkdirSync(opts.dataDir, { recursive: true });
  const url = `http://127.0.0.1:${opts.port}`;
  const proc = await startProcess({
    name: 'victoria-metrics',
    command: binary,
    args: [
      `-httpListenAddr=127.0.0.1:${opts.port}`,
      `-storageDataPath=${opts.dataDir}`,
      `-retentionPeriod=${opts.retention ?? '30d'}`,
      // Samples are searchable within a second of arriving (default 30 s), so a dashboard
      // shows a host's newest scrape as its own Prometheus does.
      '-search.latencyOffset=1s',
    ],
    readyUrl: `${url}/health`,
    logFile: opts.logFile,
    timeoutMs: 30_000,
  });
  return { ...proc, url, writeUrl: `${url}/api/v1/write` };
}
