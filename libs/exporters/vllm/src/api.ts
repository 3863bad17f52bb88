import type Router from '@koa/router';
import type { Instance } from './discovery';
import type { Reading } from './read';

import { gpuLabel } from '@llmmon/docker';

/**
 * `GET /api/v1/targets`: the instances in Prometheus' http_sd format, so Prometheus can also
 * scrape vLLM directly (`http_sd_configs: [{url: http://vllm-exporter:9902/api/v1/targets}]`).
 * `GET /api/v1/containers`: each instance with what the last scrape found.
 */
export function apiRoutes(
  router: Router,
  deps: { instances: () => readonly Instance[]; latest: () => ReadonlyMap<string, Reading> },
): void {
  router.get('/api/v1/targets', (ctx) => {
    ctx.body = deps
      .instances()
      .filter((i) => i.url && i.state !== 'restarting')
      .map((i) => {
        const r = deps.latest().get(i.container);
        return {
          targets: [new URL(i.url!).host],
          labels: {
            container: i.container,
            vllm_version: r?.version ?? (i.version || 'unknown'),
            model: r?.model ?? '',
            gpus: gpuLabel(i.gpus),
            compose_service: i.composeService,
          },
        };
      });
  });
  router.get('/api/v1/containers', (ctx) => {
    ctx.body = {
      containers: deps.instances().map((i) => {
        const r = deps.latest().get(i.container);
        return {
          container: i.container,
          image: i.image,
          version: r?.version ?? (i.version || 'unknown'),
          model: r?.model ?? null,
          max_model_len: r?.maxModelLen ?? null,
          state: r?.state ?? null,
          up: r ? r.families !== undefined : null,
          error: r?.error?.kind ?? null,
          gpus: i.gpus,
          url: i.url ?? null,
          compose_service: i.composeService,
          mock: r?.mock ?? i.mock,
        };
      }),
    };
  });
}
