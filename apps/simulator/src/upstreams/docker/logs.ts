/**
 * Container log lines, generated deterministically from the world: line k of a container's
 * current run is at startedMs + k × period, its text and level a function of (seed, name, k)
 * and the scenario, so any time range can be produced on demand (`since`, `tail`, `follow`).
 */
import { keyOf, uniform } from '../../world/random';
import type { ContainerState, World } from '../../world/world';

export interface LogLine {
  readonly timeMs: number;
  /** 1 = stdout, 2 = stderr (Docker's stream ids). */
  readonly stream: 1 | 2;
  readonly text: string;
}

const PERIOD_MS = { vllm: 2_000, other: 5_000 };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** vLLM's log prefix time: "11-18 14:30:00". */
const vllmTime = (ms: number) => {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};

function lineAt(w: World, c: ContainerState, k: number, timeMs: number): LogLine {
  const u = uniform(w.seed, keyOf(c.spec.name), k, 31);
  const errorShare = Math.min(0.5, 0.004 + w.settings.error_rate * 4);
  const faulty =
    (w.faults.failedModels?.includes(c.spec.name) ?? false) ||
    (w.faults.restartLoop?.containers.includes(c.spec.name) ?? false);
  const level =
    faulty && u < 0.4 ? 'ERROR' : u < errorShare ? 'ERROR' : u < errorShare + 0.03 ? 'WARNING' : 'INFO';
  const stream = level === 'INFO' ? 1 : 2;
  const v = c.spec.vllm;
  if (v) {
    const model = w.models.find((m) => m.spec.container === c.spec.name)!;
    let text: string;
    if (level === 'ERROR') {
      text = faulty
        ? `ERROR ${vllmTime(timeMs)} [core.py:632] EngineCore failed to start. torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU ${v.gpus[0]} has a total capacity of 139.72 GiB`
        : `ERROR ${vllmTime(timeMs)} [serving_chat.py:915] Error in chat completion stream generator: request ${k} aborted`;
    } else if (level === 'WARNING') {
      text = `WARNING ${vllmTime(timeMs)} [scheduler.py:1560] Sequence group ${k} is preempted by PreemptionMode.RECOMPUTE mode because there is not enough KV cache space.`;
    } else if (k % 5 === 0) {
      text = `INFO ${vllmTime(timeMs)} [loggers.py:123] Engine 000: Avg prompt throughput: ${(model.running * 180).toFixed(1)} tokens/s, Avg generation throughput: ${(model.running * 42).toFixed(1)} tokens/s, Running: ${model.running} reqs, Waiting: ${model.waiting} reqs, GPU KV cache usage: ${(model.kvCacheUsage * 100).toFixed(1)}%, Prefix cache hit rate: 31.0%`;
    } else {
      text = `INFO:     172.18.0.${11 + (k % 3)}:${40000 + (k % 20000)} - "POST /v1/chat/completions HTTP/1.1" 200 OK`;
    }
    return { timeMs, stream, text };
  }
  const text =
    level === 'INFO'
      ? `${new Date(timeMs).toISOString()} INFO ${c.spec.service}: request ${k} handled in ${(5 + (k % 40)).toString()}ms`
      : `${new Date(timeMs).toISOString()} ${level} ${c.spec.service}: ${level === 'ERROR' ? 'upstream request failed: connection reset by peer' : 'slow request: 2.4s'}`;
  return { timeMs, stream, text };
}

/** Lines of the container's current run with fromMs < time ≤ toMs (times are also capped at "now"). */
export function logLines(
  w: World,
  c: ContainerState,
  fromMs: number,
  toMs: number,
  limit = Infinity,
): LogLine[] {
  const period = c.spec.vllm ? PERIOD_MS.vllm : PERIOD_MS.other;
  const end = Math.min(toMs, c.status === 'running' ? w.timeMs : Math.max(c.finishedMs, c.startedMs));
  const first = Math.max(0, Math.floor((fromMs - c.startedMs) / period) + 1);
  const last = Math.floor((end - c.startedMs) / period);
  const from = Number.isFinite(limit) ? Math.max(first, last - limit + 1) : first;
  const out: LogLine[] = [];
  for (let k = from; k <= last; k++) out.push(lineAt(w, c, k, c.startedMs + k * period));
  return out;
}

/** Docker's multiplexed stream framing (non-TTY containers): [stream, 0, 0, 0, size BE32] + payload. */
export function frame(line: LogLine, timestamps: boolean): Buffer {
  const text = `${timestamps ? `${new Date(line.timeMs).toISOString().replace('Z', '000000Z')} ` : ''}${line.text}\n`;
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = line.stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
