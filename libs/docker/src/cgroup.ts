import { readFile } from 'node:fs/promises';

/**
 * The container a process belongs to, from its /proc/<pid>/cgroup. Handles cgroup v1
 * (`12:memory:/docker/<id>`), v2 with the systemd driver (`0::/system.slice/docker-<id>.scope`)
 * or the cgroupfs driver (`0::/docker/<id>`), containerd (`cri-containerd-<id>.scope`) and
 * podman (`libpod-<id>.scope`). A host process has none.
 */
const CONTAINER_ID = /(?:docker|cri-containerd|libpod|crio)[-/]([0-9a-f]{64})(?:\.scope)?(?:\/|$)/;

export function containerIdFromCgroup(text: string): string | undefined {
  for (const line of text.split('\n')) {
    // hierarchy-ID:controller-list:cgroup-path; the path may itself contain colons.
    const path = line.split(':').slice(2).join(':');
    const m = CONTAINER_ID.exec(path);
    if (m) return m[1];
  }
  return undefined;
}

/** Reads <procfs>/<pid>/cgroup; undefined when the process is gone or is not in a container. */
export async function containerIdOfPid(procfs: string, pid: number): Promise<string | undefined> {
  try {
    return containerIdFromCgroup(await readFile(`${procfs}/${pid}/cgroup`, 'utf8'));
  } catch {
    return undefined;
  }
}
