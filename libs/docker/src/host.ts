import Docker from 'dockerode';
import { env, type UpstreamHealth } from '@llmmon/metrics-core';
import { ContainerDirectory } from './directory';

/** Where the Docker Engine API answers, from a DOCKER_HOST value. */
export type DockerEndpoint =
  | { readonly socketPath: string }
  | { readonly host: string; readonly port: number; readonly protocol: 'http' };

/**
 * Parses DOCKER_HOST as the docker CLI writes it: `unix:///var/run/docker.sock`,
 * `tcp://127.0.0.1:2375` or `http://…` (TLS endpoints are not supported: the exporters read
 * a local engine). Throws an Error saying what is expected.
 */
export function parseDockerHost(raw: string): DockerEndpoint {
  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new Error('expected unix:///absolute/path/to/docker.sock');
    return { socketPath };
  }
  const m = /^(?:tcp|http):\/\/([^/:]+|\[[^\]]+\]):(\d{1,5})\/?$/.exec(raw);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new Error('expected unix:///path/docker.sock, tcp://host:port or http://host:port');
  }
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port, protocol: 'http' };
}

/** The endpoint as DOCKER_HOST writes it, for logs and readiness details. */
export function dockerAddress(e: DockerEndpoint): string {
  return 'socketPath' in e ? `unix://${e.socketPath}` : `tcp://${e.host}:${e.port}`;
}

/** The Docker variables of every exporter that reads the Docker API: parsed at start-up. */
export const dockerConfigSchema = {
  DOCKER_HOST: env.parsed(
    'Docker Engine API (read-only use): unix:///path/docker.sock, tcp://host:port or http://host:port.',
    'unix:///var/run/docker.sock',
    parseDockerHost,
  ),
  DOCKER_TIMEOUT_SECONDS: env.seconds('Timeout of each Docker list and inspect call.', 5, {
    min: 0.1,
    max: 60,
  }),
  DOCKER_RECONNECT_MAX_SECONDS: env.seconds(
    'Longest wait between reconnects while Docker is unreachable (the wait doubles from 0.5 s).',
    30,
    { min: 0.1, max: 300 },
  ),
};

/** The container directory of an exporter that reads Docker, reporting as its `docker` upstream. */
export function dockerDirectory(
  c: { DOCKER_HOST: DockerEndpoint; DOCKER_TIMEOUT_SECONDS: number; DOCKER_RECONNECT_MAX_SECONDS: number },
  upstreams: UpstreamHealth,
  opts: { gatesReadiness?: boolean } = {},
): ContainerDirectory {
  const { docker, events } = dockerClients(c.DOCKER_HOST, c.DOCKER_TIMEOUT_SECONDS * 1000);
  return new ContainerDirectory({
    docker,
    events,
    upstream: upstreams.upstream('docker'),
    address: dockerAddress(c.DOCKER_HOST),
    backoffMs: { min: 500, max: c.DOCKER_RECONNECT_MAX_SECONDS * 1000 },
    gatesReadiness: opts.gatesReadiness ?? true,
  });
}

/**
 * Two clients for one endpoint: calls with a timeout, and one without for the event stream,
 * which is meant to stay open (a socket timeout would cut it every few seconds).
 */
export function dockerClients(
  endpoint: DockerEndpoint,
  timeoutMs: number,
): { docker: Docker; events: Docker } {
  return { docker: new Docker({ ...endpoint, timeout: timeoutMs }), events: new Docker({ ...endpoint }) };
}
