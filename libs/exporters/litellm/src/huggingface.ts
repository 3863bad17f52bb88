/**
 * Model metadata from the Hugging Face Hub (parameters, quantization, license, pipeline tag)
 * for deployments whose model is a Hub id. Looked up in the background, one at a time, cached
 * on disk for a TTL, so the exporter works offline: a cache hit, or no metadata, never an
 * error on the scrape path and never a retry loop.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchJson, HttpStatusError, ParseError, type Logger, type Upstream } from '@llmmon/metrics-core';
import type { Deployment } from './proxy';

export const QUANTIZATIONS = [
  'none',
  'awq',
  'gptq',
  'fp8',
  'int8',
  'int4',
  'gguf',
  'bitsandbytes',
  'other',
] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

export interface ModelMetadata {
  readonly id: string;
  /** Parameter count from the safetensors index; undefined when the Hub does not know it. */
  readonly parameters: number | undefined;
  /** The dtype holding most parameters (BF16, F8_E4M3, I32 for packed 4-bit, …), or "". */
  readonly dtype: string;
  readonly quantization: Quantization;
  readonly license: string;
  readonly pipelineTag: string;
}

/** `hosted_vllm/meta-llama/Llama-3.1-70B-Instruct` → `meta-llama/Llama-3.1-70B-Instruct`; not a Hub id → undefined. */
export function hubIdOf(d: Pick<Deployment, 'model' | 'provider'>): string | undefined {
  const id =
    d.provider && d.model.startsWith(`${d.provider}/`) ? d.model.slice(d.provider.length + 1) : d.model;
  return /^[A-Za-z0-9][\w.-]{0,95}\/[A-Za-z0-9][\w.-]{0,95}$/.test(id) ? id : undefined;
}

interface HubModelBody {
  id?: string;
  pipeline_tag?: string;
  tags?: string[];
  cardData?: { license?: string };
  safetensors?: { parameters?: Record<string, number>; total?: number };
  config?: { quantization_config?: { quant_method?: string; bits?: number } };
}

/** What the Hub's quantization signals (config, tags, dtypes, the id itself) add up to. */
function quantizationOf(b: HubModelBody, dtype: string): Quantization {
  const method = b.config?.quantization_config?.quant_method?.toLowerCase() ?? '';
  const tags = (b.tags ?? []).map((t) => t.toLowerCase());
  const id = (b.id ?? '').toLowerCase();
  const says = (word: string) => method.includes(word) || tags.includes(word) || id.includes(`-${word}`);
  if (says('awq')) return 'awq';
  if (says('gptq')) return 'gptq';
  if (says('gguf')) return 'gguf';
  if (says('bitsandbytes') || tags.includes('4-bit') || tags.includes('8-bit')) return 'bitsandbytes';
  if (says('fp8') || dtype.startsWith('F8')) return 'fp8';
  if (says('int8') || says('w8a8') || dtype === 'I8') return 'int8';
  if (says('int4') || says('w4a16')) return 'int4';
  if (method) return 'other';
  return 'none';
}

export function parseHubModel(body: unknown, id: string): ModelMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new ParseError('Hugging Face model info: expected an object');
  const b = body as HubModelBody;
  const params = b.safetensors?.parameters ?? {};
  const dtype = Object.entries(params).sort(([, x], [, y]) => y - x)[0]?.[0] ?? '';
  const total = b.safetensors?.total;
  const licenseTag = (b.tags ?? []).find((t) => t.startsWith('license:'))?.slice('license:'.length);
  return {
    id,
    parameters: typeof total === 'number' && total > 0 ? total : undefined,
    dtype,
    quantization: quantizationOf(b, dtype),
    license: b.cardData?.license ?? licenseTag ?? '',
    pipelineTag: b.pipeline_tag ?? '',
  };
}

export interface HubMetadataOptions {
  /** The Hub (or a mirror): https://huggingface.co. */
  readonly url: string;
  readonly token?: string;
  /** Where answers are kept across restarts; unwritable → memory only (logged once). */
  readonly cacheDir: string;
  readonly ttlMs: number;
  readonly timeoutMs: number;
  /** Where lookups report (llmmon_upstream_*{upstream="huggingface"}), failures logged once. */
  readonly upstream: Upstream;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** A cached answer: metadata, or `null` when the Hub has no such (public) model. */
interface Entry {
  readonly fetchedAt: number;
  readonly metadata: ModelMetadata | null;
}

/** After a failed lookup, wait this long before the next try, doubling up to the TTL. */
const FIRST_RETRY_MS = 5 * 60_000;

export class HubMetadata {
  private readonly entries = new Map<string, Entry>();
  /** Ids whose cache file was already looked for. */
  private readonly tried = new Set<string>();
  private readonly retryAt = new Map<string, { at: number; delay: number }>();
  private cacheWritable = true;
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly o: HubMetadataOptions) {
    this.now = o.now ?? Date.now;
  }

  /**
   * The metadata known for a Hub id (possibly past its TTL while a refresh is due), or
   * undefined. Memory only: it is called on scrape; the disk cache is read by refresh().
   */
  get(id: string): { metadata: ModelMetadata; ageSeconds: number } | undefined {
    const e = this.entries.get(id);
    return e?.metadata ? { metadata: e.metadata, ageSeconds: (this.now() - e.fetchedAt) / 1000 } : undefined;
  }

  /**
   * Looks up, one after another, the ids whose answer is missing or older than the TTL and
   * whose retry time has come. Runs in the background; a second call while one runs joins it.
   */
  refresh(ids: Iterable<string>, signal?: AbortSignal): Promise<void> {
    const due = [...new Set(ids)].filter((id) => this.isDue(id));
    this.running ??= (async () => {
      for (const id of due) {
        if (signal?.aborted || !(await this.lookUp(id, signal))) return;
      }
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private isDue(id: string): boolean {
    const e = this.entries.get(id) ?? this.load(id);
    if (e && this.now() - e.fetchedAt < this.o.ttlMs) return false;
    return (this.retryAt.get(id)?.at ?? 0) <= this.now();
  }

  /** One lookup; false when the Hub itself seems unreachable (the rest wait for the next refresh). */
  private async lookUp(id: string, signal?: AbortSignal): Promise<boolean> {
    const started = this.now();
    try {
      const body = await fetchJson(`${this.o.url}/api/models/${id}`, {
        timeoutMs: this.o.timeoutMs,
        signal,
        maxBytes: 8 * 1024 * 1024,
        headers: this.o.token ? { authorization: `Bearer ${this.o.token}` } : {},
      }).catch((err: unknown) => {
        // 401/404: no such public model (a local fine-tune named like a Hub id). An answer, not a failure.
        if (err instanceof HttpStatusError && (err.status === 401 || err.status === 404)) return null;
        throw err;
      });
      this.store(id, { fetchedAt: this.now(), metadata: body === null ? null : parseHubModel(body, id) });
      this.retryAt.delete(id);
      this.o.upstream.succeeded({ durationMs: this.now() - started });
      return true;
    } catch (err) {
      const delay = Math.min(this.o.ttlMs, (this.retryAt.get(id)?.delay ?? FIRST_RETRY_MS / 2) * 2);
      this.retryAt.set(id, { at: this.now() + delay, delay });
      const kind = this.o.upstream.failed(err, { durationMs: this.now() - started });
      return kind === 'http_status' || kind === 'parse'; // one model's answer, not the Hub down
    }
  }

  private file(id: string): string {
    return join(this.o.cacheDir, `${id.replace('/', '--')}.json`);
  }

  private load(id: string): Entry | undefined {
    if (this.tried.has(id)) return undefined;
    this.tried.add(id); // the disk is read once per id, not on every refresh
    try {
      const e = JSON.parse(readFileSync(this.file(id), 'utf8')) as Entry;
      if (typeof e.fetchedAt !== 'number' || e.metadata === undefined) return undefined;
      this.entries.set(id, e);
      return e;
    } catch {
      return undefined; // no cache file (or a damaged one): looked up again
    }
  }

  private store(id: string, e: Entry): void {
    this.entries.set(id, e);
    if (!this.cacheWritable) return;
    try {
      // Not recursive: Node's recursive mkdir never returns for some paths (under /proc).
      if (!existsSync(this.o.cacheDir)) mkdirSync(this.o.cacheDir);
      const tmp = `${this.file(id)}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(e));
      renameSync(tmp, this.file(id));
    } catch (err) {
      this.cacheWritable = false;
      this.o.logger.warn(
        { dir: this.o.cacheDir, err: err instanceof Error ? err.message : String(err) },
        'Hugging Face cache directory not writable; keeping metadata in memory only',
      );
    }
  }
}
