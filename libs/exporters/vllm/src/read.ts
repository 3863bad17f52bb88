import {
  classifyError,
  errorMessage,
  fetchExposition,
  fetchJson,
  fetchText,
  type ErrorKind,
  type ParsedFamily,
} from '@llmmon/metrics-core';
import type { Instance } from './discovery';

export const STATES = ['loading', 'ready', 'failed'] as const;
export type InstanceState = (typeof STATES)[number];

/** What one read of an instance found. */
export interface Reading {
  readonly instance: Instance;
  readonly state: InstanceState;
  /** The version: the image tag, else what /version says, else "unknown". */
  readonly version: string;
  readonly model: string | undefined;
  readonly maxModelLen: number | undefined;
  /** Parsed /metrics; undefined when it could not be read (the instance is down). */
  readonly families: Map<string, ParsedFamily> | undefined;
  /** Why /metrics (or the instance) could not be read. */
  readonly error: { kind: ErrorKind; message: string } | undefined;
  readonly mock: boolean;
  readonly durationMs: number;
}

export interface ReadOptions {
  readonly timeoutMs: number;
  readonly maxMetricsBytes: number;
  readonly loadTimeoutMs: number;
  readonly now?: () => number;
}

/** What /v1/models and /version said, per instance run (container, address and start). */
interface Identity {
  readonly model: string | undefined;
  readonly maxModelLen: number | undefined;
  readonly version: string | undefined;
  readonly mock: boolean;
  readonly atMs: number;
}

/**
 * /v1/models and /version change only when the server restarts (a new start time, or a new
 * address): they are asked again then, or after IDENTITY_TTL_MS, not on every scrape.
 */
export class IdentityCache {
  private readonly byKey = new Map<string, Identity>();
  get(inst: Instance, nowMs: number): Identity | undefined {
    const hit = this.byKey.get(keyOf(inst));
    return hit && nowMs - hit.atMs < IDENTITY_TTL_MS ? hit : undefined;
  }
  set(inst: Instance, identity: Identity): void {
    if (this.byKey.size > 1000) this.byKey.clear(); // bounded: a host has tens of instances
    this.byKey.set(keyOf(inst), identity);
  }
}
const IDENTITY_TTL_MS = 5 * 60_000;
const keyOf = (i: Instance) => `${i.container}\u0000${i.url}\u0000${i.startedAtMs ?? ''}`;

interface ModelsBody {
  data?: { id?: string; max_model_len?: number }[];
}

/**
 * Reads one instance: /health and /metrics, and /v1/models and (when the tag names no
 * version) /version unless the cache has them, all at once, each with the timeout; /metrics
 * is parsed as it streams, capped.
 * The state: ready when /health answers 2xx; failed when it answers an error, when the
 * container is restarting, or when the API has not come up within the load timeout after the
 * container started; loading before that (vLLM's server only listens once the model is loaded).
 */
export async function readInstance(
  inst: Instance,
  o: ReadOptions,
  signal: AbortSignal,
  cache: IdentityCache = new IdentityCache(),
): Promise<Reading> {
  const started = Date.now();
  const base = { instance: inst, mock: inst.mock };
  if (!inst.url || inst.state === 'restarting') {
    return {
      ...base,
      state: inst.state === 'restarting' ? 'failed' : 'loading',
      version: inst.version || 'unknown',
      model: undefined,
      maxModelLen: undefined,
      families: undefined,
      error: {
        kind: 'not_found',
        message: inst.url ? 'the container is restarting' : 'no address: the vLLM port is not published',
      },
      durationMs: 0,
    };
  }
  const req = { timeoutMs: o.timeoutMs, signal };
  const now = (o.now ?? Date.now)();
  const known = cache.get(inst, now);
  const [health, metrics, identity] = await Promise.allSettled([
    fetchText(`${inst.url}/health`, { ...req, maxBytes: 64 * 1024 }),
    fetchExposition(`${inst.url}/metrics`, { ...req, maxBytes: o.maxMetricsBytes }),
    known ?? readIdentity(inst, req),
  ]);
  let state: InstanceState;
  if (health.status === 'fulfilled') state = 'ready';
  else if (classifyError(health.reason) === 'http_status') state = 'failed';
  else if (inst.startedAtMs !== undefined && now - inst.startedAtMs < o.loadTimeoutMs) state = 'loading';
  else state = 'failed';
  const id = identity.status === 'fulfilled' ? identity.value : undefined;
  if (id && !known && id.model !== undefined) cache.set(inst, { ...id, atMs: now });
  const failure = metrics.status === 'rejected' ? metrics.reason : undefined;
  return {
    ...base,
    mock: inst.mock || id?.mock === true,
    state,
    version: inst.version || id?.version || 'unknown',
    model: id?.model,
    maxModelLen: id?.maxModelLen,
    families: metrics.status === 'fulfilled' ? metrics.value : undefined,
    error: failure
      ? {
          kind: classifyError(failure),
          message: errorMessage(failure),
        }
      : undefined,
    durationMs: Date.now() - started,
  };
}

/** /v1/models, and /version when the image tag names no version; what fails stays unknown. */
async function readIdentity(
  inst: Instance,
  req: { timeoutMs: number; signal: AbortSignal },
): Promise<Omit<Identity, 'atMs'>> {
  const [models, version] = await Promise.allSettled([
    fetchJson<ModelsBody>(`${inst.url}/v1/models`, { ...req, maxBytes: 1024 * 1024 }),
    inst.version
      ? Promise.resolve(undefined)
      : fetchJson<{ version?: string; llmmon_mock?: boolean }>(`${inst.url}/version`, {
          ...req,
          maxBytes: 64 * 1024,
        }),
  ]);
  const model = models.status === 'fulfilled' ? models.value.data?.[0] : undefined;
  const v = version.status === 'fulfilled' ? version.value : undefined;
  return {
    model: model?.id,
    maxModelLen: typeof model?.max_model_len === 'number' ? model.max_model_len : undefined,
    version: v?.version ? `v${v.version.replace(/^v/, '')}` : undefined,
    mock: v?.llmmon_mock === true,
  };
}
