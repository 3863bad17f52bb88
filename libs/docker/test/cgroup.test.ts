import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assignedGpus, containerIdFromCgroup, imageVersion } from '../src';
import { FIXTURES_DIR } from '@llmmon/fixtures';

const ID = 'dbc4ae1c5e564e53e9d2c333b800800ad89b71da5cbcc80a64a6e10ead20a1bb';
const cgroup = (name: string) => readFileSync(join(__dirname, 'fixtures/cgroup', name), 'utf8');

describe('process → container id from /proc/<pid>/cgroup', () => {
  it.each([
    'v2-systemd-docker.txt',
    'v2-cgroupfs-docker.txt',
    'v1-cgroupfs-docker.txt',
    'v1-systemd-docker.txt',
    'v2-containerd.txt',
    'v2-podman.txt',
  ])('finds the container in %s', (file) => {
    expect(containerIdFromCgroup(cgroup(file))).toBe(ID);
  });

  it.each(['v2-host-session.txt', 'v1-host.txt', 'malformed.txt'])(
    'finds none for a host process or garbage (%s)',
    (file) => {
      expect(containerIdFromCgroup(cgroup(file))).toBeUndefined();
    },
  );
});

describe('GPU assignment from docker inspect', () => {
  const fixture = JSON.parse(readFileSync(join(FIXTURES_DIR, 'docker-inspect-vllm-llama70b.json'), 'utf8'));

  it('reads DeviceRequests and ignores the CUDA image default NVIDIA_VISIBLE_DEVICES=all', () => {
    expect(fixture.Config.Env).toContain('NVIDIA_VISIBLE_DEVICES=all');
    expect(assignedGpus(fixture)).toEqual(['0', '1']);
  });

  it('understands --gpus all, counts, the legacy nvidia runtime, and no GPUs', () => {
    const req = (r: object) => ({ HostConfig: { DeviceRequests: [r] } });
    expect(assignedGpus(req({ Driver: '', Count: -1, Capabilities: [['gpu']] }))).toBe('all');
    expect(assignedGpus(req({ Driver: 'nvidia', Count: 2 }))).toEqual(['0', '1']);
    expect(assignedGpus(req({ Driver: 'nvidia', DeviceIDs: ['GPU-8b9e'] }))).toEqual(['GPU-8b9e']);
    expect(
      assignedGpus({ HostConfig: { Runtime: 'nvidia' }, Config: { Env: ['NVIDIA_VISIBLE_DEVICES=3,4'] } }),
    ).toEqual(['3', '4']);
    expect(
      assignedGpus({ HostConfig: { Runtime: 'nvidia' }, Config: { Env: ['NVIDIA_VISIBLE_DEVICES=void'] } }),
    ).toEqual([]);
    expect(
      assignedGpus({ HostConfig: { Runtime: 'runc' }, Config: { Env: ['NVIDIA_VISIBLE_DEVICES=all'] } }),
    ).toEqual([]);
    expect(assignedGpus({})).toEqual([]);
  });

  it('takes the image version from the tag or digest', () => {
    expect(imageVersion('vllm/vllm-openai:v0.11.0')).toBe('v0.11.0');
    expect(imageVersion('registry:5000/vllm/vllm-openai')).toBe('latest');
    expect(imageVersion('redis@sha256:abc')).toBe('sha256:abc');
  });
});
