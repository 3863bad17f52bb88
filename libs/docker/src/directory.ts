import type Dockerode from 'dockerode';
import type { Source, Upstream } from '@llmmon/metrics-core';
import { assignedGpus } from './gpus';

export interface ContainerInfo {
  /** Full 64-hex id. */
  readonly id: string;
  readonly name: string;
  readonly image: string;
  /** The image tag (or digest), e.g. v0.11.0; "latest" when the reference has none. */
  readonly imageVersion: string;
  readonly composeService: string;
  readonly composeProject: string;
  readonly state: string;
  readonly health: string;
  readonly restartCount: number;
  readonly startedAt: string;
  readonly exitCode: number;
  readonly gpus: string[] | 'all';
  /** Marked as simulated (label io.llmmon.mock=true). */
  readonly mock: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** Everything else, for exporters that need more (ports, networks, command). */
  readonly inspect: Dockerode.ContainerInspectInfo;
}

export interface DirectoryOptions {
  /** Client for list/inspect calls (give it a request timeout). */
  readonly docker: Dockerode;
  /** Client for the event stream (no timeout: the stream is meant to stay open). */
  readonly events: Dockerode;
  /** Where its health is reported (llmmon_upstream_*{upstream="docker"}), failures logged once. */
  readonly upstream: Upstream;
  /** The engine's address, for the /ready detail. */
  readonly address?: string;
  /** /ready waits for the list (default); false where Docker only adds names. */
  readonly gatesReadiness?: boolean;
  /** Concurrent inspect calls during a full sync. */
  readonly concurrency?: number;
  readonly backoffMs?: { readonly min: number; readonly max: number };
}

/** Actions after which a container is inspected again (Docker event names). */
const REFRESH_ACTIONS = /^(create|start|restart|die|stop|kill|oom|pause|unpause|rename|update|health_status)/;

export function imageVersion(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return image.slice(at + 1);
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}

export function toContainerInfo(i: Dockerode.ContainerInspectInfo): ContainerInfo {
  const labels = i.Config?.Labels ?? {};
  return {
    id: i.Id,
    name: i.Name.replace(/^\//, ''),
    image: i.Config?.Image ?? '',
    imageVersion: imageVersion(i.Config?.Image ?? ''),
    composeService: labels['com.docker.compose.service'] ?? '',
    composeProject: labels['com.docker.compose.project'] ?? '',
    state: i.State?.Status ?? 'unknown',
    health: i.State?.Health?.Status ?? 'none',
    restartCount: i.RestartCount ?? 0,
    startedAt: i.State?.StartedAt ?? '',
    exitCode: i.State?.ExitCode ?? 0,
    gpus: assignedGpus(i as never),
    mock: labels['io.llmmon.mock'] === 'true',
    labels,
    inspect: i,
  };
}

/**
 * Every container on the host, inspected, kept current by the Docker event stream instead of
 * listing on every scrape. After any gap in the stream (Docker restarted, socket hiccup) it
 * reconnects with backoff and resynchronises in full, so missed events cannot leave it stale.
 * A source of the exporters that read Docker: ready while the list is current.
 */
export class ContainerDirectory implements Source {
  private readonly containers = new Map<string, ContainerInfo>();
  private stream: NodeJS.ReadableStream | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private stopped = false;
  private backoff = 0;
  private following = false;
  /** Completed full syncs and events handled (the container exporter's docker collector). */
  readonly stats = { syncs: 0, events: 0 };

  constructor(private readonly opts: DirectoryOptions) {}

  get name(): string {
    return this.opts.upstream.name;
  }

  ready(): { ready: boolean; detail?: string } {
    if (this.following || this.opts.gatesReadiness === false) return { ready: true };
    return { ready: false, detail: `Docker at ${this.opts.address ?? 'its socket'} is not reachable` };
  }

  /** True while the list is current: synced in full and following the event stream. */
  get connected(): boolean {
    return this.following;
  }

  /** Loads every container, then follows events. Rejects if Docker cannot be reached at all. */
  async connect(): Promise<void> {
    await this.resync();
    await this.follow();
  }

  /** Connects in the background, never rejecting: while Docker is unreachable it retries with backoff. */
  start(): void {
    this.stopped = false;
    this.connect().catch((err: unknown) => {
      this.opts.upstream.failed(err);
      if (!this.stopped) this.scheduleReconnect();
    });
  }

  stop(): void {
    this.stopped = true;
    this.following = false;
    clearTimeout(this.reconnect);
    (this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
  }

  /** The Docker client (with its call timeout), for other calls of the same exporter (stats). */
  get client(): Dockerode {
    return this.opts.docker;
  }

  /** By full id, a prefix of at least 12 characters, or name. */
  get(idOrName: string): ContainerInfo | undefined {
    const exact = this.containers.get(idOrName);
    if (exact) return exact;
    for (const c of this.containers.values()) {
      if (c.name === idOrName.replace(/^\//, '') || (idOrName.length >= 12 && c.id.startsWith(idOrName)))
        return c;
    }
    return undefined;
  }

  list(): ContainerInfo[] {
    return [...this.containers.values()];
  }

  async resync(): Promise<void> {
    const started = Date.now();
    const summaries = await this.opts.docker.listContainers({ all: true });
    const fresh = new Map<string, ContainerInfo>();
    const queue = [...summaries];
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const info = await this.inspect(s.Id);
        if (info) fresh.set(info.id, info);
      }
    };
    await Promise.all(Array.from({ length: this.opts.concurrency ?? 8 }, worker));
    this.containers.clear();
    for (const [id, info] of fresh) this.containers.set(id, info);
    this.stats.syncs++;
    this.opts.upstream.retainParts(new Set(fresh.keys()));
    this.opts.upstream.succeeded({ durationMs: Date.now() - started });
  }

  /** undefined when the container no longer exists. */
  private async inspect(id: string): Promise<ContainerInfo | undefined> {
    try {
      return toContainerInfo(await this.opts.docker.getContainer(id).inspect());
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  private async follow(): Promise<void> {
    const stream = (await this.opts.events.getEvents({
      filters: { type: ['container'] },
    })) as NodeJS.ReadableStream;
    this.stream = stream;
    this.backoff = 0;
    this.following = true;
    let pending = '';
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) void this.onEvent(line);
      }
    });
    const gone = (err?: unknown) => {
      if (this.stopped || this.stream !== stream) return;
      this.stream = undefined;
      this.following = false;
      this.opts.upstream.failed(
        err ?? Object.assign(new Error('docker event stream ended'), { code: 'ECONNRESET' }),
      );
      this.scheduleReconnect();
    };
    stream.on('error', gone);
    stream.on('end', () => gone());
    stream.on('close', () => gone());
  }

  private scheduleReconnect(): void {
    const { min, max } = this.opts.backoffMs ?? { min: 500, max: 30_000 };
    this.backoff = Math.min(max, this.backoff ? this.backoff * 2 : min);
    this.reconnect = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.opts.upstream.failed(err);
        if (!this.stopped) this.scheduleReconnect();
      });
    }, this.backoff);
    this.reconnect.unref();
  }

  private async onEvent(line: string): Promise<void> {
    let e: { Type?: string; Action?: string; Actor?: { ID?: string } };
    try {
      e = JSON.parse(line);
    } catch {
      return; // not an event line
    }
    const id = e.Actor?.ID;
    if (e.Type !== 'container' || !id || !e.Action) return;
    this.stats.events++;
    // Docker says `destroy`; podman's Docker API says `remove` (after its own `cleanup`).
    if (e.Action === 'destroy' || e.Action === 'remove') {
      this.containers.delete(id);
      return;
    }
    if (!REFRESH_ACTIONS.test(e.Action)) return;
    try {
      const info = await this.inspect(id);
      if (info) this.containers.set(info.id, info);
      else this.containers.delete(id);
      this.opts.upstream.succeeded({ part: id });
    } catch (err) {
      // This container stays as it was until the next event or resync; Docker itself answers.
      this.opts.upstream.failed(err, { part: id });
    }
  }
}
