import { Worker, type MessagePort } from 'node:worker_threads';
import { ClassifiedError, classifyError, errorMessage, WORKER, type ErrorKind } from '@llmmon/metrics-core';
import { NvmlSource } from './nvml';
import type { GpuSnapshot, GpuSource } from './types';

/** The definition's worker that runs the NVML side (see `workers` in definition.ts). */
export const NVML_WORKER = 'nvml';

type Reply = { ready: true } | { snapshot: GpuSnapshot } | { error: string; kind: ErrorKind };

/**
 * NVML on a worker thread. NVML calls are synchronous, and a driver in trouble can hang inside
 * one; on the main thread that would stop the exporter answering at all. Here a hung call
 * holds only the worker: a read settles only when the worker answers, so BackgroundSnapshot
 * times it out, serves the last snapshot as stale, and starts no second read beside it.
 */
export class ThreadedNvmlSource implements GpuSource {
  readonly name = 'nvml';
  private waiting: { resolve: (s: GpuSnapshot) => void; reject: (e: Error) => void } | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (!waiting) return;
      if ('snapshot' in reply) waiting.resolve(reply.snapshot);
      else if ('error' in reply) waiting.reject(new ClassifiedError(reply.kind, reply.error));
    });
    worker.unref();
  }

  /** Starts the worker from the entry script (it runs the definition's NVML worker); rejects when NVML does not load. */
  static start(entry: string, libraryPath: string): Promise<ThreadedNvmlSource> {
    const worker = new Worker(entry, { workerData: { [WORKER]: NVML_WORKER, libraryPath } });
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (reply: Reply) => {
        worker.off('error', reject);
        if ('ready' in reply) return resolve(new ThreadedNvmlSource(worker));
        void worker.terminate();
        reject(new Error('error' in reply ? reply.error : 'NVML worker did not start'));
      });
    });
  }

  /** Settles when the worker answers, however long that takes: an NVML call cannot be aborted. */
  read(): Promise<GpuSnapshot> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage('read');
    });
  }
}

/** The worker side: loads NVML once, then answers each read with a snapshot or an error. */
export function runNvmlWorker(port: MessagePort, libraryPath: string): void {
  let source: NvmlSource;
  try {
    source = new NvmlSource(libraryPath);
  } catch (err) {
    port.postMessage({ error: errorMessage(err), kind: classifyError(err) } satisfies Reply);
    port.close();
    return;
  }
  port.postMessage({ ready: true } satisfies Reply);
  port.on('message', () => {
    source.read().then(
      (snapshot) => port.postMessage({ snapshot } satisfies Reply),
      (err: unknown) =>
        port.postMessage({ error: errorMessage(err), kind: classifyError(err) } satisfies Reply),
    );
  });
}
