import { join } from 'node:path';
import { freePort, startProcess, type ManagedProcess } from '@llmmon/native-stack';

/**
 * The built GPU exporter (dist/apps/gpu-exporter) on loopback, reading its GPUs every 0.2 s,
 * with `env` on top (its source, where it keeps state, …).
 */
export async function startBuiltGpuExporter(
  env: Record<string, string>,
): Promise<{ exporter: ManagedProcess; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const exporter = await startProcess({
    name: 'gpu-exporter',
    command: join(__dirname, '../../../dist/apps/gpu-exporter/main.js'),
    env: { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', GPU_REFRESH_SECONDS: '0.2', ...env },
    readyUrl: `${url}/ready`,
  });
  return { exporter, url };
}
