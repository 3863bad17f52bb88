import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { dirname } from 'node:path';
import type { ContainerState, World, WorldEvent } from '../../world/world';
import { close, listen } from '../http';
import { frame, logLines } from './logs';
import {
  API_VERSION,
  ENGINE_VERSION,
  containerInspect,
  containerLabels,
  containerStats,
  containerSummary,
  infoBody,
  versionBody,
  type PortMap,
} from './objects';

/** Real-time poll interval of streaming endpoints (follow, stats, events). */
const STREAM_POLL_MS = 500;

const HEADERS = {
  'Api-Version': API_VERSION,
  'Docker-Experimental': 'false',
  Ostype: 'linux',
  Server: `Docker/${ENGINE_VERSION} (linux)`,
};

/** JSON as Docker writes it; pids_stats.limit (2^64-1) cannot survive a JS number. */
const dockerJson = (body: unknown) =>
  JSON.stringify(body).replace(/"limit":18446744073709552000/g, '"limit":18446744073709551615');

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = dockerJson(body);
  res.writeHead(status, {
    ...HEADERS,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(`${text}`);
}

const notFound = (res: ServerResponse, message: string) => send(res, 404, { message });

type Filters = Record<string, string[]>;

/** Docker's `filters` query: {"label":["a=b"]} or the older {"label":{"a=b":true}}. */
function parseFilters(raw: string | null): Filters {
  if (!raw) return {};
  const parsed = JSON.parse(raw) as Record<string, string[] | Record<string, boolean>>;
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [k, Array.isArray(v) ? v : Object.keys(v)]),
  );
}

function matches(c: ContainerState, f: Filters): boolean {
  const labels = containerLabels(c);
  const label = (f['label'] ?? []).every((l) => {
    const [k, v] = l.split('=', 2) as [string, string | undefined];
    return v === undefined ? k in labels : labels[k] === v;
  });
  const status = !f['status'] || f['status'].includes(c.status);
  const name = !f['name'] || f['name'].some((n) => c.spec.name.includes(n.replace(/^\//, '')));
  const id = !f['id'] || f['id'].some((i) => c.id.startsWith(i));
  return label && status && name && id;
}

/** `since`/`until` as Unix seconds (with fractions) or RFC 3339. */
function parseTime(raw: string | null): number | undefined {
  if (!raw) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n * 1000 : Date.parse(raw);
}

/**
 * The Docker Engine API, read-only, on a unix socket and on a loopback TCP port: ping,
 * version, info, containers (list with filters, inspect, stats, multiplexed logs) and the
 * event stream. Versioned paths (/v1.43/…) are accepted.
 */
export class DockerApi {
  private readonly servers: Server[] = [];
  private readonly streams = new Set<ServerResponse>();
  private readonly eventStreams = new Set<ServerResponse>();
  /** Transport faults for exporter tests: containers whose stats calls never answer. */
  readonly hungStats = new Set<string>();
  tcpUrl: string | undefined;

  constructor(
    private readonly world: World,
    readonly socketPath: string,
    private readonly tcpHost: string,
    private readonly tcpPort: number,
    /** Container name → where its published port really answers (the vLLM servers). */
    private readonly published: () => PortMap,
  ) {}

  async start(): Promise<void> {
    mkdirSync(dirname(this.socketPath), { recursive: true });
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath);
    const unix = createServer((req, res) => this.handle(req, res));
    unix.listen(this.socketPath);
    await once(unix, 'listening');
    const tcp = createServer((req, res) => this.handle(req, res));
    this.tcpUrl = await listen(tcp, this.tcpHost, this.tcpPort);
    this.servers.push(unix, tcp);
  }

  async stop(): Promise<void> {
    for (const s of this.streams) s.end();
    await Promise.all(this.servers.map((s) => close(s)));
    this.servers.length = 0;
  }

  /** Ends every open event stream, as a Docker restart or a proxy timeout would; returns how many. */
  cutEventStreams(): number {
    const n = this.eventStreams.size;
    for (const res of this.eventStreams) res.destroy();
    return n;
  }

  private find(idOrName: string): ContainerState | undefined {
    const name = idOrName.replace(/^\//, '');
    return this.world.containers.find(
      (c) => c.spec.name === name || c.id === name || (name.length >= 4 && c.id.startsWith(name)),
    );
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v1\.\d+(?=\/)/, '');
    const q = url.searchParams;
    try {
      if (path === '/_ping' && (req.method === 'GET' || req.method === 'HEAD')) {
        res.writeHead(200, { ...HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
        res.end(req.method === 'HEAD' ? undefined : 'OK');
        return;
      }
      if (req.method !== 'GET') return send(res, 405, { message: 'this simulated engine is read-only' });
      if (path === '/version') return send(res, 200, versionBody());
      if (path === '/info') return send(res, 200, infoBody(this.world));
      if (path === '/events') return this.events(req, res, q);
      if (path === '/containers/json') {
        const filters = parseFilters(q.get('filters'));
        const all = q.get('all') === '1' || q.get('all') === 'true';
        const list = this.world.containers.filter(
          (c) => (all || c.status === 'running') && matches(c, filters),
        );
        return send(
          res,
          200,
          list.map((c) => containerSummary(c, this.world, this.published())),
        );
      }
      const m = /^\/containers\/([^/]+)\/(json|stats|logs)$/.exec(path);
      if (m) {
        const c = this.find(decodeURIComponent(m[1]!));
        if (!c) return notFound(res, `No such container: ${m[1]}`);
        if (m[2] === 'json') return send(res, 200, containerInspect(c, this.world, this.published()));
        if (m[2] === 'stats') return this.stats(req, res, c, q);
        return this.logs(req, res, c, q);
      }
      notFound(res, 'page not found');
    } catch (err) {
      if (err instanceof SyntaxError) return send(res, 400, { message: `invalid filter: ${err.message}` });
      send(res, 500, { message: err instanceof Error ? err.message : String(err) });
    }
  }

  private track(req: IncomingMessage, res: ServerResponse, timer: NodeJS.Timeout): void {
    this.streams.add(res);
    const done = () => {
      clearInterval(timer);
      this.streams.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
  }

  private stats(req: IncomingMessage, res: ServerResponse, c: ContainerState, q: URLSearchParams): void {
    if (this.hungStats.has(c.spec.name)) {
      // Headers never come: the caller's timeout is all that ends it (stop() ends it too).
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
      return;
    }
    const stream = !(q.get('stream') === '0' || q.get('stream') === 'false') && q.get('one-shot') !== 'true';
    const snapshot = () => ({
      cpuNs: Math.round(c.cpuSeconds * 1e9),
      systemNs: Math.round(
        this.world.host.cpuSeconds.reduce((s, cpu) => s + Object.values(cpu).reduce((a, b) => a + b, 0), 0) *
          1e9,
      ),
      readMs: this.world.timeMs,
    });
    if (!stream) {
      // Without streaming, Docker samples twice and fills precpu_stats from the first sample.
      const now = snapshot();
      const earlier = {
        cpuNs: now.cpuNs - Math.round(c.spec.cpuCores * 0.5e9),
        systemNs: now.systemNs - 224e9,
        readMs: now.readMs - 1000,
      };
      return send(
        res,
        200,
        containerStats(c, this.world, q.get('one-shot') === 'true' ? undefined : earlier),
      );
    }
    res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/json' });
    let previous = snapshot();
    res.write(`${dockerJson(containerStats(c, this.world))}\n`);
    const timer = setInterval(() => {
      res.write(`${dockerJson(containerStats(c, this.world, previous))}\n`);
      previous = snapshot();
    }, 1000);
    this.track(req, res, timer);
  }

  private logs(req: IncomingMessage, res: ServerResponse, c: ContainerState, q: URLSearchParams): void {
    const flag = (k: string) => q.get(k) === '1' || q.get(k) === 'true';
    const streams = new Set<number>([...(flag('stdout') ? [1] : []), ...(flag('stderr') ? [2] : [])]);
    if (streams.size === 0) return send(res, 400, { message: 'you must choose at least one stream' });
    const timestamps = flag('timestamps');
    const tailRaw = q.get('tail');
    const tail = tailRaw && tailRaw !== 'all' ? Math.max(0, Number(tailRaw)) : Infinity;
    const since = parseTime(q.get('since')) ?? c.startedMs - 1;
    const until = parseTime(q.get('until')) ?? Infinity;
    res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
    res.flushHeaders(); // a follower with nothing to read yet must still get its response
    let lastMs = since;
    const flush = (limit = Infinity) => {
      const lines = logLines(this.world, c, lastMs, Math.min(until, this.world.timeMs), limit);
      for (const line of lines) if (streams.has(line.stream)) res.write(frame(line, timestamps));
      if (lines.length) lastMs = lines[lines.length - 1]!.timeMs;
      else lastMs = Math.max(lastMs, Math.min(until, this.world.timeMs));
    };
    flush(tail);
    if (!flag('follow') || until <= this.world.timeMs) return void res.end();
    const timer = setInterval(() => {
      flush();
      if (c.status !== 'running' || this.world.timeMs >= until) res.end();
    }, STREAM_POLL_MS);
    this.track(req, res, timer);
  }

  private eventContainer(e: WorldEvent): ContainerState {
    return this.world.container(e.container) ?? this.world.removedContainer(e.container)!;
  }

  private eventJson(e: WorldEvent) {
    const c = this.eventContainer(e);
    return {
      Type: 'container',
      Action: e.action,
      Actor: {
        ID: c.id,
        Attributes: { ...containerLabels(c), image: c.spec.image, name: c.spec.name, ...e.attributes },
      },
      scope: 'local',
      time: Math.floor(e.timeMs / 1000),
      timeNano: e.timeMs * 1e6,
    };
  }

  private events(req: IncomingMessage, res: ServerResponse, q: URLSearchParams): void {
    const filters = parseFilters(q.get('filters'));
    const since = parseTime(q.get('since')) ?? this.world.timeMs;
    const until = parseTime(q.get('until'));
    const wanted = (e: WorldEvent) => {
      const c = this.eventContainer(e);
      const type = !filters['type'] || filters['type'].includes('container');
      const event =
        !filters['event'] || filters['event'].some((a) => e.action === a || e.action.startsWith(`${a}:`));
      const container =
        !filters['container'] || filters['container'].some((x) => x === c.spec.name || c.id.startsWith(x));
      return type && event && container && matches(c, { label: filters['label'] ?? [] });
    };
    res.writeHead(200, { ...HEADERS, 'Content-Type': 'application/json' });
    res.flushHeaders();
    // With `since`, history from then on; without, only what happens from now. New events are
    // tracked by sequence number: several can share one instant, and a manual clock does not
    // move between them.
    const history = q.get('since') !== null;
    let lastSeq = history ? -1 : (this.world.events.at(-1)?.seq ?? -1);
    const flush = () => {
      const limit = until ?? Infinity;
      for (const e of this.world.events) {
        if (e.seq <= lastSeq) continue;
        if (e.timeMs > limit) break;
        lastSeq = e.seq;
        if (e.timeMs >= since && wanted(e)) res.write(`${JSON.stringify(this.eventJson(e))}\n`);
      }
    };
    flush();
    if (until !== undefined && until <= this.world.timeMs) return void res.end();
    const timer = setInterval(() => {
      flush();
      if (until !== undefined && this.world.timeMs >= until) res.end();
    }, STREAM_POLL_MS);
    this.track(req, res, timer);
    this.eventStreams.add(res);
    res.on('close', () => this.eventStreams.delete(res));
  }
}
