/** The container directory against the simulator's Docker Engine API (the built simulator, as a process). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { silentLogger, UpstreamHealth, type Upstream } from '@llmmon/metrics-core';
import { startSimulator, type RunningSimulator } from '@llmmon/native-stack';
import { ContainerDirectory, parseDockerHost } from '../src';

async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ContainerDirectory', () => {
  let sim: RunningSimulator;
  let dir: ContainerDirectory;
  let upstream: Upstream;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmmon-dir-'));
  const put = (path: string, body: object) => sim.put(path, body);

  beforeAll(async () => {
    sim = await startSimulator({
      root: join(__dirname, '../../..'),
      dataDir,
      env: { SIM_CLOCK: 'manual', SIM_START_TIME: '2025-11-18T14:30:00Z' },
    });
    const socket = sim.upstreams.docker.socket;
    upstream = new UpstreamHealth('test', silentLogger()).upstream('docker');
    dir = new ContainerDirectory({
      docker: new Docker({ socketPath: socket, timeout: 5000 }),
      events: new Docker({ socketPath: socket }),
      upstream,
      backoffMs: { min: 50, max: 1000 },
    });
    await dir.connect();
    expect(upstream.up).toBe(true);
  });

  afterAll(async () => {
    dir?.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('knows every container with name, image version, compose service, GPUs and the mock mark', () => {
    expect(dir.list()).toHaveLength(15);
    const llama = dir.get('vllm-llama70b')!;
    expect(llama).toMatchObject({
      imageVersion: 'v0.20.1',
      composeService: 'vllm-llama70b',
      composeProject: 'llmstack',
      gpus: ['0', '1'],
      mock: true,
      state: 'running',
    });
    expect(dir.get(llama.id.slice(0, 12))).toBe(llama);
    expect(dir.get('litellm')!.gpus).toEqual([]);
  });

  it('follows restarts through the event stream, without listing again', async () => {
    const syncs = dir.stats.syncs;
    expect((await put('/api/v1/scenario', { scenario: 'container_restart_loop' })).status).toBe(200);
    expect((await put('/api/v1/clock', { mode: 'manual', time: '2025-11-18T14:32:00Z' })).status).toBe(200);
    await waitFor(() => dir.get('vllm-llama8b')!.restartCount === 4, 'four restarts');
    expect(dir.stats.events).toBeGreaterThan(0);
    expect(dir.stats.syncs).toBe(syncs);
  });

  it('reconnects after losing the stream, resynchronising in full', async () => {
    const syncs = dir.stats.syncs;
    expect(dir.connected).toBe(true);
    expect((await sim.control('POST', '/api/v1/docker/events/cut')).status).toBe(200);
    await waitFor(() => !dir.connected, 'the loss to show');
    expect(upstream.up).toBe(false);
    expect(upstream.errors.get('network')).toBe(1);
    await waitFor(() => dir.stats.syncs === syncs + 1 && dir.connected, 'a resync and a new stream');
    expect(upstream.up).toBe(true);
    expect((await put('/api/v1/scenario', { scenario: 'maintenance' })).status).toBe(200);
    await waitFor(() => dir.get('vllm-llama8b')!.state === 'exited', 'the stopped container');
  });

  it('drops a removed container on its destroy event', async () => {
    expect(dir.get('loki')).toBeDefined();
    expect((await sim.control('DELETE', '/api/v1/containers/loki')).status).toBe(200);
    await waitFor(() => dir.get('loki') === undefined, 'loki to go');
  });
});

describe('parseDockerHost', () => {
  it('reads the forms the docker CLI accepts for a local engine', () => {
    expect(parseDockerHost('unix:///var/run/docker.sock')).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(parseDockerHost('tcp://127.0.0.1:2375')).toEqual({
      host: '127.0.0.1',
      port: 2375,
      protocol: 'http',
    });
    expect(parseDockerHost('http://[::1]:2375/')).toEqual({ host: '::1', port: 2375, protocol: 'http' });
  });

  it.each(['unix://relative.sock', 'tcp://host', 'https://h:2376', 'ssh://u@h', 'tcp://h:99999'])(
    'refuses %s with what it expects',
    (raw) => expect(() => parseDockerHost(raw)).toThrow(/expected/),
  );
});
