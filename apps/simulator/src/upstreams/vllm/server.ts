import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ModelState, World } from '../../world/world';
import { close, json, listen } from '../http';
import { renderVllmMetrics } from './render';

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** GET /v1/models as vLLM's OpenAI server answers it (ModelCard + ModelPermission). */
function modelsBody(m: ModelState, createdSeconds: number) {
  return {
    object: 'list',
    data: [
      {
        id: m.spec.model,
        object: 'model',
        created: createdSeconds,
        owned_by: 'vllm',
        root: m.spec.model,
        parent: null,
        max_model_len: m.spec.maxModelLen,
        permission: [
          {
            id: `modelperm-${m.spec.container.replace(/[^a-z0-9]/g, '')}0000000000000000`.slice(0, 42),
            object: 'model_permission',
            created: createdSeconds,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      },
    ],
  };
}

/**
 * One OpenAI-compatible vLLM server per simulated vLLM container, each on its own loopback
 * port: /metrics in that container's version style, /v1/models, /health, /version. A stopped
 * or still-loading container refuses connections, as the real API server is not up then.
 */
export class VllmServers {
  private readonly servers: { model: ModelState; server: Server; url?: string }[] = [];

  constructor(
    private readonly world: World,
    private readonly host: string,
    /** First port; instance i listens on basePort + i (0: an ephemeral port each). */
    private readonly basePort: number,
  ) {}

  async start(): Promise<void> {
    for (const [i, model] of this.world.models.entries()) {
      const server = createServer((req, res) => this.handle(model, req, res));
      const url = await listen(server, this.host, this.basePort === 0 ? 0 : this.basePort + i);
      this.servers.push({ model, server, url });
    }
  }

  /** Where each instance answers, by container name. */
  endpoints(): { container: string; model: string; version: string; url: string }[] {
    return this.servers.map((s) => ({
      container: s.model.spec.container,
      model: s.model.spec.model,
      version: s.model.spec.version,
      url: s.url!,
    }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map(({ server }) => close(server)));
    this.servers.length = 0;
  }

  private handle(m: ModelState, req: IncomingMessage, res: ServerResponse): void {
    const container = this.world.container(m.spec.container)!;
    if (container.status !== 'running' || m.status === 'loading' || m.status === 'stopped') {
      req.socket.destroy(); // nothing listens inside the container yet
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return json(res, 405, { detail: 'Method Not Allowed' });
    switch (path) {
      case '/metrics': {
        const text = renderVllmMetrics(m, this.world);
        res.writeHead(200, { 'content-type': PROMETHEUS_TEXT, 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      case '/health':
        res.writeHead(m.status === 'failed' ? 503 : 200, { 'content-length': 0 });
        res.end();
        return;
      case '/v1/models':
        return json(res, 200, modelsBody(m, Math.floor(container.startedMs / 1000)));
      case '/version':
        // llmmon_mock: the mark exporters turn into mock="true" (real vLLM sends only the version).
        return json(res, 200, { version: m.spec.version.replace(/^v/, ''), llmmon_mock: true });
      default:
        return json(res, 404, { detail: 'Not Found' });
    }
  }
}
