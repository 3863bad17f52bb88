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
