import { requireExecutable, startProcess, type ManagedProcess } from './processes';

export interface VmalertOptions {
  readonly port: number;
  /** Where it queries (VictoriaMetrics). */
  readonly datasourceUrl: string;
  /** Where it writes what it records, and its alerts' state (ALERTS): VictoriaMetrics' base URL. */
  readonly remoteWriteUrl: string;
  /** Alertmanager's base URL. */
  readonly notifierUrl: string;
  /** Rule files (Prometheus format). */
  readonly rules: readonly string[];
  /** How often every group is evaluated (default 1m; tests shorter). */
  readonly evaluationInterval?: string;
  readonly logFile?: string;
}

export interface RunningVmalert extends ManagedProcess {
  readonly url: string;
}

/** Starts Debian's vmalert on loopback: the centre's rules over VictoriaMetrics. */
export async function startVmalert(opts: VmalertOptions): Promise<RunningVmalert> {
  const binary = requireExecutable('vmalert', 'victoria-metrics');
  const url = `http://127.0.0.1:${opts.port}`;
  const proc = await startProcess({
    name: 'vmalert',
    command: binary,
    args: [
      `-httpListenAddr=127.0.0.1:${opts.port}`,
      `-datasource.url=${opts.datasourceUrl}`,
      `-remoteWrite.url=${opts.remoteWriteUrl}`,
      `-notifier.url=${opts.notifierUrl}`,
      `-evaluationInterval=${opts.evaluationInterval ?? '1m'}`,
      ...opts.rules.map((r) => `-rule=${r}`),
    ],
    readyUrl: `${url}/health`,
    logFile: opts.logFile,
    timeoutMs: 30_000,
  });
  return { ...proc, url };
}
