import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { safeEqual } from '@llmmon/metrics-core';
import type { World } from '../../world/world';
import { close, json, listen } from '../http';
import { MODEL_INFO_TEMPLATE } from './model-info-template';
import { apiBase, modelId, renderLitellmMetrics } from './render';
import { SpendLogQueryError, spendLogs } from './spend-logs';

export const LITELLM_VERSION = '1.79.1';

/** `GET /model/info`: every model group with its deployment, mode and prices. */
export function modelInfo(w: World, apiBaseKey?: string) {
  return {
    data: w.models.map(({ spec: v }) => {
      const t = structuredClone(MODEL_INFO_TEMPLATE) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      const model = `hosted_vllm/${v.model}`;
      t['model_name'] = v.alias;
      Object.assign(t['litellm_params'], {
        api_base: apiBase(v.container, apiBaseKey),
        model,
        input_cost_per_token: v.inputCostPerToken ?? null,
        output_cost_per_token: v.outputCostPerToken ?? null,
      });
      if (v.inputCostPerToken === undefined) {
        delete t['litellm_params'].input_cost_per_token;
        delete t['litellm_params'].output_cost_per_token;
      }
      Object.assign(t['model_info'], {
        id: modelId(v.alias),
        key: model,
        mode: v.kind,
        max_input_tokens: v.maxModelLen,
        input_cost_per_token: v.inputCostPerToken ?? 0,
        output_cost_per_token: v.outputCostPerToken ?? 0,
      });
      return t;
    }),
  };
}

/**
 * The LiteLLM proxy's admin surface: /model/info, /health and /metrics need the master key
 * (Bearer; /metrics as since LiteLLM 1.85, where `require_auth_for_metrics_endpoint` became the
 * default), /health/readiness and /health/liveliness do not, as on the real proxy.
 */
export class LitellmServer {
  private server: Server | undefined;
  url: string | undefined;

  constructor(
    private readonly world: World,
    private readonly host: string,
    private readonly port: number,
    private readonly masterKey: string,
    /** Mock only: a key written into every api_base, as a careless config would. */
    private readonly apiBaseKey?: string,
    /** Whether the prometheus callback is on (/metrics served); off, /metrics is 404 as on such a proxy. */
    private readonly metricsEnabled = true,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.url = await listen(this.server, this.host, this.port);
  }

  stop(): Promise<void> {
    return close(this.server);
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers['authorization'] ?? req.headers['x-litellm-api-key'] ?? '';
    const token = String(header).replace(/^Bearer\s+/i, '');
    return token !== '' && safeEqual(token, this.masterKey);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const [path, query] = (req.url ?? '/').split('?') as [string, string | undefined];
    const w = this.world;
    const litellm = w.container('litellm')!;
    if (litellm.status !== 'running') {
      req.socket.destroy();
      return;
    }
    if (path === '/health/liveliness' || path === '/health/liveness') return json(res, 200, "I'm alive!");
    if (path === '/health/readiness') {
      return json(res, 200, {
        status: 'connected',
        db: 'connected',
        cache: null,
        litellm_version: LITELLM_VERSION,
        success_callbacks: ['langfuse', 'prometheus', '_PROXY_track_cost_callback', 'ServiceLogging'],
        use_aiohttp_transport: true,
        last_updated: new Date(w.timeMs).toISOString().replace('Z', ''),
        llmmon_mock: true, // not in the real proxy's answer: marks mock data
      });
    }
    if (path === '/metrics' && !this.metricsEnabled) return json(res, 404, { detail: 'Not Found' });
    if (path === '/metrics') {
      // The proxy's metrics middleware answers a JSON string, not its usual error object.
      if (!this.authorized(req))
        return json(
          res,
          401,
          'Unauthorized access to metrics endpoint: Authentication Error, No api key passed in.',
        );
      let text = renderLitellmMetrics(w);
      // The api_base labels carry the key too when one is configured, as the real proxy's would.
      if (this.apiBaseKey)
        text = text.replaceAll(':8000/v1"', `:8000/v1?api_key=${encodeURIComponent(this.apiBaseKey)}"`);
      res.writeHead(200, {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    if (path === '/model/info' || path === '/health' || path === '/spend/logs/v2') {
      if (!this.authorized(req)) {
        return json(res, 401, {
          error: {
            message: 'Authentication Error, No api key passed in.',
            type: 'auth_error',
            param: 'None',
            code: '401',
          },
        });
      }
      if (path === '/model/info') return json(res, 200, modelInfo(w, this.apiBaseKey));
      if (path === '/spend/logs/v2') {
        try {
          return json(res, 200, spendLogs(w, new URLSearchParams(query ?? '')));
        } catch (err) {
          if (err instanceof SpendLogQueryError) return json(res, 422, { detail: err.message });
          throw err;
        }
      }
      const healthy: unknown[] = [];
      const unhealthy: unknown[] = [];
      for (const m of w.models) {
        const v = m.spec;
        const entry = {
          api_base: apiBase(v.container, this.apiBaseKey),
          model: `hosted_vllm/${v.model}`,
          ...(v.kind === 'embedding' ? { mode: 'embedding' } : {}),
        };
        if (m.status === 'ready' || m.status === 'draining') healthy.push(entry);
        else {
          unhealthy.push({
            ...entry,
            error: `litellm.APIConnectionError: Hosted_vllmException - Cannot connect to host ${v.container}:8000 ssl:default [Connect call failed]\nReceived Model Group=${v.alias}\nAvailable Model Group Fallbacks=None`,
          });
        }
      }
      return json(res, 200, {
        healthy_endpoints: healthy,
        unhealthy_endpoints: unhealthy,
        healthy_count: healthy.length,
        unhealthy_count: unhealthy.length,
      });
    }
    json(res, 404, { detail: 'Not Found' });
  }
}
