import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { safeEqual } from '@llmmon/metrics-core';
import { API_KEYS } from '../../world/layout';
import { hash32, keyOf, uniform } from '../../world/random';
import type { RequestRecord, World } from '../../world/world';
import { close, json, listen } from '../http';
import { LITELLM_VERSION } from '../litellm/server';
import { apiBase, modelId } from '../litellm/render';

export const LANGFUSE_VERSION = '3.120.0';
const PROJECT = 'cm3k9x2ab0001ml07prodllm';
const MAX_LIMIT = 100;

const hex = (...parts: number[]) => parts.map((p) => p.toString(16).padStart(8, '0')).join('');
const iso = (ms: number) => new Date(ms).toISOString();

class BadRequest extends Error {}

function paging(q: URLSearchParams): { page: number; limit: number } {
  const page = Number(q.get('page') ?? 1);
  const limit = Number(q.get('limit') ?? 50);
  if (!Number.isInteger(page) || page < 1) throw new BadRequest('page: expected an integer >= 1');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new BadRequest(`limit: expected an integer between 1 and ${MAX_LIMIT}`);
  return { page, limit };
}

function paginate<T>(items: readonly T[], q: URLSearchParams) {
  const { page, limit } = paging(q);
  return {
    data: items.slice((page - 1) * limit, page * limit),
    meta: { page, limit, totalItems: items.length, totalPages: Math.ceil(items.length / limit) },
  };
}

function timeRange(q: URLSearchParams, from: string, to: string): [number, number] {
  const parse = (name: string, fallback: number) => {
    const raw = q.get(name);
    if (raw === null) return fallback;
    const t = Date.parse(raw);
    if (Number.isNaN(t)) throw new BadRequest(`${name}: expected an ISO 8601 datetime`);
    return t;
  };
  return [parse(from, -Infinity), parse(to, Infinity)];
}

/**
 * Langfuse's public API (v3) over the requests the world traced: health, daily metrics,
 * traces, observations, scores, sessions. Basic auth with the project's public and secret
 * key, Langfuse's page/limit pagination (newest first).
 */
export class LangfuseServer {
  private server: Server | undefined;
  url: string | undefined;

  constructor(
    private readonly world: World,
    private readonly host: string,
    private readonly port: number,
    private readonly publicKey: string,
    private readonly secretKey: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.url = await listen(this.server, this.host, this.port);
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  private authorized(req: IncomingMessage): boolean {
    const m = /^Basic\s+(.+)$/i.exec(req.headers['authorization'] ?? '');
    if (!m) return false;
    const [pk = '', sk = ''] = Buffer.from(m[1]!, 'base64').toString('utf8').split(':', 2);
    return safeEqual(pk, this.publicKey) && safeEqual(sk, this.secretKey);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://langfuse');
    const q = url.searchParams;
    if (this.world.container('langfuse-web')?.status !== 'running') {
      req.socket.destroy();
      return;
    }
    if (url.pathname === '/api/public/health') {
      return json(res, 200, { status: 'OK', version: LANGFUSE_VERSION, llmmon_mock: true }); // llmmon_mock marks mock data
    }
    if (!url.pathname.startsWith('/api/public/')) return json(res, 404, { message: 'Not found' });
    if (!this.authorized(req)) {
      return json(res, 401, {
        message: "Invalid credentials. Confirm that you've configured the correct host.",
      });
    }
    try {
      switch (url.pathname) {
        case '/api/public/metrics/daily':
          return json(res, 200, paginate(this.daily(q), q));
        case '/api/public/traces':
          return json(
            res,
            200,
            paginate(
              this.filtered(q, 'fromTimestamp', 'toTimestamp').map((r) => this.trace(r)),
              q,
            ),
          );
        case '/api/public/observations':
          return json(
            res,
            200,
            paginate(
              this.filtered(q, 'fromStartTime', 'toStartTime').map((r) => this.observation(r)),
              q,
            ),
          );
        case '/api/public/scores': {
          const scores = this.filtered(q, 'fromTimestamp', 'toTimestamp').flatMap((r) => this.scores(r));
          const name = q.get('name');
          return json(res, 200, paginate(name ? scores.filter((s) => s.name === name) : scores, q));
        }
        case '/api/public/sessions': {
          const [from, to] = timeRange(q, 'fromTimestamp', 'toTimestamp');
          const first = new Map<string, RequestRecord>();
          for (const r of this.world.requests)
            if (r.timeMs >= from && r.timeMs < to && !first.has(r.sessionId)) first.set(r.sessionId, r);
          const sessions = [...first.values()].reverse().map((r) => ({
            id: r.sessionId,
            createdAt: iso(r.timeMs),
            projectId: PROJECT,
            environment: 'default',
          }));
          return json(res, 200, paginate(sessions, q));
        }
        default:
          return json(res, 404, { message: 'Not found' });
      }
    } catch (err) {
      if (err instanceof BadRequest)
        return json(res, 400, { message: 'Invalid request data', error: err.message });
      throw err;
    }
  }

  /** Recent requests, newest first, within [from, to) as Langfuse filters, matching userId/sessionId/traceId. */
  private filtered(q: URLSearchParams, fromParam: string, toParam: string): RequestRecord[] {
    const [from, to] = timeRange(q, fromParam, toParam);
    const user = q.get('userId');
    const session = q.get('sessionId');
    const traceId = q.get('traceId');
    return this.world.requests
      .filter(
        (r) =>
          r.timeMs >= from &&
          r.timeMs < to &&
          (!user || r.userId === user) &&
          (!session || r.sessionId === session) &&
          (!traceId || this.traceId(r) === traceId),
      )
      .reverse();
  }

  private traceId(r: RequestRecord): string {
    return hex(
      hash32(keyOf(r.container), r.id, 1),
      hash32(keyOf(r.container), r.id, 2),
      hash32(r.id, 3),
      hash32(r.id, 4),
    );
  }

  private observationId(r: RequestRecord): string {
    return hex(hash32(keyOf(r.container), r.id, 5), hash32(keyOf(r.container), r.id, 6));
  }

  private trace(r: RequestRecord) {
    const v = this.world.models.find((m) => m.spec.container === r.container)!.spec;
    const key = API_KEYS[r.keyIndex]!;
    const id = this.traceId(r);
    return {
      id,
      externalId: null,
      timestamp: iso(r.timeMs - r.latencySeconds * 1000),
      name: v.kind === 'embedding' ? 'litellm-aembedding' : 'litellm-acompletion',
      userId: r.userId,
      metadata: {
        hidden_params: {
          model_id: modelId(v.alias),
          api_base: apiBase(v.container),
          litellm_overhead_time_ms: 5.4,
        },
        user_api_key_alias: key.alias,
        user_api_key_team_alias: key.teamAlias,
        requester_ip_address: '',
        litellm_api_version: LITELLM_VERSION,
      },
      release: null,
      version: null,
      projectId: PROJECT,
      environment: 'default',
      public: false,
      bookmarked: false,
      tags: [key.alias.split('-')[0]!],
      input: [{ role: 'user', content: `request ${r.id}` }],
      output: r.failed ? null : { role: 'assistant', content: '…', tool_calls: null, function_call: null },
      sessionId: r.sessionId,
      createdAt: iso(r.timeMs),
      updatedAt: iso(r.timeMs + 1000),
      observations: [this.observationId(r)],
      scores: this.scores(r).map((s) => s.id),
      totalCost: r.costUsd,
      latency: Math.round(r.latencySeconds * 1000) / 1000,
      htmlPath: `/project/${PROJECT}/traces/${id}`,
    };
  }

  private observation(r: RequestRecord) {
    const v = this.world.models.find((m) => m.spec.container === r.container)!.spec;
    const start = r.timeMs - r.latencySeconds * 1000;
    return {
      id: this.observationId(r),
      traceId: this.traceId(r),
      type: 'GENERATION',
      name: v.kind === 'embedding' ? 'litellm-aembedding' : 'litellm-acompletion',
      startTime: iso(start),
      endTime: iso(r.timeMs),
      completionStartTime: r.failed ? null : iso(start + Math.min(r.latencySeconds, 0.4) * 1000),
      model: r.failed ? null : v.model,
      modelParameters: { max_tokens: 2048, temperature: 0.7 },
      input: [{ role: 'user', content: `request ${r.id}` }],
      output: r.failed ? null : { role: 'assistant', content: '…' },
      level: r.failed ? 'ERROR' : 'DEFAULT',
      statusMessage: r.failed ? 'litellm.APIConnectionError' : null,
      parentObservationId: null,
      usage: {
        input: r.promptTokens,
        output: r.completionTokens,
        total: r.promptTokens + r.completionTokens,
        unit: 'TOKENS',
      },
      usageDetails: {
        input: r.promptTokens,
        output: r.completionTokens,
        total: r.promptTokens + r.completionTokens,
      },
      costDetails: { total: r.costUsd },
      calculatedTotalCost: r.costUsd,
      latency: r.latencySeconds,
      timeToFirstToken: r.failed ? null : Math.min(r.latencySeconds, 0.4),
      environment: 'default',
    };
  }

  /** About a third of traces get a thumbs-up/down from the user, and all successful ones an LLM-judge score. */
  private scores(r: RequestRecord) {
    const out: {
      id: string;
      traceId: string;
      name: string;
      value: number;
      source: string;
      dataType: string;
      timestamp: string;
      createdAt: string;
      updatedAt: string;
      observationId: null;
      comment: null;
      configId: null;
      environment: string;
    }[] = [];
    const traceId = this.traceId(r);
    const base = {
      traceId,
      dataType: 'NUMERIC',
      observationId: null,
      comment: null,
      configId: null,
      environment: 'default',
    };
    const at = (dt: number) => ({
      timestamp: iso(r.timeMs + dt),
      createdAt: iso(r.timeMs + dt),
      updatedAt: iso(r.timeMs + dt),
    });
    const u = uniform(keyOf(r.container), r.id, 21);
    if (u < 0.33) {
      out.push({
        id: `${traceId.slice(0, 8)}-fb`,
        name: 'user-feedback',
        value: uniform(keyOf(r.container), r.id, 22) < 0.85 && !r.failed ? 1 : 0,
        source: 'API',
        ...base,
        ...at(30_000),
      });
    }
    if (!r.failed) {
      const quality = Math.round((0.6 + 0.35 * uniform(keyOf(r.container), r.id, 23)) * 100) / 100;
      out.push({
        id: `${traceId.slice(0, 8)}-ev`,
        name: 'helpfulness',
        value: quality,
        source: 'EVAL',
        ...base,
        ...at(60_000),
      });
    }
    return out;
  }

  private daily(q: URLSearchParams) {
    const [from, to] = timeRange(q, 'fromTimestamp', 'toTimestamp');
    return [...this.world.daily]
      .filter(([date]) => Date.parse(date) >= from - 86_400_000 && Date.parse(date) <= to)
      .reverse()
      .map(([date, models]) => {
        const usage = [...models].map(([model, u]) => ({
          model: model || null,
          inputUsage: u.inputUsage,
          outputUsage: u.outputUsage,
          totalUsage: u.inputUsage + u.outputUsage,
          countObservations: u.observations,
          countTraces: u.traces,
          totalCost: Math.round(u.costUsd * 1e6) / 1e6,
        }));
        return {
          date,
          countTraces: usage.reduce((s, x) => s + x.countTraces, 0),
          countObservations: usage.reduce((s, x) => s + x.countObservations, 0),
          totalCost: Math.round(usage.reduce((s, x) => s + x.totalCost, 0) * 1e6) / 1e6,
          usage,
        };
      });
  }
}
