/** The simulated Docker Engine API, driven by dockerode (the real client library) over the unix socket. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { ADMIN_TOKEN, put, shape, startSimulator } from './helpers';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

describe('simulated Docker Engine API', () => {
  let s: Awaited<ReturnType<typeof startSimulator>>;
  let docker: Docker;
  beforeAll(async () => {
    s = await startSimulator();
    docker = new Docker({ socketPath: s.sim.docker.socketPath });
    await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T14:35:00Z"}');
  });
  afterAll(async () => {
    await s.stop();
    s.cleanup();
  });

  it('answers ping and version, also on versioned paths and over TCP', async () => {
    expect(String(await docker.ping())).toBe('OK');
    expect((await docker.version()).ApiVersion).toBe('1.52');
    const tcp = await fetch(`${s.sim.docker.tcpUrl}/v1.43/info`);
    expect(((await tcp.json()) as { NCPU: number }).NCPU).toBe(224);
  });

  it('lists containers with the fixture summary shape, filtered by label and status', async () => {
    const all = await docker.listContainers({ all: true });
    expect(all).toHaveLength(15);
    const real = fixture('docker-containers.json')[0];
    const llama = all.find((c) => c.Names[0] === '/vllm-llama70b')!;
    expect(shape(llama, { depth: 2, arrays: false }).filter((k) => !k.startsWith('.Labels.'))).toEqual(
      shape(real, { depth: 2, arrays: false }).filter((k) => !k.startsWith('.Labels.')),
    );
    const vllm = await docker.listContainers({ filters: { label: ['vllm=true'] } });
    expect(vllm.map((c) => c.Names[0]).sort()).toEqual([
      '/vllm-embed',
      '/vllm-llama70b',
      '/vllm-llama8b',
      '/vllm-mixtral',
      '/vllm-qwen72b',
    ]);
    expect(llama.Labels['io.llmmon.mock']).toBe('true');
  });

  it('inspects with GPUs from DeviceRequests and a published port where the vLLM server answers', async () => {
    const info = await docker.getContainer('vllm-llama70b').inspect();
    const real = fixture('docker-inspect-vllm-llama70b.json');
    const noLabels = (keys: string[]) => keys.filter((k) => !k.startsWith('.Config.Labels.'));
    expect(noLabels(shape(info, { depth: 2, arrays: false }))).toEqual(
      noLabels(shape(real, { depth: 2, arrays: false })),
    );
    expect(info.HostConfig.DeviceRequests![0]!.DeviceIDs).toEqual(['0', '1']);
    const port = info.NetworkSettings.Ports['8000/tcp']![0]!.HostPort;
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    await expect(docker.getContainer('nope').inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('gives one-shot stats in the fixture shape, with pids limit 2^64-1 written exactly', async () => {
    const stats = (await docker.getContainer('vllm-llama70b').stats({ stream: false })) as unknown as Record<
      string,
      unknown
    >;
    const real = fixture('docker-stats-vllm-llama70b.json');
    expect(
      shape(stats, { depth: 2, arrays: false }).filter((k) => !k.startsWith('.memory_stats.stats')),
    ).toEqual(shape(real, { depth: 2, arrays: false }).filter((k) => !k.startsWith('.memory_stats.stats')));
    const raw = await (
      await fetch(`${s.sim.docker.tcpUrl}/containers/vllm-llama70b/stats?stream=false`)
    ).text();
    expect(raw).toContain('"limit":18446744073709551615');
  });

  it('serves multiplexed logs that dockerode demultiplexes, with tail and timestamps', async () => {
    const buf = (await docker
      .getContainer('vllm-llama70b')
      .logs({ stdout: true, stderr: true, tail: 10, timestamps: true })) as unknown as Buffer;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    stdout.on('data', (c: Buffer) => out.push(c.toString()));
    stderr.on('data', (c: Buffer) => out.push(c.toString()));
    // Feed the raw multiplexed bytes through dockerode's own demuxer.
    const source = new PassThrough();
    docker.modem.demuxStream(source, stdout, stderr);
    source.end(buf);
    await new Promise((r) => setImmediate(r));
    const lines = out.join('').trim().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^2025-11-18T14:3\d:\d\d\.\d{9}Z (INFO|WARNING|ERROR)/);
  });

  it('follows logs as the simulated clock moves', async () => {
    const stream = (await docker
      .getContainer('litellm')
      .logs({ stdout: true, stderr: true, follow: true, tail: 0 })) as unknown as NodeJS.ReadableStream & {
      destroy(): void;
    };
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    await put(`${s.url}/api/v1/clock`, '{"mode":"manual","time":"2025-11-18T14:36:00Z"}');
    await new Promise((r) => setTimeout(r, 1200));
    stream.destroy();
    const text = Buffer.concat(chunks).toString();
    // 60 s of a 5 s-period container: about a dozen new lines.
    expect(text.match(/litellm:/g)?.length).toBeGreaterThanOrEqual(10);
  });

  it('streams events for restarts, in the fixture event shape', async () => {
    const since = Math.floor(s.sim.world.timeMs / 1000);
    await put(`${s.url}/api/v1/scenario`, '{"scenario":"container_restart_loop"}');
    const twoMinutesLater = new Date(s.sim.world.timeMs + 120_000).toISOString();
    await put(`${s.url}/api/v1/clock`, JSON.stringify({ mode: 'manual', time: twoMinutesLater }));
    const until = Math.floor(s.sim.world.timeMs / 1000);
    const res = await fetch(
      `${s.sim.docker.tcpUrl}/events?since=${since}&until=${until}&filters=${encodeURIComponent('{"event":["die","start"]}')}`,
    );
    const events = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const real = readFileSync(join(FIXTURES, 'docker-events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))[0];
    expect(Object.keys(events[0]).sort()).toEqual(Object.keys(real).sort());
    const llama8b = events.filter((e) => e.Actor.Attributes.name === 'vllm-llama8b');
    expect(llama8b.filter((e) => e.Action === 'die')).toHaveLength(4); // every 30 s for 2 minutes
    expect(llama8b.filter((e) => e.Action === 'die')[0].Actor.Attributes.exitCode).toBe('137');
    expect((await docker.getContainer('vllm-llama8b').inspect()).RestartCount).toBe(4);
    await put(`${s.url}/api/v1/scenario`, '{"scenario":"normal"}');
  });

  it('removes a container like docker rm -f: kill, die, destroy; gone from list and inspect', async () => {
    const since = Math.floor(s.sim.world.timeMs / 1000);
    const remove = (name: string, token = ADMIN_TOKEN) =>
      fetch(`${s.url}/api/v1/containers/${name}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await remove('grafana', 'wrong-token-0123456789')).status).toBe(403);
    expect(await (await remove('grafana')).json()).toEqual({ removed: 'grafana' });
    expect((await remove('grafana')).status).toBe(404);
    const conflict = await remove('vllm-llama70b');
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: 'conflict' });
    expect((await docker.listContainers({ all: true })).map((c) => c.Names[0])).not.toContain('/grafana');
    await expect(docker.getContainer('grafana').inspect()).rejects.toMatchObject({ statusCode: 404 });
    const until = Math.floor(s.sim.world.timeMs / 1000);
    const events = (await (await fetch(`${s.sim.docker.tcpUrl}/events?since=${since}&until=${until}`)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { Action: string; Actor: { Attributes: Record<string, string> } })
      .filter((e) => e.Actor.Attributes['name'] === 'grafana');
    expect(events.map((e) => e.Action)).toEqual(['kill', 'die', 'destroy']);
  });

  it("lets tests hang one container's stats calls and cut the event streams", async () => {
    const bad = await put(`${s.url}/api/v1/docker/faults`, '{"hang_stats":["nope"]}');
    expect(bad.status).toBe(400);
    expect(await (await put(`${s.url}/api/v1/docker/faults`, '{"hang_stats":["redis"]}')).json()).toEqual({
      hang_stats: ['redis'],
    });
    const hung = fetch(`${s.sim.docker.tcpUrl}/containers/redis/stats?stream=false`, {
      signal: AbortSignal.timeout(500),
    });
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    const other = await fetch(`${s.sim.docker.tcpUrl}/containers/postgres/stats?stream=false`);
    expect(other.status).toBe(200);
    await put(`${s.url}/api/v1/docker/faults`, '{"hang_stats":[]}');

    const stream = (await docker.getEvents()) as NodeJS.ReadableStream;
    const ended = new Promise((resolve) => {
      stream.on('end', resolve);
      stream.on('error', resolve);
      stream.on('close', resolve);
    });
    const cut = await fetch(`${s.url}/api/v1/docker/events/cut`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(((await cut.json()) as { cut: number }).cut).toBeGreaterThanOrEqual(1);
    await ended;
  });
});
