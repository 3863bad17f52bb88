/** The parts of `docker inspect` that say which GPUs a container was given. */
export interface GpuRequestFields {
  readonly HostConfig?: {
    readonly DeviceRequests?:
      | readonly {
          Driver?: string;
          Count?: number;
          DeviceIDs?: readonly string[] | null;
          Capabilities?: readonly (readonly string[])[] | null;
        }[]
      | null;
    readonly Runtime?: string;
  };
  readonly Config?: { readonly Env?: readonly string[] | null };
}

/**
 * GPU indexes or UUIDs assigned to a container, `'all'`, or `[]` for none. Compose device
 * reservations and `--gpus` write HostConfig.DeviceRequests; the legacy nvidia runtime reads
 * NVIDIA_VISIBLE_DEVICES. That variable alone means nothing: CUDA base images set it to
 * `all` in every container built on them.
 */
export function assignedGpus(inspect: GpuRequestFields): string[] | 'all' {
  for (const r of inspect.HostConfig?.DeviceRequests ?? []) {
    const gpu = r.Driver === 'nvidia' || (r.Capabilities ?? []).some((caps) => caps.includes('gpu'));
    if (!gpu) continue;
    if (r.DeviceIDs && r.DeviceIDs.length) return [...r.DeviceIDs];
    if (r.Count === -1) return 'all';
    // `--gpus 2` / `count: 2`: dockerd hands the runtime NVIDIA_VISIBLE_DEVICES=0,1, the first
    // n GPUs (moby daemon/nvidia_linux.go, countToDevices).
    if (r.Count && r.Count > 0) return Array.from({ length: r.Count }, (_, i) => String(i));
  }
  if (inspect.HostConfig?.Runtime === 'nvidia') {
    const env = (inspect.Config?.Env ?? []).find((e) => e.startsWith('NVIDIA_VISIBLE_DEVICES='));
    const value = env?.slice('NVIDIA_VISIBLE_DEVICES='.length).trim();
    if (!value || value === 'void' || value === 'none') return [];
    if (value === 'all') return 'all';
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return [];
}

/** Assigned GPUs as a label value: "0,1", "all", or "" for none. */
export function gpuLabel(gpus: readonly string[] | 'all'): string {
  return gpus === 'all' ? 'all' : gpus.join(',');
}
