/**
 * The container directory over the real-shaped fixtures: the list (docker-containers.json),
 * the inspect answer (docker-inspect-vllm-llama70b.json) and the event log
 * (docker-events.ndjson: a health check's exec events, a crash, a restart, health changes),
 * replayed through a stand-in for dockerode that answers with exactly those bodies.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { silentLogger, UpstreamHealth } from '@llmmon/metrics-core';
import { ContainerDirectory } from '../src';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const FIXTURES = FIXTURES_DIR;
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const summaries = JSON.parse(read('docker-containers.json')) as Dockerode.ContainerInfo[];
const llama = JSON.parse(read('docker-inspect-vllm-llama70b.json')) as Dockerode.ContainerInspectInfo;
const events = read('docker-events.ndjson').trim().split('\n');

/** An inspect body for a listed container: the fixture's for llama-70b, else built from its summary. */
function inspectOf(id: string, state: { status: string; health?: string }): Dockerode.ContainerInspectInfo {
  if (id === llama.Id) {
    return {
      ...llama,
      State: { ...llama.State, Status: state.status, Health: { Status: state.health ?? 'healthy' } },
    } as never;
  }
  const s = summaries.find((c) => c.Id === id)!;
  return {
    Id: s.Id,
    Name: s.Names[0]!,
    RestartCount: 0,
    Config: { Image: s.Image, Labels: s.Labels, Env: [] },
    State: { Status: s.State, StartedAt: '2025-11-15T09:14:03Z', ExitCode: 0 },
    HostConfig: {},
  } as never;
}

it('loads the listed containers and re-inspects only on lifecycle events, not on health-check execs', async () => {
  const stream = new PassThrough();
  const inspected: string[] = [];
  // llama-70b's state as the event log moves it along.
  let llamaState = { status: 'running', health: 'healthy' };
  const docker = {
    listContainers: async () => summaries,
    getContainer: (id: string) => ({
      inspect: async () => {
        inspected.push(id);
        return inspectOf(id, llamaState);
      },
    }),
    getEvents: async () => stream,
  } as unknown as Dockerode;
  const upstream = new UpstreamHealth('test', silentLogger()).upstream('docker');
  const dir = new ContainerDirectory({ docker, events: docker, upstream });
  await dir.connect();
  expect(upstream.up).toBe(true);
  expect(dir.list()).toHaveLength(15);
  expect(dir.get('vllm-llama70b')).toMatchObject({
    gpus: ['0', '1'],
    imageVersion: 'v0.11.0',
    restartCount: 1,
  });
  inspected.length = 0;

  const settle = () => new Promise((r) => setImmediate(r));
  for (const line of events) {
    const action = (JSON.parse(line) as { Action: string }).Action;
    if (action === 'die') llamaState = { status: 'exited', health: 'unhealthy' };
    if (action === 'start') llamaState = { status: 'running', health: 'starting' };
    if (action.startsWith('health_status: healthy')) llamaState = { status: 'running', health: 'healthy' };
    // Events arrive split across chunks, as on a socket.
    stream.write(line.slice(0, 40));
    stream.write(`${line.slice(40)}\n`);
    await settle();
    if (action === 'die') expect(dir.get('vllm-llama70b')!.state).toBe('exited');
  }
  expect(dir.stats.events).toBe(events.length);
  // exec_create, exec_start and exec_die (the health check every 30 s) cost no inspect call.
  expect(inspected).toEqual(Array(4).fill(llama.Id)); // health unhealthy, die, start, health healthy
  expect(dir.get('vllm-llama70b')).toMatchObject({ state: 'running', health: 'healthy' });
  dir.stop();
});

it("drops a container on podman's `remove` (Docker's `destroy`), and inspects none for its init or cleanup", async () => {
  // A real capture from podman 4.3's Docker API: create, init, start, die, cleanup, remove.
  const podman = read('podman-events.ndjson').trim().split('\n');
  const id = (JSON.parse(podman[0]!) as { Actor: { ID: string } }).Actor.ID;
  let state: { status: string } | undefined = { status: 'running' };
  const inspected: string[] = [];
  const stream = new PassThrough();
  const docker = {
    listContainers: async () => [],
    getContainer: (cid: string) => ({
      inspect: async () => {
        inspected.push(cid);
        if (!state) throw Object.assign(new Error('no such container'), { statusCode: 404 });
        return {
          Id: cid,
          Name: '/evtest',
          RestartCount: 0,
          Config: { Image: 'docker.io/library/busybox:1.37', Labels: {}, Env: [] },
          State: { Status: state.status, StartedAt: '2026-12-06T11:25:42Z', ExitCode: 0 },
          HostConfig: {},
        };
      },
    }),
    getEvents: async () => stream,
  } as unknown as Dockerode;
  const dir = new ContainerDirectory({
    docker,
    events: docker,
    upstream: new UpstreamHealth('test', silentLogger()).upstream('docker'),
  });
  await dir.connect();
  const settle = () => new Promise((r) => setImmediate(r));
  for (const line of podman.slice(0, 4)) {
    if (line.includes('"Action":"die"')) state = { status: 'exited' };
    stream.write(`${line}\n`);
    await settle();
  }
  expect(dir.get('evtest')).toMatchObject({ state: 'exited' });
  // Still inspectable after `die` (podman keeps it until `rm`); the `remove` alone drops it.
  for (const line of podman.slice(4)) {
    stream.write(`${line}\n`);
    await settle();
  }
  expect(dir.get('evtest')).toBeUndefined();
  expect(inspected).toEqual([id, id, id]); // create, start and die; init and cleanup cost nothing
  dir.stop();
});
