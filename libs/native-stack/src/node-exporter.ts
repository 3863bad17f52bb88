import { requireExecutable, startProcess, type ManagedProcess } from './processes';

export interface NodeExporterOptions {
  readonly port: number;
  /** Only these collectors are enabled (everything else is disabled). */
  readonly collectors: readonly string[];
  /** Extra flags, e.g. `--collector.filesystem.mount-points-exclude=...`. */
  readonly flags?: readonly string[];
}

/** Starts Debian's prometheus-node-exporter, the reference our system exporter is checked against. */
export async function startNodeExporter(
  opts: NodeExporterOptions,
): Promise<ManagedProcess & { url: string }> {
  const binary = requireExecutable('prometheus-node-exporter', 'prometheus-node-exporter');
  const url = `http://127.0.0.1:${opts.port}`;
  const proc = await startProcess({
    name: 'node_exporter',
    command: binary,
    args: [
      `--web.listen-address=127.0.0.1:${opts.port}`,
      '--collector.disable-defaults',
      ...opts.collectors.map((c) => `--collector.${c}`),
      ...(opts.flags ?? []),
    ],
    readyUrl: `${url}/metrics`,
  });
  return { ...proc, url };
}
