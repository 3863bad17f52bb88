import { Worker, type MessagePort } from 'node:worker_threads';
import {
  ClassifiedError,
  classifyError,
  errorMessage,
  TimeoutError,
  type ErrorKind,
} from '@llmmon/metrics-core';
import { NvmlSource } from './nvml';
import type { GpuSnapshot, GpuSource } from './types';

/** Set in workerData: the entry module then runs the NVML side instead of the exporter. */
export const NVML_WORKER = 'llmmonNvmlWorker';

type Reply = { ready: true } | { snapshot: GpuSnapshot } | { error: string; kind: ErrorKind };

/**
 * NVML on a worker thread. NVML calls are synchronous, and a driver in trouble can hang inside
 * one; on the main thread that would stop the exporter answering at all. Here a hung call
 * holds only the worker: the read times out, the last snapshot is served as stale, and no
 * second read is started until the stuck one returns.
 */
export class ThreadedNvmlSource implements GpuSource {
  readonly name = 'nvml';
  private busy = false;
  private waiting: { resolve: (s: GpuSnapshot) => void; reject: (e: Error) => void } | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      this.busy = false;
      const waiting = this.waiting;
      this.waiting = undefined;
      if (!waiting) return; // a stuck read that came back after its timeout
      if ('snapshot' in reply) waiting.resolve(reply.snapshot);
      else if ('error' in reply) waiting.reject(new ClassifiedError(reply.kind, reply.error));
    });
    worker.unref();
  }

  /** Starts the worker (entry: the module that calls runNvmlWorker); rejects when NVML does not load. */
  static start(entry: string, libraryPath: string): Promise<ThreadedNvmlSource> {
    const worker = new Worker(entry, { workerData: { [NVML_WORKER]: true, libraryPath } });
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

  read(signal: AbortSignal): Promise<GpuSnapshot> {
    if (this.busy)
      return Promise.reject(
        new TimeoutError('the previous NVML read has not returned: the driver is stuck in an NVML call'),
      );
    this.busy = true;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      signal.addEventListener(
        'abort',
        () => {
          this.waiting = undefined;
          reject(new TimeoutError('NVML read abandoned at its timeout'));
        },
        { once: true },
      );
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
