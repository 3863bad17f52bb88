import type { ContainerInfo } from '@llmmon/docker';

/** One vLLM API server to read: a discovered container or a static URL. */
export interface Instance {
  /** Container name, or host:port for a static URL. */
  readonly container: string;
  /** Base URL of the API server; undefined when Docker gives no address for it. */
  readonly url: string | undefined;
  /** The image tag when it names a version (v0.11.0), else "" (then /version tells). */
  readonly version: string;
  readonly gpus: readonly string[] | 'all';
  /** Docker's state (running, restarting), or "static". */
  readonly state: string;
  readonly startedAtMs: number | undefined;
  readonly image: string;
  readonly composeService: string;
  readonly mock: boolean;
}

export interface DiscoveryOptions {
  readonly imagePattern: RegExp;
  readonly port: number;
  readonly address: 'published' | 'container_ip';
  readonly publishedHost: string;
}

const VERSION_TAG = /^v?\d+\.\d+/;

export function isVllm(c: ContainerInfo, imagePattern: RegExp): boolean {
  return c.labels['vllm'] === 'true' || imagePattern.test(c.image);
}

/** Where a container's API server answers, per VLLM_ADDRESS. */
function addressOf(c: ContainerInfo, o: DiscoveryOptions): string | undefined {
  const net = c.inspect.NetworkSettings as
    | {
        Ports?: Record<string, { HostIp: string; HostPort: string }[] | null>;
        Networks?: Record<string, { IPAddress?: string }>;
      }
    | undefined;
  if (o.address === 'published') {
    const port = net?.Ports?.[`${o.port}/tcp`]?.[0]?.HostPort;
    return port ? `http://${o.publishedHost}:${port}` : undefined;
  }
  const ip = Object.values(net?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
  return ip ? `http://${ip}:${o.port}` : undefined;
}

/**
 * The vLLM instances among Docker's containers: labelled vllm=true or with a matching image,
 * and running or restarting (a stopped container is no instance: it leaves the targets).
 */
export function instancesFromContainers(
  containers: readonly ContainerInfo[],
  o: DiscoveryOptions,
): Instance[] {
  return containers
    .filter((c) => isVllm(c, o.imagePattern) && (c.state === 'running' || c.state === 'restarting'))
    .map((c) => {
      const label = c.labels['org.opencontainers.image.version'] ?? '';
      const started = Date.parse(c.startedAt);
      return {
        container: c.name,
        url: addressOf(c, o),
        // A tag like "latest" or a digest names no version; a base image's label (ubuntu 22.04) neither.
        version: VERSION_TAG.test(c.imageVersion)
          ? c.imageVersion
          : (c.labels['vllm.version'] ?? (label && /^v?0\./.test(label) ? label : '')),
        gpus: c.gpus,
        state: c.state,
        startedAtMs: Number.isFinite(started) ? started : undefined,
        image: c.image,
        composeService: c.composeService,
        mock: c.mock,
      };
    })
    .sort((a, b) => a.container.localeCompare(b.container));
}

/** Static URLs (VLLM_URLS), named by host:port. */
export function instancesFromUrls(urls: readonly string[]): Instance[] {
  return urls.map((raw) => {
    const u = new URL(raw);
    return {
      container: u.host,
      url: raw.replace(/\/+$/, ''),
      version: '',
      gpus: [],
      state: 'static',
      startedAtMs: undefined,
      image: '',
      composeService: '',
      mock: false,
    };
  });
}
