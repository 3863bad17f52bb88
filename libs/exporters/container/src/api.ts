import type Router from '@koa/router';
import type { ContainerInfo } from '@llmmon/docker';
import { dockerTimeSeconds, type ContainerList } from './collectors/labels';

/** One container as `GET /api/v1/containers` lists it. */
export function containerJson(c: ContainerInfo, nowMs: number) {
  const started = dockerTimeSeconds(c.startedAt);
  return {
    name: c.name,
    id: c.id.slice(0, 12),
    image: c.image,
    version: c.imageVersion,
    state: c.state,
    health: c.health,
    restarts: c.restartCount,
    uptime_seconds:
      c.state === 'running' && started !== undefined ? Math.max(0, Math.round(nowMs / 1000 - started)) : 0,
    started_at: started === undefined ? null : c.startedAt,
    exit_code: c.exitCode,
    gpus: c.gpus,
    compose_service: c.composeService,
    compose_project: c.composeProject,
    mock: c.mock,
  };
}

/** `GET /api/v1/containers`: every container, sorted by name, for dashboards and scripts. */
export function apiRoutes(router: Router, containers: ContainerList, docker: () => boolean): void {
  router.get('/api/v1/containers', (ctx) => {
    const now = Date.now();
    ctx.body = {
      docker_up: docker(),
      containers: [...containers.list()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((c) => containerJson(c, now)),
    };
  });
}
