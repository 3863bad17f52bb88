import type Router from '@koa/router';
import { HttpError, type Logger, type RouteHelpers } from '@llmmon/metrics-core';
import type { DockerApi } from '../upstreams/docker/server';
import type { World } from '../world/world';
import { readJsonBody } from './body';

/**
 * Container removal and the simulated engine's transport faults, for exporter tests: what
 * scenarios cannot express because it is not the world's state but the Docker socket's.
 */
export function dockerControlRoutes(
  router: Router,
  { control }: RouteHelpers,
  deps: { world: World; docker: DockerApi; logger: Logger },
): void {
  const { world, docker, logger } = deps;

  router.delete('/api/v1/containers/:name', ...control, (ctx) => {
    const name = ctx.params['name']!;
    const result = world.removeContainer(name);
    if (result === 'not_found') throw new HttpError(404, 'not_found', `no container named ${name}`);
    if (result === 'runs_an_upstream') {
      throw new HttpError(409, 'conflict', `${name} runs a simulated upstream; stop it with a scenario`);
    }
    docker.hungStats.delete(name);
    logger.info({ container: name }, 'container removed');
    ctx.body = { removed: name };
  });

  const faults = () => ({ hang_stats: [...docker.hungStats].sort() });
  router.get('/api/v1/docker/faults', (ctx) => {
    ctx.body = faults();
  });
  router.put('/api/v1/docker/faults', ...control, async (ctx) => {
    const body = (await readJsonBody(ctx)) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'invalid_request', 'body: expected a JSON object {hang_stats: [names]}');
    }
    const { hang_stats: hang, ...rest } = body;
    const extra = Object.keys(rest)[0];
    if (extra) throw new HttpError(400, 'invalid_request', `${extra}: unknown field`);
    if (!Array.isArray(hang) || hang.some((n) => typeof n !== 'string')) {
      throw new HttpError(400, 'invalid_request', 'hang_stats: expected an array of container names');
    }
    const unknown = (hang as string[]).find((n) => !world.container(n));
    if (unknown) throw new HttpError(400, 'invalid_request', `hang_stats: no container named ${unknown}`);
    docker.hungStats.clear();
    for (const n of hang as string[]) docker.hungStats.add(n);
    logger.info(faults(), 'docker faults set');
    ctx.body = faults();
  });
  router.post('/api/v1/docker/events/cut', ...control, (ctx) => {
    const cut = docker.cutEventStreams();
    logger.info({ cut }, 'docker event streams cut');
    ctx.body = { cut };
  });
}
