import { execFile } from 'node:child_process';
import { ClassifiedError, TimeoutError } from '@llmmon/metrics-core';
import { APP_FIELDS, GPU_FIELDS, parseComputeApps, parseQueryGpu } from './nvidia-smi-parse';
import type { GpuSnapshot, GpuSource } from './types';

/** Runs a command with a hard timeout (SIGKILL: a wedged nvidia-smi ignores SIGTERM). */
function run(
  binary: string,
  args: string[],
  timeoutMs: number,
  signal: AbortSignal,
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      {
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 8 * 1024 * 1024,
        signal,
        env: env ?? process.env,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
        if (e.killed || e.name === 'AbortError')
          return reject(new TimeoutError(`${binary} did not finish within ${timeoutMs} ms`));
        if (e.code === 'ENOENT') return reject(new ClassifiedError('not_found', `${binary} not found`));
        // nvidia-smi reports bad fields and driver trouble on stdout with a non-zero exit code.
        reject(
          new ClassifiedError(
            'error',
            `${binary} exited with ${String(e.code)}: ${`${stdout} ${stderr}`.trim().slice(0, 300)}`,
          ),
        );
      },
    );
  });
}

/**
 * The nvidia-smi source: one --query-gpu and one --query-compute-apps call per read. Fields an
 * older driver does not know are dropped from the query once and remembered.
 */
export class NvidiaSmiSource implements GpuSource {
  readonly name = 'nvidia-smi';
  private fields: string[] = [...GPU_FIELDS];
  /** Asked once (`nvidia-smi --version`): it changes only with the driver. */
  private version: Promise<{ cuda?: string; mock: boolean }> | undefined;

  constructor(
    private readonly binary: string,
    private readonly timeoutMs: number,
    /** Environment of the nvidia-smi process (default: ours). */
    private readonly env?: NodeJS.ProcessEnv,
  ) {}

  async read(signal: AbortSignal): Promise<GpuSnapshot> {
    const gpuText = await this.queryGpus(signal);
    const appText = await run(
      this.binary,
      [`--query-compute-apps=${APP_FIELDS.join(',')}`, '--format=csv,noheader,nounits'],
      this.timeoutMs,
      signal,
      this.env,
    );
    const { gpus, driverVersion } = parseQueryGpu(gpuText, this.fields);
    this.version ??= run(this.binary, ['--version'], this.timeoutMs, signal, this.env).then(
      (text) => ({
        cuda: /^CUDA Version\s*:\s*(\S+)/m.exec(text)?.[1],
        // The simulator's nvidia-smi says so on a line of its own; NVIDIA's never prints it.
        mock: /^llmmon simulator\s*:\s*yes$/m.test(text),
      }),
      () => ({ mock: false }), // old drivers have no --version; the label stays empty
    );
    const version = await this.version;
    return {
      source: 'nvidia-smi',
      mock: version.mock,
      driverVersion,
      cudaVersion: version.cuda,
      gpus,
      processes: parseComputeApps(appText),
    };
  }

  private async queryGpus(signal: AbortSignal): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run(
          this.binary,
          [`--query-gpu=${this.fields.join(',')}`, '--format=csv,noheader,nounits'],
          this.timeoutMs,
          signal,
          this.env,
        );
      } catch (err) {
        const bad = /Field "([^"]+)" is not a valid field to query/.exec(String((err as Error).message))?.[1];
        if (!bad || attempt > 10) throw err;
        // Older drivers: throttle reasons under their old name, else drop the field.
        const old = bad.startsWith('clocks_event_reasons.')
          ? bad.replace('clocks_event_reasons.', 'clocks_throttle_reasons.')
          : undefined;
        this.fields = this.fields.flatMap((f) =>
          f !== bad ? [f] : old && !this.fields.includes(old) ? [old] : [],
        );
      }
    }
  }
}
