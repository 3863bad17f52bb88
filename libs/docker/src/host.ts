import Docker from 'dockerode';

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
